import { fitFeatureSpec, normaliseRows, type FeatureSpec } from './features/feature-spec';
import { headMetrics, type HeadMetric } from './head-metrics';
import { HEADS, type Head, type MultiTaskModel } from './multitask-model';
import { trainMultiTask, type TrainingData } from './multitask-training';
import type { RankerRows } from './training-rows';

/** The last fifth of the rows by request time validates: early stopping and the reported metrics. */
const VALIDATION_SHARE = 0.2;

export interface RankerOptions {
  seed: number | string;
  epochs?: number;
  onEpoch?: (epoch: number, epochs: number) => void;
}

/** What the manifest records about a trained ranker. */
export interface RankerReport {
  mode: RankerRows['mode'];
  requests: number;
  rows: { train: number; validation: number };
  bestEpoch: number;
  epochs: number;
  /** Per head on the validation rows (later in time than every training row). */
  validation: Record<Head, HeadMetric>;
  seconds: number;
}

export interface TrainedRanker {
  model: MultiTaskModel;
  spec: FeatureSpec;
  report: RankerReport;
}

/**
 * Fits the standardisation on the training rows, trains the multi-task model with early stopping
 * on the later validation rows, and reports per-head AUC and log-loss there. Positive classes
 * are not re-weighted: the utility multiplies the heads, so they must stay calibrated probabilities.
 */
export function trainRanker(data: RankerRows, o: RankerOptions): TrainedRanker {
  const started = performance.now();
  const order = [...data.at.keys()].sort((a, b) => data.at[a] - data.at[b] || a - b);
  const cut = Math.round(order.length * (1 - VALIDATION_SHARE));
  if (cut === 0 || cut === order.length) throw new Error(`${data.n} ranker rows are too few to train and validate on`);
  const trainIdx = order.slice(0, cut);
  const valIdx = order.slice(cut);
  const spec = fitFeatureSpec(pick(data, trainIdx).rows, trainIdx.length);
  const train = normalised(pick(data, trainIdx), spec);
  const validation = normalised(pick(data, valIdx), spec);
  const epochs = o.epochs ?? 30;
  const result = trainMultiTask(train, {
    seed: o.seed, epochs, validation, patience: 4,
    positiveWeights: Object.fromEntries(HEADS.map((h) => [h, 1])) as Record<Head, number>,
    onEpoch: (p) => o.onEpoch?.(p.epoch, epochs),
  });
  return {
    model: result.model,
    spec,
    report: {
      mode: data.mode, requests: data.requests, rows: { train: train.n, validation: validation.n },
      bestEpoch: result.bestEpoch, epochs: result.history.length,
      validation: headMetrics(result.model.forward(validation.rows, validation.n), validation.labels),
      seconds: Math.round((performance.now() - started) / 100) / 10,
    },
  };
}

function pick(data: RankerRows, idx: readonly number[]): TrainingData {
  const d = data.rows.length / Math.max(1, data.n);
  const rows = new Float32Array(idx.length * d);
  const labels = Object.fromEntries(HEADS.map((h) => [h, new Float32Array(idx.length)])) as Record<Head, Float32Array>;
  idx.forEach((i, r) => {
    rows.set(data.rows.subarray(i * d, (i + 1) * d), r * d);
    for (const h of HEADS) labels[h][r] = data.labels[h][i];
  });
  return { rows, n: idx.length, labels };
}

function normalised(d: TrainingData, spec: FeatureSpec): TrainingData {
  return { ...d, rows: normaliseRows(spec, d.rows, d.n) };
}
