/** Impressions and the plays that took them. */
export interface Tally {
  shown: number;
  taken: number;
}

/** Bands of p(click) the impressions are counted in, for the ranking quality of the prediction (AUC). */
export const CLICK_BANDS = 50;

/** Impressions that carried the ranker's p(click): its sum against the takes (calibration), and both by band of p (discrimination). */
export interface Calibration {
  shown: number;
  predicted: number;
  taken: number;
  shownByBand: Float64Array;
  takenByBand: Float64Array;
}

export function emptyCalibration(): Calibration {
  return { shown: 0, predicted: 0, taken: 0, shownByBand: new Float64Array(CLICK_BANDS), takenByBand: new Float64Array(CLICK_BANDS) };
}

export function bandOf(pClick: number): number {
  return Math.min(CLICK_BANDS - 1, Math.max(0, Math.floor(pClick * CLICK_BANDS)));
}

/** One hour of what viewers were shown and took, by dimension (`row_kind=TOP_PICKS`, `source=als`, …). */
export interface HourTally {
  /** Start of the hour, epoch ms. */
  hour: number;
  overall: Tally;
  byDimension: Map<string, Tally>;
  calibration: Calibration;
  /** Distinct titles shown in the hour (coverage). */
  titles: Set<string>;
}

export function emptyHour(hour: number): HourTally {
  return {
    hour,
    overall: { shown: 0, taken: 0 },
    byDimension: new Map(),
    calibration: emptyCalibration(),
    titles: new Set(),
  };
}

/** The sum of several hours, titles as a count of distinct ones over them. */
export interface WindowTally {
  hours: number;
  overall: Tally;
  byDimension: Map<string, Tally>;
  calibration: Calibration;
  titles: number;
}

export function sumHours(hours: readonly HourTally[]): WindowTally {
  const out: WindowTally = {
    hours: hours.length,
    overall: { shown: 0, taken: 0 },
    byDimension: new Map(),
    calibration: emptyCalibration(),
    titles: new Set(hours.flatMap((h) => [...h.titles])).size,
  };
  for (const h of hours) {
    add(out.overall, h.overall);
    for (const [key, t] of h.byDimension) {
      const into = out.byDimension.get(key) ?? { shown: 0, taken: 0 };
      add(into, t);
      out.byDimension.set(key, into);
    }
    out.calibration.shown += h.calibration.shown;
    out.calibration.predicted += h.calibration.predicted;
    out.calibration.taken += h.calibration.taken;
    for (let b = 0; b < CLICK_BANDS; b++) {
      out.calibration.shownByBand[b] += h.calibration.shownByBand[b];
      out.calibration.takenByBand[b] += h.calibration.takenByBand[b];
    }
  }
  return out;
}

function add(into: Tally, t: Tally): void {
  into.shown += t.shown;
  into.taken += t.taken;
}

export function takeRate(t: Tally): number {
  return t.shown > 0 ? t.taken / t.shown : 0;
}

/** Realised takes over predicted ones (1 = calibrated; below 1 the ranker promises more than viewers take). */
export function calibrationRatio(c: Calibration): number {
  return c.predicted > 0 ? c.taken / c.predicted : 0;
}

/**
 * How well p(click) orders impressions by whether they were taken: the probability that a taken
 * impression had a higher prediction than one not taken (ties within a band count half), with
 * its standard error (Hanley & McNeil 1982). 0.5 is a prediction that knows nothing.
 */
export function clickAuc(c: Calibration): { auc: number; se: number } {
  let taken = 0;
  let notTaken = 0;
  let wins = 0;
  for (let b = 0; b < CLICK_BANDS; b++) {
    const t = c.takenByBand[b];
    const n = c.shownByBand[b] - t;
    wins += t * (notTaken + n / 2);
    taken += t;
    notTaken += n;
  }
  if (taken === 0 || notTaken === 0) return { auc: 0.5, se: Infinity };
  const auc = wins / (taken * notTaken);
  const q1 = auc / (2 - auc);
  const q2 = (2 * auc * auc) / (1 + auc);
  const variance = (auc * (1 - auc) + (taken - 1) * (q1 - auc * auc) + (notTaken - 1) * (q2 - auc * auc)) / (taken * notTaken);
  return { auc, se: Math.sqrt(Math.max(variance, 0)) };
}
