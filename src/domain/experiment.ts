import { ConflictError } from './errors';

/**
 * A controlled experiment as the API stores it (docs/EXPERIMENTS.md says how to run one).
 * Assignment needs nothing per unit: a unit's variant follows from hashing the experiment's salt
 * with the unit's id (src/experiments/assignment.ts).
 */

/**
 * What a variant can change in the pipeline; each lever is its own layer, so two experiments on
 * one lever never share a unit while experiments on different levers may.
 */
export const LEVERS = ['RANKER', 'SOURCES', 'EXPLORATION', 'ROW_PLACEMENT', 'ARTWORK', 'PROMOTIONS'] as const;
export type Lever = (typeof LEVERS)[number];

/** AB: each unit sees one variant. INTERLEAVING: each unit sees two rankers' Top Picks merged, and plays credit the ranker that placed the title. */
export const EXPERIMENT_KINDS = ['AB', 'INTERLEAVING'] as const;
export type ExperimentKind = (typeof EXPERIMENT_KINDS)[number];

export const EXPERIMENT_UNITS = ['ACCOUNT', 'PROFILE'] as const;
export type ExperimentUnit = (typeof EXPERIMENT_UNITS)[number];

/** What results report per variant: the first six from stored events, the last two from the server's own timings. */
export const EXPERIMENT_METRICS = [
  'PLAYS_PER_PAGE_VIEW',
  'WATCH_MINUTES',
  'FINISH_RATE',
  'NEXT_DAY_RETURN',
  'ARTWORK_TAKE_RATE',
  'COVERAGE',
  'LATENCY_P99',
  'ERROR_RATE',
] as const;
export type ExperimentMetric = (typeof EXPERIMENT_METRICS)[number];

export const EXPERIMENT_STATUSES = ['DRAFT', 'RUNNING', 'STOPPED'] as const;
export type ExperimentStatus = (typeof EXPERIMENT_STATUSES)[number];

/** One arm: its share of the experiment's traffic and the lever settings it serves (an empty object: the product's defaults). */
export interface ExperimentVariantSpec {
  name: string;
  weight: number;
  settings: Record<string, unknown>;
}

export interface Experiment {
  id: string;
  description: string;
  /** What the experiment expects to happen and why: the sentence its decision is checked against. */
  hypothesis: string;
  kind: ExperimentKind;
  /**
   * What is randomised. ACCOUNT (the default) keeps a household on one variant, so profiles
   * sharing a screen and the account's history are not split across variants (their behaviour is
   * not independent); PROFILE gives more units when the lever acts on one profile's page alone.
   */
  unit: ExperimentUnit;
  /** Seed of the hash: the id unless set, so a rerun can draw new units with a new salt. */
  salt: string;
  lever: Lever;
  /** The first variant is the control; weights are shares of the experiment's traffic and sum to 1. */
  variants: ExperimentVariantSpec[];
  /**
   * The slice [start, end) of the lever's layer the experiment occupies; `end - start` is its
   * traffic share. Experiments on one lever never hold overlapping slices while either is not stopped.
   */
  layer: { start: number; end: number };
  primaryMetric: ExperimentMetric;
  guardrailMetrics: ExperimentMetric[];
  status: ExperimentStatus;
  createdAt: number;
  startedAt: number | null;
  stoppedAt: number | null;
}

/** A unit's first page of a day under an experiment: what analysis counts as exposed. */
export interface ExposureRecord {
  experimentId: string;
  variant: string;
  /** The account or profile id, by the experiment's unit. */
  unitId: string;
  /** The profile the page was built for (erasing its history erases its exposures). */
  profileId: string;
  /** UTC day number (epoch ms / 86,400,000, floored): exposures are kept once per profile per experiment per day. */
  day: number;
  /** Epoch ms of that day's first page. */
  at: number;
}

/** Homepage requests the server answered under one variant, with their latencies in histogram buckets (src/experiments/latency-histogram.ts). */
export interface VariantTimings {
  experimentId: string;
  variant: string;
  requests: number;
  errors: number;
  /** Request counts per latency bucket; bucket i holds latencies up to LATENCY_BUCKETS_MS[i]. */
  buckets: number[];
}

/** Whether two slices of one layer share any part of it. */
export function slicesOverlap(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Experiments holding the layer now: every one on the lever that is not stopped. */
export function layerHolders(experiments: readonly Experiment[], lever: Lever): Experiment[] {
  return experiments.filter((e) => e.lever === lever && e.status !== 'STOPPED');
}

/** What a store refuses a new experiment for, given the experiments stored on its lever: LAYER_OVERLAP, or nothing. */
export function checkLayer(e: Experiment, onLever: readonly Experiment[]): void {
  const holder = layerHolders(onLever, e.lever).find((h) => slicesOverlap(h.layer, e.layer));
  if (holder)
    throw new ConflictError(
      'LAYER_OVERLAP',
      `experiment "${holder.id}" (${holder.status}) holds [${holder.layer.start}, ${holder.layer.end}) of the ${e.lever} layer, which overlaps [${e.layer.start}, ${e.layer.end})`,
    );
}

export const experimentExists = (id: string) => new ConflictError('ALREADY_EXISTS', `an experiment with id "${id}" exists already`);

/** The experiment after moving to `to` at `at`: DRAFT → RUNNING → STOPPED, or DRAFT → STOPPED (abandoned); once each (ConflictError otherwise). */
export function statusChange(e: Experiment, to: Exclude<ExperimentStatus, 'DRAFT'>, at: number): Experiment {
  if (to === 'RUNNING') {
    if (e.status !== 'DRAFT') throw new ConflictError('ALREADY_STARTED', `experiment "${e.id}" was started already (it is ${e.status})`);
    return { ...e, status: 'RUNNING', startedAt: at };
  }
  if (e.status === 'STOPPED') throw new ConflictError('ALREADY_STOPPED', `experiment "${e.id}" was stopped already`);
  // A draft stopped is abandoned: it never ran, and its slice of the layer is free again.
  return { ...e, status: 'STOPPED', stoppedAt: at };
}
