import { trainAls, type AlsOptions } from '../retrieval/als';
import type { FeedbackOptions } from '../retrieval/implicit-feedback';
import type { ItemModelOptions } from '../retrieval/item-model';
import { feedbackBeforeHeldOut, impressionsBeforeHeldOut } from '../training/ranker-training-set';
import type { Split } from '../training/split';
import type { EvalDataset } from './datasets';
import { evalRetrieval, type EvalRetrieval } from './eval-retrieval';
import type { EvalProgress } from './two-stage';
import type { ValidationSet } from './tune-item-models';

/** The training part of a split, carved again: what every choice of a hyperparameter is scored on. */
export interface Validation {
  /** The dataset as the evaluation may know it: training events, impressions before each profile's held-out titles. */
  known: EvalDataset;
  inner: Split;
  retrieval: EvalRetrieval;
  seen: Map<string, Set<string>>;
}

/**
 * Each profile's last 20% of training titles become validation titles (`v`, the set the other
 * tuners score on), and the candidate stage is built from the rest exactly as evaluation builds
 * it from the whole training part (ALS with
 * the chosen options, HNSW, the item→item model, the graph, the counters). The test titles are
 * never looked at.
 */
export function validationSplit(
  x: { d: EvalDataset; split: Split; v: ValidationSet; als: AlsOptions; feedback: FeedbackOptions; itemModel: ItemModelOptions },
  onProgress?: EvalProgress,
): Validation {
  const { d, split, v, als, feedback, itemModel } = x;
  const factors = trainAls(v.data.matrix, als, (done, total) => onProgress?.('validation: als', done, total));
  const known: EvalDataset = {
    ...d,
    events: split.train,
    impressions: impressionsBeforeHeldOut(d.impressions, d.events, split).filter((e) => e.occurredAt <= split.now),
    feedback: feedbackBeforeHeldOut(d.feedback, d.events, split).filter((f) => f.updatedAt <= split.now),
  };
  return { known, inner: v.inner, retrieval: evalRetrieval(known, v.inner, v.data, factors, { als, feedback, itemModel }), seen: v.seen };
}
