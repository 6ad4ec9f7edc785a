import { z } from 'zod';

/** The three heads' outputs for one candidate: click given shown, finish and return given a click. */
export interface HeadProbabilities {
  click: number;
  finish: number;
  ret: number;
}

/** How much finishing and coming back are worth relative to a click. */
export interface UtilityWeights {
  click: number;
  finish: number;
  ret: number;
}

export const UtilityWeightsSchema = z
  .object({
    click: z.number().min(0).max(10),
    finish: z.number().min(0).max(10),
    ret: z.number().min(0).max(10),
  })
  .refine((w) => w.click + w.finish + w.ret > 0, 'at least one weight must be positive');

/**
 * Chosen by `npm run eval` (docs/EVALUATION.md, "Utility weights"): of the grid, the weights
 * with the best NDCG@10 on held-out titles watched to 70% whose NDCG@10 on any held-out title
 * stays within 2% of the grid's best, on both datasets. A finished title is worth three times an
 * abandoned one; returning the next day adds nothing offline (weighting it lowered both NDCGs on
 * the world), so its weight is 0 until an online experiment shows what it is worth.
 */
export const DEFAULT_UTILITY: UtilityWeights = { click: 1, finish: 2, ret: 0 };

/**
 * Expected value of showing a title: p(click) · (w_click + w_finish · p(finish | click) +
 * w_return · p(return | click)). The finish and return heads are trained on clicked rows only,
 * so they are conditional and the product is the joint probability.
 */
export function utility(p: HeadProbabilities, w: UtilityWeights): number {
  return p.click * (w.click + w.finish * p.finish + w.ret * p.ret);
}
