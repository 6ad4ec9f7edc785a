import type { AlsOptions } from '../retrieval/als';
import type { FeedbackOptions } from '../retrieval/implicit-feedback';
import type { ItemModelOptions } from '../retrieval/item-model';

/** Which logged moments the ranker learns from. */
export interface RankerTrainingOptions {
  /** Share of playbacks (the latest) whose moments become the ranker's training requests. */
  windowShare: number;
  maxRequests: number;
  seed: number;
}

/** The ranker learns from the latest quarter of plays; 12,000 requests train in well under a minute. */
export const DEFAULT_RANKER_TRAINING: RankerTrainingOptions = { windowShare: 0.25, maxRequests: 12_000, seed: 7 };

/** How a model bundle is trained: what `npm run train` and a first start use (config.trainingOptions). */
export interface BundleOptions {
  als: AlsOptions;
  feedback: FeedbackOptions;
  /** The item→item model served beside ALS; DEFAULT_ITEM_MODEL when absent. */
  itemModel?: ItemModelOptions;
  ranker: RankerTrainingOptions;
}
