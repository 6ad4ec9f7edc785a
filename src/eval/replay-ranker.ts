import { HeuristicRanker } from '../ranking/heuristic-ranker';
import { ModelRanker } from '../ranking/model-ranker';
import { exportOnnx } from '../ranking/onnx-export';
import { OnnxScorer } from '../ranking/onnx-scorer';
import type { TrainedRanker } from '../ranking/train-ranker';
import { DEFAULT_UTILITY, type UtilityWeights } from '../pipeline/utility';
import type { EventReplay } from '../training/event-replay';

/**
 * The trained ranker as the server would run it (exported to ONNX, with the given utility weights) over a
 * replay's features. A failed ONNX run fails the evaluation instead of falling back quietly.
 * Release the scorer when done.
 */
export async function replayRanker(
  replay: EventReplay,
  trained: TrainedRanker,
  weights: UtilityWeights = DEFAULT_UTILITY,
): Promise<{ ranker: ModelRanker; scorer: OnnxScorer }> {
  const scorer = await OnnxScorer.load(exportOnnx(trained.model));
  const ranker = new ModelRanker({
    features: replay.features,
    models: replay.models,
    scorer,
    spec: trained.spec,
    weights,
    fallback: new HeuristicRanker(),
    onFailure: (err) => {
      throw err;
    },
  });
  return { ranker, scorer };
}
