import { DEFAULT_EASE } from '../retrieval/ease';
import { DEFAULT_ITEM_KNN } from '../retrieval/item-item';
import { DEFAULT_ITEM_MODEL, ITEM_MODEL_METHODS, type ItemModelOptions } from '../retrieval/item-model';
import { DEFAULT_RP3BETA } from '../retrieval/rp3beta';
import { tuneEaseOn, tuneItemKnnOn, tuneRp3betaOn, type ItemTrial, type ValidationSet } from './tune-item-models';
import type { EvalProgress } from './two-stage';

type Method = (typeof ITEM_MODEL_METHODS)[number];
type Chosen<M extends Method> = Extract<ItemModelOptions, { method: M }>;

export type ItemBaselines = { [M in Method]: { chosen: Chosen<M>; validation: number | null; trials: ItemTrial<unknown>[] } } & {
  /** What the pipeline serves as its ITEM_ITEM source and feature: the best of the three on validation. */
  served: ItemModelOptions;
};

/**
 * EASE, RP3beta and item-kNN, each with its hyperparameters chosen on the validation split (the
 * training part carved again; tune-item-models.ts). Without tuning: each method's defaults and
 * the served default.
 */
export function itemBaselines(v: ValidationSet | undefined, onProgress?: EvalProgress): ItemBaselines {
  if (!v) {
    return {
      ease: { chosen: { method: 'ease', ...DEFAULT_EASE }, validation: null, trials: [] },
      rp3beta: { chosen: { method: 'rp3beta', ...DEFAULT_RP3BETA }, validation: null, trials: [] },
      itemknn: { chosen: { method: 'itemknn', ...DEFAULT_ITEM_KNN }, validation: null, trials: [] },
      served: DEFAULT_ITEM_MODEL,
    };
  }
  const progress = (stage: string) => (_t: unknown, done: number, total: number) => onProgress?.(stage, done, total);
  const ease = tuneEaseOn(v, progress('tune ease (validation)'));
  const rp3beta = tuneRp3betaOn(v, progress('tune rp3beta (validation)'));
  const itemknn = tuneItemKnnOn(v, progress('tune itemknn (validation)'));
  const best = (trials: ItemTrial<unknown>[]) => Math.max(...trials.map((t) => t['ndcg@10']));
  const result = {
    ease: { chosen: { method: 'ease' as const, ...ease.best }, validation: best(ease.trials), trials: ease.trials },
    rp3beta: { chosen: { method: 'rp3beta' as const, ...rp3beta.best }, validation: best(rp3beta.trials), trials: rp3beta.trials },
    itemknn: { chosen: { method: 'itemknn' as const, ...itemknn.best }, validation: best(itemknn.trials), trials: itemknn.trials },
  };
  const winner = ITEM_MODEL_METHODS.reduce((a, b) => (result[b].validation > result[a].validation ? b : a));
  return { ...result, served: result[winner].chosen };
}
