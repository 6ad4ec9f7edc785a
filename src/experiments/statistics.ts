import { jStat } from 'jstat';
import { mean, probit, sampleCovariance, sampleVariance } from 'simple-statistics';

/** A variant's estimate against control, with its 95% interval. */
export interface Difference {
  control: number;
  treatment: number;
  /** treatment − control */
  difference: number;
  interval: [number, number];
  /** Whether the interval leaves out 0. */
  significant: boolean;
}

const Z_95 = probit(0.975);

function difference(control: number, treatment: number, standardError: number): Difference {
  const d = treatment - control;
  const interval: [number, number] = [d - Z_95 * standardError, d + Z_95 * standardError];
  return { control, treatment, difference: d, interval, significant: interval[0] > 0 || interval[1] < 0 };
}

/**
 * The difference of two means, one value per unit (watch minutes per account): units are
 * independent, so the normal interval of Welch's standard error holds at the sizes experiments run at.
 */
export function meanDifference(control: readonly number[], treatment: readonly number[]): Difference {
  const se = Math.sqrt(sampleVariance([...control]) / control.length + sampleVariance([...treatment]) / treatment.length);
  return difference(mean([...control]), mean([...treatment]), se);
}

/** One unit's numerator and denominator of a ratio metric (plays and page views of an account). */
export interface RatioUnit {
  numerator: number;
  denominator: number;
}

/**
 * The difference of two ratio metrics (plays per page view) whose numerator and denominator are
 * summed over units: the units, not the page views, are independent, so each ratio's variance
 * comes from the delta method (Deng et al. 2018): Var(ΣY/ΣX) ≈ (σ²_Y − 2R·σ_XY + R²·σ²_X) / (n·μ_X²).
 */
export function ratioDifference(control: readonly RatioUnit[], treatment: readonly RatioUnit[]): Difference {
  const [c, cVar] = ratioWithVariance(control);
  const [t, tVar] = ratioWithVariance(treatment);
  return difference(c, t, Math.sqrt(cVar + tVar));
}

function ratioWithVariance(units: readonly RatioUnit[]): [number, number] {
  const ys = units.map((u) => u.numerator);
  const xs = units.map((u) => u.denominator);
  const ratio = ys.reduce((a, b) => a + b, 0) / xs.reduce((a, b) => a + b, 0);
  const muX = mean(xs);
  const variance =
    (sampleVariance(ys) - 2 * ratio * sampleCovariance(ys, xs) + ratio ** 2 * sampleVariance(xs)) / (units.length * muX ** 2);
  return [ratio, variance];
}

/** One unit's metric during the experiment and the same metric before it started. */
export interface CovariateUnit {
  value: number;
  before: number;
}

/**
 * CUPED (Deng et al. 2013): each unit's metric minus θ·(its pre-experiment value − the mean of
 * those), θ = Cov(Y, X) / Var(X) over both variants. Randomisation makes the pre-experiment
 * values independent of the variant, so the difference is estimated without bias and with the
 * variance X explains removed; `varianceRemoved` is that share.
 */
export function cupedDifference(
  control: readonly CovariateUnit[],
  treatment: readonly CovariateUnit[],
): Difference & { varianceRemoved: number } {
  const all = [...control, ...treatment];
  const ys = all.map((u) => u.value);
  const xs = all.map((u) => u.before);
  const theta = sampleVariance(xs) > 0 ? sampleCovariance(ys, xs) / sampleVariance(xs) : 0;
  const xMean = mean(xs);
  const adjust = (units: readonly CovariateUnit[]) => units.map((u) => u.value - theta * (u.before - xMean));
  const adjusted = meanDifference(adjust(control), adjust(treatment));
  const raw = meanDifference(
    control.map((u) => u.value),
    treatment.map((u) => u.value),
  );
  const width = (d: Difference) => d.interval[1] - d.interval[0];
  // Units that all watched the same have no variance to remove.
  return { ...adjusted, varianceRemoved: width(raw) > 0 ? 1 - (width(adjusted) / width(raw)) ** 2 : 0 };
}

/** The share of p below which a split is called a sample-ratio mismatch. */
export const SRM_THRESHOLD = 0.001;

/**
 * Sample-ratio mismatch: whether the units counted per variant could come from the configured
 * weights (chi-square goodness of fit). A mismatch means assignment or exposure logging is broken
 * for some units, and no metric of the experiment can be trusted until it is explained.
 */
export function sampleRatioMismatch(
  counts: readonly number[],
  weights: readonly number[],
): { chiSquare: number; p: number; mismatch: boolean } {
  const total = counts.reduce((a, b) => a + b, 0);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const chiSquare = counts.reduce((sum, n, i) => {
    const expected = (total * weights[i]) / weightSum;
    return sum + (n - expected) ** 2 / expected;
  }, 0);
  const p = 1 - jStat.chisquare.cdf(chiSquare, counts.length - 1);
  return { chiSquare, p, mismatch: p < SRM_THRESHOLD };
}
