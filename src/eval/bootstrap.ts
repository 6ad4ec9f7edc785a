import { Rng } from '../shared/random';

/** A mean over profiles with its 95% percentile-bootstrap interval. */
export interface Estimate {
  mean: number;
  ci95: [number, number];
}

const RESAMPLES = 2000;

/**
 * Mean of per-profile values and a 95% interval from resampling profiles with replacement. For a
 * paired comparison pass the per-profile differences: the interval then excludes what two methods
 * share (the same profiles are easy or hard for both), which two separate intervals do not.
 */
export function bootstrapMean(values: readonly number[], seed: number | string): Estimate {
  const n = values.length;
  const round = (x: number) => Math.round(x * 10000) / 10000;
  if (n === 0) return { mean: 0, ci95: [0, 0] };
  const rng = new Rng(seed);
  const means = new Float64Array(RESAMPLES);
  for (let b = 0; b < RESAMPLES; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(rng.float() * n)];
    means[b] = s / n;
  }
  means.sort();
  const mean = values.reduce((a, x) => a + x, 0) / n;
  return { mean: round(mean), ci95: [round(means[Math.floor(0.025 * RESAMPLES)]), round(means[Math.ceil(0.975 * RESAMPLES) - 1])] };
}

/**
 * Method `a` minus method `b` over the profiles both scored, per profile, with its paired 95%
 * interval; `relative` is the same difference over `b`'s mean, for "x% ahead of" claims.
 */
export function pairedDifference(
  a: ReadonlyMap<string, number>,
  b: ReadonlyMap<string, number>,
  seed: number | string,
): { difference: Estimate; relative: Estimate } {
  const keys = [...a.keys()].filter((k) => b.has(k)).sort();
  const difference = bootstrapMean(
    keys.map((k) => a.get(k)! - b.get(k)!),
    seed,
  );
  const base = keys.reduce((s, k) => s + b.get(k)!, 0) / Math.max(1, keys.length);
  const rel = (x: number) => (base === 0 ? 0 : Math.round((x / base) * 10000) / 10000);
  return { difference, relative: { mean: rel(difference.mean), ci95: [rel(difference.ci95[0]), rel(difference.ci95[1])] } };
}
