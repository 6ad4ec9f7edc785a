import { fitFeatureSpec, normaliseRows, type FeatureSpec } from './features/feature-spec';
import { headMetrics, type HeadMetric } from './head-metrics';
import { HEADS, type Head, type MultiTaskModel } from './multitask-model';
import { trainMultiTask, type TrainingData } from './multitask-training';
import type { RankerRows } from './ranker-rows';

/** The last fifth of the rows by request time validates: early stopping and the reported metrics. */
const VALIDATION_SHARE = 0.2;

/** The network's hidden layers: shared by the heads, then each head's tower. */
export interface RankerShape {
  shared: number[];
  tower: number[];
}

/**
 * One shared layer of 32 and a tower of 8 per head: `npm run eval` compares it with 64-32 / 16 on
 * validation splits carved from training (docs/EVALUATION.md), where the wider network fits the
 * training rows better and ranks validation titles worse.
 */
export const RANKER_SHAPE: RankerShape = { shared: [32], tower: [8] };

export interface RankerOptions {
  seed: number | string;
  shape?: RankerShape;
  epochs?: number;
  onEpoch?: (epoch: number, epochs: number) => void;
}

/** What the manifest records about a trained ranker. */
export interface RankerReport {
  requests: number;
  rows: { train: number; validation: number; impressions: number; laterPlays: number };
  bestEpoch: number;
  epochs: number;
  /**
   * Per head on the validation rows (later in time than every training row), apart for held-out
   * logged impressions (click = played within the hour of being shown) and held-out later plays.
   */
  validation: { impressions?: Record<Head, HeadMetric>; laterPlays?: Record<Head, HeadMetric> };
  seconds: number;
}

export interface TrainedRanker {
  model: MultiTaskModel;
  spec: FeatureSpec;
  report: RankerReport;
}

/**
 * Fits the standardisation on the training rows, trains the multi-task model with early stopping
 * on the later validation rows, and reports per-head AUC and log-loss there.
 *
 * Which rows teach which head: the click head orders candidates, so it learns from candidates a
 * viewer did or did not go on to play. A logged impression's click says as much about what the
 * old page chose to show as about the viewer (docs/EVALUATION.md measures what learning from it
 * does), so logged impressions teach the finish and return heads (what happens after a click, on
 * that device at that hour) and the shared layer, not the click head. Positive classes are not re-weighted: the utility multiplies the heads, so they must
 * stay calibrated probabilities.
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
  train.masks = { click: Uint8Array.from(trainIdx, (i) => teachesClick(data, i)) };
  const validation = normalised(pick(data, valIdx), spec);
  const valMasked = { ...validation, masks: { click: Uint8Array.from(valIdx, (i) => teachesClick(data, i)) } };
  const epochs = o.epochs ?? 30;
  const result = trainMultiTask(train, {
    seed: o.seed,
    epochs,
    validation: valMasked,
    patience: 4,
    ...(o.shape ?? RANKER_SHAPE),
    positiveWeights: Object.fromEntries(HEADS.map((h) => [h, 1])) as Record<Head, number>,
    onEpoch: (p) => o.onEpoch?.(p.epoch, epochs),
  });
  const predicted = result.model.forward(validation.rows, validation.n);
  const metricsOf = (kind: number) => {
    const rows = valIdx.map((i, r) => (data.logged[i] === kind ? r : -1)).filter((r) => r >= 0);
    if (rows.length === 0) return undefined;
    const part = (a: Float32Array) => Float32Array.from(rows, (r) => a[r]);
    return headMetrics(
      Object.fromEntries(HEADS.map((h) => [h, part(predicted[h])])) as Record<Head, Float32Array>,
      Object.fromEntries(HEADS.map((h) => [h, part(validation.labels[h])])) as Record<Head, Float32Array>,
    );
  };
  const logged = data.logged.reduce((s, x) => s + x, 0);
  return {
    model: result.model,
    spec,
    report: {
      requests: data.requests,
      rows: { train: train.n, validation: validation.n, impressions: logged, laterPlays: data.n - logged },
      bestEpoch: result.bestEpoch,
      epochs: result.history.length,
      validation: { impressions: metricsOf(1), laterPlays: metricsOf(0) },
      seconds: Math.round((performance.now() - started) / 100) / 10,
    },
  };
}

/** 1 when row i's click label trains the click head: later-play rows only (see trainRanker). */
function teachesClick(data: RankerRows, i: number): number {
  return 1 - data.logged[i];
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
