import { HEADS, type Head, type HeadOutputs } from './multitask-model';

export interface HeadMetric {
  auc: number;
  logLoss: number;
  /** Rows with a label for this head, and the share of them that are positive. */
  rows: number;
  positiveRate: number;
}

/** AUC (Mann–Whitney, ties counted half) and mean log-loss of one head over its labelled rows. */
export function headMetric(predicted: ArrayLike<number>, labels: ArrayLike<number>): HeadMetric {
  const idx: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === labels[i]) idx.push(i);
  idx.sort((a, b) => predicted[a] - predicted[b]);
  let positives = 0;
  let rankSum = 0;
  let loss = 0;
  for (let k = 0; k < idx.length;) {
    let end = k;
    while (end + 1 < idx.length && predicted[idx[end + 1]] === predicted[idx[k]]) end++;
    const midRank = (k + end) / 2 + 1;
    for (let m = k; m <= end; m++) {
      const y = labels[idx[m]];
      const p = Math.min(1 - 1e-7, Math.max(1e-7, predicted[idx[m]]));
      if (y >= 0.5) {
        positives++;
        rankSum += midRank;
      }
      loss -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
    }
    k = end + 1;
  }
  const negatives = idx.length - positives;
  const auc = positives && negatives ? (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives) : NaN;
  const r = (x: number) => Math.round(x * 10000) / 10000;
  return {
    auc: r(auc),
    logLoss: r(loss / Math.max(1, idx.length)),
    rows: idx.length,
    positiveRate: r(positives / Math.max(1, idx.length)),
  };
}

/** Every head's metric; labels NaN where a head has no label for a row. */
export function headMetrics(predicted: HeadOutputs, labels: Record<Head, Float32Array>): Record<Head, HeadMetric> {
  return Object.fromEntries(HEADS.map((h) => [h, headMetric(predicted[h], labels[h])])) as Record<Head, HeadMetric>;
}
