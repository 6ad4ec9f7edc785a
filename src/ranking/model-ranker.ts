import { type Candidate, sortByUtility, type RankedCandidate } from '../pipeline/candidates';
import type { HomepageRequest } from '../pipeline/request';
import { coldStartPrior } from '../retrieval';
import type { FeatureModels, FeatureStore } from './features/feature-store';
import { normaliseRows, type FeatureSpec } from './features/feature-spec';
import type { OnnxScorer } from './onnx-scorer';
import { type Ranker } from '../pipeline/stages';
import { utility, type UtilityWeights } from '../pipeline/utility';
import { descending } from '../shared/compare';

export interface ModelRankerOptions {
  features: FeatureStore;
  models: FeatureModels;
  scorer: OnnxScorer;
  spec: FeatureSpec;
  weights: UtilityWeights;
  fallback: Ranker;
  onFailure?: (err: unknown) => void;
}

/**
 * The trained ranker at serve time: feature rows for every candidate from the feature store,
 * standardised by the bundle's spec, one batched onnxruntime run, one utility per candidate.
 * If the model run fails the fallback ranks the page (logged), so the homepage still answers.
 */
export class ModelRanker implements Ranker {
  private readonly features: FeatureStore;
  private readonly models: FeatureModels;
  private readonly scorer: OnnxScorer;
  private readonly spec: FeatureSpec;
  private readonly weights: UtilityWeights;
  private readonly fallback: Ranker;
  private readonly onFailure: (err: unknown) => void;

  constructor(o: ModelRankerOptions) {
    this.features = o.features;
    this.models = o.models;
    this.scorer = o.scorer;
    this.spec = o.spec;
    this.weights = o.weights;
    this.fallback = o.fallback;
    this.onFailure = o.onFailure ?? (() => {});
  }

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
    // Written out rather than spread: a spread per candidate was a fifth of this stage's time.
    const ranked: RankedCandidate[] = candidates.map((c, i) => {
      const p = { click: heads.click[i], finish: heads.finish[i], ret: heads.ret[i] };
      return { title: c.title, sources: c.sources, heads: p, utility: utility(p, weights) };
    });
    if (req.signals.seen.size === 0) this.orderByPopularity(req, ranked);
    return sortByUtility(ranked);
  }

  /**
   * A profile with no history at all (new, erased, or personalization off) is one the ranker never
   * saw: no training row has an empty history, and the click head fills such a page with acclaimed
   * films, below plain popularity (docs/EVALUATION.md, cold start). Its candidates are ordered by
   * four-week popularity weighed by the cold-start prior instead (ties, such as titles nobody
   * played lately, by the model). The candidates take the model's utilities in that order, so
   * rows, exploration and the page's end read the same values as on any page.
   */
  private orderByPopularity(req: HomepageRequest, ranked: RankedCandidate[]): void {
    const prior = new Map(ranked.map((c) => [c, this.features.popularity(c.title.id, req.context.now) * coldStartPrior(req, c.title)]));
    const values = ranked.map((c) => c.utility).sort(descending);
    [...ranked]
      .sort((a, b) => descending(prior.get(a)!, prior.get(b)!) || descending(a.utility, b.utility))
      .forEach((c, k) => (c.utility = values[k]));
  }
}
