import { jStat } from 'jstat';
import { calibrationRatio, clickAuc, takeRate, type Tally, type WindowTally } from './hourly-tally';

/** When a change is an anomaly: large enough to matter, and unlikely to be noise. */
export interface AnomalyThresholds {
  /** Relative fall of a take rate that raises an alert (0.25: a quarter below the baseline). */
  takeRateDrop: number;
  /** Relative move of the calibration ratio (realised / predicted takes), either way. */
  calibrationDrift: number;
  /** Fall of p(click)'s AUC (how well it orders impressions by whether they were taken), absolute. */
  aucDrop: number;
  /** One-sided p-value a change must be below: many rates are checked every hour. */
  pValue: number;
  /** Impressions the recent window needs for a rate to be judged at all. */
  minImpressions: number;
}

export const DEFAULT_THRESHOLDS: AnomalyThresholds = {
  takeRateDrop: 0.25,
  calibrationDrift: 0.25,
  aucDrop: 0.05,
  pValue: 0.001,
  minImpressions: 300,
};

export type AnomalyCheck = 'take_rate' | 'calibration' | 'click_auc';

export interface Anomaly {
  check: AnomalyCheck;
  /** `overall`, or the dimension and value that moved (`row_kind=TOP_PICKS`). */
  scope: string;
  baseline: number;
  recent: number;
  /** recent / baseline − 1. */
  change: number;
  p: number;
}

/**
 * The anomalies of a recent window against its trailing baseline: take rates (overall and per
 * dimension value) that fell, a calibration ratio that moved, and an AUC of p(click) that fell
 * (the ranker no longer tells what viewers take from what they pass over). A test against noise
 * guards each (z-tests; Hanley–McNeil for the AUC); the size threshold against alerts on changes
 * too small to act on.
 */
export function findAnomalies(recent: WindowTally, baseline: WindowTally, t: AnomalyThresholds = DEFAULT_THRESHOLDS): Anomaly[] {
  const out: Anomaly[] = [];
  const scopes: [string, Tally, Tally | undefined][] = [
    ['overall', recent.overall, baseline.overall],
    ...[...recent.byDimension].map(([scope, tally]): [string, Tally, Tally | undefined] => [scope, tally, baseline.byDimension.get(scope)]),
  ];
  for (const [scope, now, before] of scopes) {
    if (!before || now.shown < t.minImpressions || before.shown < t.minImpressions) continue;
    const [b, r] = [takeRate(before), takeRate(now)];
    const p = fallP(before, now);
    if (b > 0 && r < b * (1 - t.takeRateDrop) && p < t.pValue)
      out.push({ check: 'take_rate', scope, baseline: b, recent: r, change: r / b - 1, p });
  }
  const [cb, cr] = [calibrationRatio(baseline.calibration), calibrationRatio(recent.calibration)];
  if (recent.calibration.shown >= t.minImpressions && baseline.calibration.shown >= t.minImpressions && cb > 0) {
    const moved = Math.abs(Math.log(cr / cb)) > Math.log(1 + t.calibrationDrift);
    const p = driftP(baseline.calibration, recent.calibration);
    if (moved && p < t.pValue) out.push({ check: 'calibration', scope: 'overall', baseline: cb, recent: cr, change: cr / cb - 1, p });
    const [ab, ar] = [clickAuc(baseline.calibration), clickAuc(recent.calibration)];
    const se = Math.hypot(ab.se, ar.se);
    const pAuc = Number.isFinite(se) && se > 0 ? normalCdf((ar.auc - ab.auc) / se) : 1;
    if (ar.auc < ab.auc - t.aucDrop && pAuc < t.pValue) {
      out.push({ check: 'click_auc', scope: 'overall', baseline: ab.auc, recent: ar.auc, change: ar.auc / ab.auc - 1, p: pAuc });
    }
  }
  return out;
}

/** One-sided p-value that the recent take rate is below the baseline's (pooled two-proportion z-test). */
function fallP(before: Tally, now: Tally): number {
  const pooled = (before.taken + now.taken) / (before.shown + now.shown);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / before.shown + 1 / now.shown));
  if (se === 0) return 1;
  return normalCdf((takeRate(now) - takeRate(before)) / se);
}

/**
 * Two-sided p-value that the takes per predicted take differ: each window's takes are a sum of
 * Bernoulli draws whose expectation the ranker predicted, so their ratio has a Poisson-like spread.
 */
function driftP(before: WindowTally['calibration'], now: WindowTally['calibration']): number {
  const [rb, rn] = [calibrationRatio(before), calibrationRatio(now)];
  const se = Math.sqrt(rb / before.predicted + rn / now.predicted);
  if (se === 0 || !Number.isFinite(se)) return 1;
  const z = Math.abs(rn - rb) / se;
  return 2 * (1 - normalCdf(z));
}

/** The standard normal CDF to the tails (simple-statistics' table stops at 0.001, the threshold itself). */
function normalCdf(z: number): number {
  return jStat.normal.cdf(z, 0, 1);
}
