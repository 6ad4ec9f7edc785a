import type { InteractionMatrix } from './als';
import { trainEase, type EaseOptions } from './ease';
import { trainItemKnn, type ItemKnnOptions, type ItemNeighbours } from './item-item';
import { trainRp3beta, type Rp3betaOptions } from './rp3beta';

/**
 * Which item→item model a bundle serves beside ALS, and its hyperparameters: EASE, RP3beta or
 * item-kNN all train into one sparse shape (item-item.ts). It becomes a candidate source
 * (ITEM_ITEM) and the ranker's `cross_item_score` features.
 */
export type ItemModelOptions =
  ({ method: 'ease' } & EaseOptions) | ({ method: 'rp3beta' } & Rp3betaOptions) | ({ method: 'itemknn' } & ItemKnnOptions);

export const ITEM_MODEL_METHODS = ['ease', 'rp3beta', 'itemknn'] as const;

/**
 * The default world's validation choice (`npm run eval -- --dataset world`, docs/EVALUATION.md):
 * of EASE, RP3beta and item-kNN each tuned on the validation split, RP3beta ranked validation
 * titles best (NDCG@10 0.0320 against 0.0305 and 0.0301), and it trains in a tenth of a second
 * where EASE takes seconds (a first start trains five retrieval models).
 */
export const DEFAULT_ITEM_MODEL: ItemModelOptions = {
  method: 'rp3beta',
  alpha: 0.2,
  beta: 0,
  neighbours: 50,
  normalize: false,
  input: 'binary',
};

export function trainItemModel(m: InteractionMatrix, titleIds: readonly string[], o: ItemModelOptions): ItemNeighbours {
  switch (o.method) {
    case 'ease':
      return trainEase(m, titleIds, o);
    case 'rp3beta':
      return trainRp3beta(m, titleIds, o);
    case 'itemknn':
      return trainItemKnn(m, titleIds, o);
  }
}
