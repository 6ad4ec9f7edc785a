import type { Candidate, HomepageRequest } from '../retrieval/candidates';
import type { FeatureModels, FeatureStore } from './features/feature-store';
import { normaliseRows, type FeatureSpec } from './features/feature-spec';
import type { OnnxScorer } from './onnx-scorer';
import { byUtility, type RankedCandidate, type Ranker } from './ranker';
import { utility, type UtilityWeights } from './utility';

/**
 * The trained ranker at serve time: feature rows for every candidate from the feature store,
 * standardised by the bundle's spec, one batched onnxruntime run, one utility per candidate.
 * If the model run fails the fallback ranks the page (logged), so the homepage still answers.
 */
export class ModelRanker implements Ranker {
  constructor(
    private readonly features: FeatureStore,
    private readonly models: FeatureModels,
    private readonly scorer: OnnxScorer,
    private readonly spec: FeatureSpec,
    private readonly weights: UtilityWeights,
    private readonly fallback: Ranker,
    private readonly onFailure: (err: unknown) => void = () => {},
  ) {}

  async rank(req: HomepageRequest, candidates: readonly Candidate[], weights = this.weights): Promise<RankedCandidate[]> {
    if (candidates.length === 0) return [];
    const n = candidates.length;
    const raw = await this.features.rows(req, candidates, this.models);
    let heads;
    try {
      heads = await this.scorer.score(normaliseRows(this.spec, raw, n), n);
    } catch (err) {
      this.onFailure(err);
      return this.fallback.rank(req, candidates, weights);
    }
    return candidates
      .map((c, i) => {
        const p = { click: heads.click[i], finish: heads.finish[i], ret: heads.ret[i] };
        return { ...c, heads: p, utility: utility(p, weights) };
      })
      .sort(byUtility);
  }
}
