import { FEATURE_COUNT } from './features/feature-spec';
import { HEADS, type Head } from './multitask-model';

/** Labelled rows: click given shown; finish ≥70% and return the next day given a click (NaN otherwise). */
export interface RankerRows {
  rows: Float32Array;
  n: number;
  labels: Record<Head, Float32Array>;
  /** Request time, profile and title of each row: a split by time, and the skew test's lookups. */
  at: Float64Array;
  profileIds: string[];
  titleIds: string[];
  requests: number;
  /** Per row: 1 for a logged impression and its outcome, 0 for a candidate and whether it was played later. */
  logged: Uint8Array;
}

/** Both sets of rows in one, in time order of their requests. */
export function mergeRows(a: RankerRows, b: RankerRows): RankerRows {
  const order = [...Array(a.n + b.n).keys()].sort((i, j) => atOf(i) - atOf(j) || i - j);
  function atOf(i: number) {
    return i < a.n ? a.at[i] : b.at[i - a.n];
  }
  const pick = <T>(x: ArrayLike<T>, y: ArrayLike<T>, i: number) => (i < a.n ? x[i] : y[i - a.n]);
  const rows = new Float32Array((a.n + b.n) * FEATURE_COUNT);
  order.forEach((i, r) =>
    rows.set(
      i < a.n
        ? a.rows.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT)
        : b.rows.subarray((i - a.n) * FEATURE_COUNT, (i - a.n + 1) * FEATURE_COUNT),
      r * FEATURE_COUNT,
    ),
  );
  return {
    rows,
    n: a.n + b.n,
    requests: a.requests + b.requests,
    labels: Object.fromEntries(HEADS.map((h) => [h, Float32Array.from(order, (i) => pick(a.labels[h], b.labels[h], i))])) as Record<
      Head,
      Float32Array
    >,
    at: Float64Array.from(order, (i) => pick(a.at, b.at, i)),
    logged: Uint8Array.from(order, (i) => pick(a.logged, b.logged, i)),
    profileIds: order.map((i) => pick(a.profileIds, b.profileIds, i)),
    titleIds: order.map((i) => pick(a.titleIds, b.titleIds, i)),
  };
}
