import type { Experiment, ExperimentStatus, ExposureRecord, VariantTimings } from '../src/domain/experiment';

/**
 * What the store keeps of experiments (docs/EXPERIMENTS.md): their definitions and lifecycle,
 * the first page of a day each profile was served under one (its exposure), and the server's
 * timings per variant. Part of the Store contract; both stores pass the same contract cases.
 */
export interface ExperimentStore {
  /**
   * Adds a DRAFT experiment, atomically checking that its id is new (ConflictError ALREADY_EXISTS)
   * and that no experiment on its lever that is not stopped holds an overlapping slice of the
   * layer (ConflictError LAYER_OVERLAP), also against concurrent calls.
   */
  createExperiment(experiment: Experiment): Promise<void>;
  /**
   * DRAFT → RUNNING (stamps startedAt), RUNNING or DRAFT → STOPPED (stamps stoppedAt), atomically;
   * any other move is a ConflictError (ALREADY_STARTED, ALREADY_STOPPED), an unknown id NotFoundError.
   * Returns the experiment as it is afterwards.
   */
  changeExperimentStatus(id: string, to: Exclude<ExperimentStatus, 'DRAFT'>, at: number): Promise<Experiment>;
  getExperiment(id: string): Promise<Experiment | null>;
  /** Every experiment, oldest first (ties by id). */
  listExperiments(): Promise<Experiment[]>;
  /**
   * Keeps each exposure unless one of the same (experiment, profile, day) is stored (the first of
   * a day stays); durable when it resolves. Returns how many were new.
   */
  recordExposures(exposures: readonly ExposureRecord[]): Promise<number>;
  /** The experiment's exposures, by unit id, then day, then profile id. */
  exposuresOf(experimentId: string): Promise<ExposureRecord[]>;
  /** Adds request counts, error counts and latency buckets to each variant's totals (bucket by bucket). */
  addVariantTimings(timings: readonly VariantTimings[]): Promise<void>;
  /** The experiment's totals per variant, by variant name. */
  variantTimings(experimentId: string): Promise<VariantTimings[]>;
}
