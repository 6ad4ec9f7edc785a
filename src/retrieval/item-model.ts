import type { InteractionMatrix } from './als';
import { DEFAULT_EASE, trainEase, type EaseOptions } from './ease';
import type { ItemNeighbours } from './item-item';

/**
 * Which item→item model a bundle serves beside ALS, and its hyperparameters. EASE (Steck 2019) is
 * the strongest item-based baseline on both evaluation datasets (docs/EVALUATION.md); it becomes
 * a candidate source (ITEM_ITEM) and the ranker's `cross_item_score` feature.
 */
export type ItemModelOptions = { method: 'ease' } & EaseOptions;

export const DEFAULT_ITEM_MODEL: ItemModelOptions = { method: 'ease', ...DEFAULT_EASE };

export function trainItemModel(m: InteractionMatrix, titleIds: readonly string[], o: ItemModelOptions): ItemNeighbours {
  const { method, ...options } = o;
  switch (method) {
    case 'ease':
      return trainEase(m, titleIds, options);
  }
}
