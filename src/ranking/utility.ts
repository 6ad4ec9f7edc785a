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

export const UtilityWeightsSchema = z.object({
  click: z.number().min(0).max(10),
  finish: z.number().min(0).max(10),
  ret: z.number().min(0).max(10),
}).refine((w) => w.click + w.finish + w.ret > 0, 'at least one weight must be positive');

/**
 * Chosen by `npm run eval` (docs/EVALUATION.md, "Utility weights"): among the grid, the weights
 * with the best NDCG@10 on finished titles whose NDCG@10 on any play stays within 2% of the best.
 * A click that ends in a finished title is worth twice a click that does not.
 */
export const DEFAULT_UTILITY: UtilityWeights = { click: 1, finish: 1, ret: 0.5 };

/**
 * Expected value of showing a title: p(click) · (w_click + w_finish · p(finish | click) +
 * w_return · p(return | click)). The finish and return heads are trained on clicked rows only,
 * so they are conditional and the product is the joint probability.
 */
export function utility(p: HeadProbabilities, w: UtilityWeights): number {
  return p.click * (w.click + w.finish * p.finish + w.ret * p.ret);
}
