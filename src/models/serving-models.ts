import { type FeatureStore } from '../ranking/features/feature-store';
import { ModelRanker } from '../ranking/model-ranker';
import { OnnxScorer } from '../ranking/onnx-scorer';
import { HeuristicRanker } from '../ranking/heuristic-ranker';
import { PopularityRanker, RandomRanker } from '../ranking/baseline-rankers';
import type { BaselineRanker } from '../pipeline/treatment';
import type { Ranker, NeighbourLookup } from '../pipeline/stages';
import type { UtilityWeights } from '../pipeline/utility';
import type { UnionCandidateGenerator } from '../retrieval/union-generator';
import { CollaborativeModel } from '../retrieval/collaborative-model';
import type { PlayCounters } from '../retrieval/play-counters';
import { candidateGenerator } from '../retrieval/retrieval-plan';
import type { ModelBundle } from './model-bundle';
import type { Releasable } from './model-holder';
import type { Logger } from '../shared/logger';
import { errorMessage } from '../shared/error-message';

/** Everything the request path reads from one model bundle; swapped as a whole. */
export interface ServingModels extends Releasable {
  bundle: ModelBundle;
  collaborative: CollaborativeModel;
  retrieval: UnionCandidateGenerator;
  ranker: Ranker;
  /** Rankers without a model, for ranker experiments (the heuristic is also the trained one's fallback). */
  baselines: Record<BaselineRanker, Ranker>;
}

/** The long-lived parts a bundle is served with: they outlive a swap. */
export interface SharedParts {
  features: FeatureStore;
  neighbours: NeighbourLookup;
  counters: PlayCounters;
  weights: UtilityWeights;
  logger?: Logger;
  /** Hears each page the trained ranker could not rank (monitoring). */
  onRankerFallback?: () => void;
}

export async function servingModels(bundle: ModelBundle, shared: SharedParts): Promise<ServingModels> {
  const { logger } = shared;
  const collaborative = new CollaborativeModel(bundle);
  const scorer = await OnnxScorer.load(bundle.ranker.onnx);
  const heuristic = new HeuristicRanker();
  return {
    version: bundle.manifest.version,
    bundle,
    collaborative,
    retrieval: candidateGenerator({
      model: collaborative,
      neighbours: shared.neighbours,
      counters: shared.counters,
      onContentUnavailable: (err) => logger?.warn({ err: err.message }, 'content source degraded'),
    }),
    ranker: new ModelRanker({
      features: shared.features,
      models: { collaborative, neighbours: shared.neighbours },
      scorer,
      spec: bundle.ranker.spec,
      weights: shared.weights,
      fallback: heuristic,
      onFailure: (err) => {
        shared.onRankerFallback?.();
        logger?.error({ err: errorMessage(err) }, 'ranker failed; ranked by the heuristic');
      },
    }),
    baselines: { HEURISTIC: heuristic, POPULARITY: new PopularityRanker(), RANDOM: new RandomRanker() },
    release: () => scorer.release(),
  };
}
