import { checkLayer, experimentExists, type Experiment, type ExposureRecord, type VariantTimings } from '../../src/domain/experiment';

const byCreation = (a: Experiment, b: Experiment) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const byUnitDayProfile = (a: ExposureRecord, b: ExposureRecord) =>
  a.unitId < b.unitId
    ? -1
    : a.unitId > b.unitId
      ? 1
      : a.day - b.day || (a.profileId < b.profileId ? -1 : a.profileId > b.profileId ? 1 : 0);

/** The embedded store's experiments, exposures and timings; pure data structure, no I/O. */
export class ExperimentLedger {
  private readonly experiments = new Map<string, Experiment>();
  /** Per experiment, exposures by `profileId|day`. */
  private readonly exposures = new Map<string, Map<string, ExposureRecord>>();
  private readonly timings = new Map<string, Map<string, VariantTimings>>();

  get(id: string): Experiment | null {
    return this.experiments.get(id) ?? null;
  }

  list(): Experiment[] {
    return [...this.experiments.values()].sort(byCreation);
  }

  /** Throws what createExperiment would refuse; writes nothing. */
  checkNew(e: Experiment): void {
    if (this.experiments.has(e.id)) throw experimentExists(e.id);
    checkLayer(e, this.list());
  }

  /** Adds or replaces an experiment's record (the caller checked it). */
  put(e: Experiment): void {
    this.experiments.set(e.id, e);
  }

  /** Keeps exposures new by (experiment, profile, day); returns them. */
  addExposures(records: readonly ExposureRecord[]): ExposureRecord[] {
    const fresh: ExposureRecord[] = [];
    for (const r of records) {
      const of = this.exposures.get(r.experimentId) ?? this.exposures.set(r.experimentId, new Map()).get(r.experimentId)!;
      const key = `${r.profileId}|${r.day}`;
      if (of.has(key)) continue;
      of.set(key, r);
      fresh.push(r);
    }
    return fresh;
  }

  /** Which of the records addExposures would keep, without keeping them. */
  newExposures(records: readonly ExposureRecord[]): ExposureRecord[] {
    const seen = new Set<string>();
    return records.filter((r) => {
      const key = JSON.stringify([r.experimentId, r.profileId, r.day]);
      if (seen.has(key) || this.exposures.get(r.experimentId)?.has(`${r.profileId}|${r.day}`)) return false;
      seen.add(key);
      return true;
    });
  }

  exposuresOf(experimentId: string): ExposureRecord[] {
    return [...(this.exposures.get(experimentId)?.values() ?? [])].sort(byUnitDayProfile);
  }

  forgetProfile(profileId: string): void {
    for (const of of this.exposures.values()) for (const [key, r] of of) if (r.profileId === profileId) of.delete(key);
  }

  addTimings(timings: readonly VariantTimings[]): void {
    for (const t of timings) {
      const of = this.timings.get(t.experimentId) ?? this.timings.set(t.experimentId, new Map()).get(t.experimentId)!;
      const known = of.get(t.variant);
      if (!known) {
        of.set(t.variant, { ...t, buckets: [...t.buckets] });
        continue;
      }
      known.requests += t.requests;
      known.errors += t.errors;
      const n = Math.max(known.buckets.length, t.buckets.length);
      known.buckets = Array.from({ length: n }, (_, i) => (known.buckets[i] ?? 0) + (t.buckets[i] ?? 0));
    }
  }

  timingsOf(experimentId: string): VariantTimings[] {
    return [...(this.timings.get(experimentId)?.values() ?? [])]
      .sort((a, b) => (a.variant < b.variant ? -1 : 1))
      .map((t) => ({ ...t, buckets: [...t.buckets] }));
  }
}
