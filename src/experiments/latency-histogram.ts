/**
 * Latencies as counts in fixed buckets, so replicas can add theirs together in the store and a
 * quantile can be read back with its confidence interval. Bucket i holds latencies up to
 * LATENCY_BUCKETS_MS[i] (and above the previous bound); the last bucket holds everything slower.
 * Bounds grow by 2^(1/4) (19% apart) from 1 ms: a quantile is known to within one bucket.
 */
export const LATENCY_BUCKETS_MS: readonly number[] = Array.from({ length: 65 }, (_, i) => 2 ** (i / 4));

export function bucketOf(ms: number): number {
  if (!(ms > 1)) return 0;
  return Math.min(LATENCY_BUCKETS_MS.length - 1, Math.ceil(4 * Math.log2(ms) - 1e-9));
}

/** The upper bound of the bucket holding the k-th fastest request (k from 1). */
function bucketAtRank(buckets: readonly number[], k: number): number {
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    seen += buckets[i];
    if (seen >= k) return LATENCY_BUCKETS_MS[Math.min(i, LATENCY_BUCKETS_MS.length - 1)];
  }
  return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1];
}

export interface QuantileEstimate {
  value: number;
  low: number;
  high: number;
}

/**
 * The q-quantile with a distribution-free 95% interval: the order statistics at ranks
 * n·q ± 1.96·sqrt(n·q·(1−q)) (the normal approximation to the binomial count below the quantile),
 * each read at its bucket's upper bound. Null without requests.
 */
export function quantile(buckets: readonly number[], q: number): QuantileEstimate | null {
  const n = buckets.reduce((s, c) => s + c, 0);
  if (n === 0) return null;
  const spread = 1.96 * Math.sqrt(n * q * (1 - q));
  const rank = (r: number) => Math.min(n, Math.max(1, Math.ceil(r)));
  return {
    value: bucketAtRank(buckets, rank(n * q)),
    low: bucketAtRank(buckets, rank(n * q - spread)),
    high: bucketAtRank(buckets, rank(n * q + spread + 1)),
  };
}
