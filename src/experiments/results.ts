import { mean, sampleStandardDeviation } from 'simple-statistics';
import type { Experiment, ExperimentMetric, VariantTimings } from '../domain/experiment';
import { Rng } from '../shared/random';
import { quantile } from './latency-histogram';
import { cupedDifference, meanDifference, ratioDifference, sampleRatioMismatch, type Difference } from './statistics';
import type { UnitOutcome } from './unit-metrics';

/** A variant's value of a metric against control's, with the 95% interval of the difference. */
export interface MetricResult extends Difference {
  metric: ExperimentMetric;
  variant: string;
  /** (treatment − control) / control; null when control is 0. */
  relative: number | null;
  /** WATCH_MINUTES only: the same difference with CUPED on the units' pre-experiment watch minutes. */
  cuped?: Difference & { varianceRemoved: number };
}

export interface GuardrailResult extends MetricResult {
  /** The variant is worse than control beyond chance (its interval lies wholly on the bad side). */
  breached: boolean;
}

export interface VariantSummary {
  name: string;
  weight: number;
  units: number;
  pageViews: number;
}

export interface InterleavingResult {
  /** The second ranker (the challenger), whose preference share is reported. */
  variant: string;
  /** Units whose plays credited either ranker. */
  units: number;
  /** Share of those units preferring the challenger (more credited plays; a tie counts half), 0.5 = no preference. */
  share: number;
  interval: [number, number];
  significant: boolean;
  /** Credited plays per ranker. */
  credited: Record<string, number>;
}

export interface ExperimentResults {
  experiment: Experiment;
  computedAt: number;
  window: { from: number | null; to: number };
  variants: VariantSummary[];
  sampleRatio: { chiSquare: number; p: number; mismatch: boolean } | null;
  metrics: MetricResult[];
  guardrails: GuardrailResult[];
  interleaving: InterleavingResult | null;
}

/** Event metrics, all "higher is better"; each is a mean or a ratio of sums over units. */
const EVENT_METRICS = ['PLAYS_PER_PAGE_VIEW', 'WATCH_MINUTES', 'FINISH_RATE', 'NEXT_DAY_RETURN', 'ARTWORK_TAKE_RATE', 'COVERAGE'] as const;
type EventMetric = (typeof EVENT_METRICS)[number];
const RATIOS: Partial<Record<EventMetric, (u: UnitOutcome) => { numerator: number; denominator: number }>> = {
  PLAYS_PER_PAGE_VIEW: (u) => ({ numerator: u.plays, denominator: u.pageViews }),
  FINISH_RATE: (u) => ({ numerator: u.finishes, denominator: u.plays }),
  NEXT_DAY_RETURN: (u) => ({ numerator: u.returned, denominator: u.returnDays }),
  ARTWORK_TAKE_RATE: (u) => ({ numerator: u.taken, denominator: u.impressions }),
};
const COVERAGE_RESAMPLES = 200;

export interface ResultsInput {
  experiment: Experiment;
  outcomes: readonly UnitOutcome[];
  timings: readonly VariantTimings[];
  catalogSize: number;
  window: { from: number | null; to: number };
  now: number;
}

/**
 * The experiment's results (docs/EXPERIMENTS.md, "Reading the report"): per variant against the
 * first (control), every event metric with a unit-level 95% interval (the delta method for
 * ratios, a bootstrap over units for coverage), CUPED for watch minutes, the sample-ratio check,
 * and the guardrails from the server's timings.
 */
export function experimentResults(input: ResultsInput): ExperimentResults {
  const { experiment, outcomes } = input;
  const byVariant = new Map(experiment.variants.map((v) => [v.name, outcomes.filter((u) => u.variant === v.name)]));
  const variants = experiment.variants.map((v) => ({
    name: v.name,
    weight: v.weight,
    units: byVariant.get(v.name)!.length,
    pageViews: byVariant.get(v.name)!.reduce((s, u) => s + u.pageViews, 0),
  }));
  const interleaved = experiment.kind === 'INTERLEAVING';
  const [control, ...treatments] = experiment.variants.map((v) => v.name);
  const metrics = interleaved
    ? []
    : treatments.flatMap((t) => EVENT_METRICS.map((m) => eventMetric(m, t, byVariant.get(control)!, byVariant.get(t)!, input.catalogSize)));
  const guardrails = interleaved
    ? []
    : treatments.flatMap((t) =>
        experiment.guardrailMetrics.map((m) => guardrail(m, t, metrics, timingOf(input.timings, control), timingOf(input.timings, t))),
      );
  const enough = variants.every((v) => v.units > 0);
  return {
    experiment,
    computedAt: input.now,
    window: input.window,
    variants,
    sampleRatio:
      interleaved || !enough
        ? null
        : sampleRatioMismatch(
            variants.map((v) => v.units),
            variants.map((v) => v.weight),
          ),
    metrics,
    guardrails,
    interleaving: interleaved ? interleavingResult(experiment, outcomes) : null,
  };
}

function eventMetric(
  metric: EventMetric,
  variant: string,
  control: UnitOutcome[],
  treatment: UnitOutcome[],
  catalogSize: number,
): MetricResult {
  if (control.length < 2 || treatment.length < 2) return withRelative(metric, variant, undefinedDifference(control, treatment, metric));
  const ratio = RATIOS[metric];
  if (ratio) {
    const [c, t] = [control.map(ratio), treatment.map(ratio)];
    // A ratio with no denominator yet (no day followed by another in the window) has no value to compare.
    const measured = (units: { denominator: number }[]) => units.some((u) => u.denominator > 0);
    if (!measured(c) || !measured(t)) return withRelative(metric, variant, undefinedDifference(control, treatment, metric));
    return withRelative(metric, variant, ratioDifference(c, t));
  }
  if (metric === 'COVERAGE') return withRelative(metric, variant, coverageDifference(control, treatment, catalogSize));
  const result = withRelative(
    metric,
    variant,
    meanDifference(
      control.map((u) => u.watchMinutes),
      treatment.map((u) => u.watchMinutes),
    ),
  );
  const covariate = (u: UnitOutcome) => ({ value: u.watchMinutes, before: u.watchMinutesBefore });
  return { ...result, cuped: cupedDifference(control.map(covariate), treatment.map(covariate)) };
}

/** Too few units for an interval: the point values, an unbounded interval, never significant. */
function undefinedDifference(control: UnitOutcome[], treatment: UnitOutcome[], metric: EventMetric): Difference {
  const value = (units: UnitOutcome[]) => {
    if (units.length === 0) return 0;
    const ratio = RATIOS[metric];
    if (ratio) {
      const parts = units.map(ratio);
      const d = parts.reduce((s, p) => s + p.denominator, 0);
      return d > 0 ? parts.reduce((s, p) => s + p.numerator, 0) / d : 0;
    }
    return metric === 'COVERAGE' ? new Set(units.flatMap((u) => [...u.shown])).size : mean(units.map((u) => u.watchMinutes));
  };
  const c = value(control);
  const t = value(treatment);
  return { control: c, treatment: t, difference: t - c, interval: [-Infinity, Infinity], significant: false };
}

/**
 * Catalog coverage (the share of titles shown at least once) per variant, and the difference's
 * bias-shifted percentile interval from resampling each variant's units (seeded, so a report is reproducible).
 * Coverage grows with the number of units: compare variants of equal weight.
 */
function coverageDifference(control: UnitOutcome[], treatment: UnitOutcome[], catalogSize: number): Difference {
  const coverage = (units: readonly UnitOutcome[]) => {
    const titles = new Set<string>();
    for (const u of units) for (const t of u.shown) titles.add(t);
    return titles.size / Math.max(1, catalogSize);
  };
  const rng = new Rng('coverage');
  const resample = (units: readonly UnitOutcome[]) => Array.from({ length: units.length }, () => units[rng.int(0, units.length - 1)]);
  const diffs = Array.from({ length: COVERAGE_RESAMPLES }, () => coverage(resample(treatment)) - coverage(resample(control))).sort(
    (a, b) => a - b,
  );
  const c = coverage(control);
  const t = coverage(treatment);
  // A resample repeats units, so it shows fewer distinct titles than the sample: the bootstrap's
  // differences are shifted from the observed one, most near a full catalog. The percentile
  // interval is moved back by that bias.
  const bias = diffs.reduce((s, d) => s + d, 0) / diffs.length - (t - c);
  const interval: [number, number] = [
    diffs[Math.floor(0.025 * COVERAGE_RESAMPLES)] - bias,
    diffs[Math.ceil(0.975 * COVERAGE_RESAMPLES) - 1] - bias,
  ];
  return { control: c, treatment: t, difference: t - c, interval, significant: interval[0] > 0 || interval[1] < 0 };
}

function withRelative(metric: ExperimentMetric, variant: string, d: Difference): MetricResult {
  return { metric, variant, ...d, relative: d.control !== 0 ? d.difference / d.control : null };
}

const NO_TIMINGS = (variant: string): VariantTimings => ({ experimentId: '', variant, requests: 0, errors: 0, buckets: [] });
const timingOf = (timings: readonly VariantTimings[], variant: string) => timings.find((t) => t.variant === variant) ?? NO_TIMINGS(variant);

/** A guardrail: latency and errors from timings (higher is worse), any event metric from the results (lower is worse). */
function guardrail(
  metric: ExperimentMetric,
  variant: string,
  metrics: readonly MetricResult[],
  control: VariantTimings,
  treatment: VariantTimings,
): GuardrailResult {
  if (metric === 'LATENCY_P99') {
    const c = quantile(control.buckets, 0.99);
    const t = quantile(treatment.buckets, 0.99);
    if (!c || !t)
      return {
        ...withRelative(metric, variant, {
          control: c?.value ?? 0,
          treatment: t?.value ?? 0,
          difference: 0,
          interval: [-Infinity, Infinity],
          significant: false,
        }),
        breached: false,
      };
    // Conservative: the difference's interval spans both quantiles' intervals.
    const interval: [number, number] = [t.low - c.high, t.high - c.low];
    const d = {
      control: c.value,
      treatment: t.value,
      difference: t.value - c.value,
      interval,
      significant: interval[0] > 0 || interval[1] < 0,
    };
    return { ...withRelative(metric, variant, d), breached: interval[0] > 0 };
  }
  if (metric === 'ERROR_RATE') {
    const d = proportionDifference(control, treatment);
    return { ...withRelative(metric, variant, d), breached: d.interval[0] > 0 };
  }
  const result = metrics.find((m) => m.metric === metric && m.variant === variant)!;
  return { ...result, breached: result.interval[1] < 0 };
}

function proportionDifference(control: VariantTimings, treatment: VariantTimings): Difference {
  const rate = (t: VariantTimings) => (t.requests > 0 ? t.errors / t.requests : 0);
  const c = rate(control);
  const t = rate(treatment);
  if (control.requests === 0 || treatment.requests === 0)
    return { control: c, treatment: t, difference: t - c, interval: [-Infinity, Infinity], significant: false };
  const se = Math.sqrt((c * (1 - c)) / control.requests + (t * (1 - t)) / treatment.requests);
  const interval: [number, number] = [t - c - 1.96 * se, t - c + 1.96 * se];
  return { control: c, treatment: t, difference: t - c, interval, significant: se > 0 && (interval[0] > 0 || interval[1] < 0) };
}

/**
 * The interleaving's verdict: per unit with credited plays, 1 when the challenger placed more of
 * what it played, 0 when the control did, 1/2 on a tie; the share is their mean, with a normal
 * interval over units (Chapelle et al. 2012, "Large-scale validation and analysis of interleaved search evaluation").
 */
function interleavingResult(experiment: Experiment, outcomes: readonly UnitOutcome[]): InterleavingResult {
  const [a, b] = experiment.variants.map((v) => v.name);
  const credited: Record<string, number> = { [a]: 0, [b]: 0 };
  const scores: number[] = [];
  for (const u of outcomes) {
    const ca = u.credited.get(a) ?? 0;
    const cb = u.credited.get(b) ?? 0;
    credited[a] += ca;
    credited[b] += cb;
    if (ca + cb > 0) scores.push(cb > ca ? 1 : cb < ca ? 0 : 0.5);
  }
  const share = scores.length > 0 ? mean(scores) : 0.5;
  const se = scores.length > 1 ? sampleStandardDeviation(scores) / Math.sqrt(scores.length) : Infinity;
  const interval: [number, number] = [share - 1.96 * se, share + 1.96 * se];
  return { variant: b, units: scores.length, share, interval, significant: interval[0] > 0.5 || interval[1] < 0.5, credited };
}
