import { DEFAULT_UTILITY, type UtilityWeights } from '../pipeline/utility';
import type { AlsOptions } from '../retrieval/als';
import type { FeedbackOptions } from '../retrieval/implicit-feedback';
import type { ItemModelOptions } from '../retrieval/item-model';
import type { RetrievalPlan } from '../retrieval/retrieval-plan';
import { RANKER_SHAPE, type RankerShape } from '../ranking/train-ranker';
import { LATER_PLAY_SHARES } from '../training/ranker-training-set';
import type { Validation } from './validation';
import { twoStage, type EvalProgress, type TwoStageConfig } from './two-stage';

export interface TwoStageTrial {
  shape: string;
  carves: number;
  weights: UtilityWeights;
  'ndcg@10': number;
  'ndcg@10 finished': number;
}

const WIDER: RankerShape = { shared: [64, 32], tower: [16] };
/** A utility whose NDCG@10 on any validation title is within this share of the best may win on finished titles. */
const ANY_TITLE_TOLERANCE = 0.02;

/**
 * Chooses the two-stage pipeline's own settings the way tune-als.ts chooses ALS's: on a validation
 * split carved from the training part (each profile's last 20% of training titles), never on the
 * test titles. A coordinate search: the network (32 / 8 against 64-32 / 16) with three carves of
 * later plays, then one and two carves with the better network; every run scores the whole utility
 * grid. The utility chosen is the one with the best NDCG@10 on finished validation titles among
 * those within 2% of the best NDCG@10 on any validation title: finishing is what the product wants,
 * as long as it costs the viewer's next pick little.
 */
export async function tuneTwoStage(
  x: { validation: Validation; als: AlsOptions; feedback: FeedbackOptions; itemModel: ItemModelOptions; plan: RetrievalPlan },
  onProgress?: EvalProgress,
): Promise<{ best: TwoStageConfig; trials: TwoStageTrial[] }> {
  const { als, feedback, itemModel, plan } = x;
  const { known, inner, retrieval, seen } = x.validation;
  const trials: TwoStageTrial[] = [];
  const run = async (shape: RankerShape, laterPlayShares: readonly number[]) => {
    const stage = `tune two-stage: ${describe(shape)}, ${laterPlayShares.length} carve(s)`;
    const r = await twoStage(
      {
        d: known,
        split: inner,
        retrieval,
        seen,
        als,
        feedback,
        itemModel,
        plan,
        config: { shape, laterPlayShares, weights: DEFAULT_UTILITY },
        rankingsOnly: true,
      },
      (s, done, total) => onProgress?.(`${stage}: ${s}`, done, total),
    );
    for (const u of r.utility)
      trials.push({
        shape: describe(shape),
        carves: laterPlayShares.length,
        weights: u.weights,
        'ndcg@10': u['ndcg@10'],
        'ndcg@10 finished': u['ndcg@10 finished'],
      });
    return Math.max(...r.utility.map((u) => u['ndcg@10']));
  };

  const shapes = [RANKER_SHAPE, WIDER];
  const byShape = [];
  for (const shape of shapes) byShape.push(await run(shape, LATER_PLAY_SHARES));
  const shape = shapes[byShape.indexOf(Math.max(...byShape))];
  for (let carves = 1; carves < LATER_PLAY_SHARES.length; carves++) await run(shape, LATER_PLAY_SHARES.slice(0, carves));

  const ofShape = trials.filter((t) => t.shape === describe(shape));
  const carves = bestBy(ofShape, (t) => t['ndcg@10']).carves;
  const grid = ofShape.filter((t) => t.carves === carves);
  const top = Math.max(...grid.map((t) => t['ndcg@10']));
  const chosen = bestBy(
    grid.filter((t) => t['ndcg@10'] >= top * (1 - ANY_TITLE_TOLERANCE)),
    (t) => t['ndcg@10 finished'],
  );
  return { best: { shape, laterPlayShares: LATER_PLAY_SHARES.slice(0, carves), weights: chosen.weights }, trials };
}

function describe(s: RankerShape): string {
  return `${s.shared.join('-')} / ${s.tower.join('-')}`;
}

function bestBy<T>(xs: readonly T[], score: (x: T) => number): T {
  return xs.reduce((a, b) => (score(b) > score(a) ? b : a));
}
