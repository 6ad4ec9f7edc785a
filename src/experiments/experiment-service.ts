import { LRUCache } from 'lru-cache';
import { performance } from 'node:perf_hooks';
import type { Store } from '../../graph/store';
import { NotFoundError } from '../domain/errors';
import type { Experiment, ExposureRecord } from '../domain/experiment';
import type { ExperimentVariant, Profile } from '../domain/types';
import type { DomainChanges } from '../domain/changes';
import type { ChangeFeed } from '../shared/change-feed';
import type { Treatment } from '../pipeline/treatment';
import { errorMessage } from '../shared/error-message';
import type { Logger } from '../shared/logger';
import { DAY_MS } from '../shared/time';
import { groupBy } from '../shared/group-by';
import { assignVariant } from './assignment';
import { newExperiment, type NewExperimentInput } from './experiment-input';
import { leverTreatment, rankerSettings } from './levers';
import { TimingsRecorder } from './timings-recorder';
import { experimentResults, type ExperimentResults } from './results';
import { PRE_PERIOD_MS, unitOutcome, unitWindow } from './unit-metrics';
import type { CatalogIndex } from '../pipeline/catalog-index';

/** The variant name a unit of an interleaving experiment is shown: both rankers at once. */
export const INTERLEAVED = 'interleaved';

/** What the experiments a page is built under decide for it. */
export interface PageExperiments {
  /** One entry per experiment the page is in, for `Homepage.experiments` and the page cache's key. */
  experiments: ExperimentVariant[];
  treatment: Treatment;
  /** The exposures the page makes, recorded once per profile, experiment and day. */
  exposures: ExposureRecord[];
}

export const NO_EXPERIMENTS: PageExperiments = { experiments: [], treatment: {}, exposures: [] };

export interface ExperimentServiceOptions {
  store: Store;
  /** Titles' runtimes (watch minutes) and the catalog's size (coverage). */
  catalog: Pick<CatalogIndex, 'get' | 'size'>;
  clock: () => number;
  /** How long a replica serves its list of running experiments before reading it again (another replica may have started one). */
  refreshMs?: number;
  /** How often the server's timings per variant are added to the store. */
  timingsFlushMs?: number;
  logger?: Logger;
  /** Exposures any replica stored (shared state): a unit's first page on each replica is not a store write each. */
  sharedMarks?: SharedMarks;
  /** Hears `experimentsChanged` when one starts or stops here: other replicas read their list again at once. */
  changes?: ChangeFeed<DomainChanges>;
}

/** Keys marked by any replica; a failure answers "none marked" (the store's write is idempotent). */
export interface SharedMarks {
  marked(keys: readonly string[]): Promise<Set<string>>;
  mark(keys: readonly string[]): Promise<void>;
}

const DEFAULT_REFRESH_MS = 5_000;
/** Plays this long before the window are read too, so a resumed title's minutes count only what was watched in the window. */
const RESUME_LOOKBACK_MS = 28 * DAY_MS;
const DEFAULT_TIMINGS_FLUSH_MS = 10_000;
/** Exposures this replica knows are stored: enough for a day of a large world's active profiles. */
const KNOWN_EXPOSURES = 200_000;

/**
 * Experiments from definition to serving (docs/EXPERIMENTS.md): admins create, start and stop
 * them; each homepage request learns which variants its profile's unit is in (by hashing, so every
 * replica agrees with nothing stored per unit), what they change, and records the unit's exposure
 * once a day. Kids profiles and profiles with personalization off are never enrolled: they get
 * the product's defaults, their pages carry no experiments, and they count in no result (a kids
 * page is policy-bound, and a viewer who switched personalization off has asked not to have its
 * page tailored, which includes being tested on).
 */
export class ExperimentService {
  private readonly store: Store;
  private readonly catalog: Pick<CatalogIndex, 'get' | 'size'>;
  private readonly clock: () => number;
  private readonly refreshMs: number;
  private readonly logger?: Logger;
  readonly timings: TimingsRecorder;
  private running: { list: Experiment[]; readAt: number } | null = null;
  private reading: Promise<Experiment[]> | null = null;
  private readonly recorded = new LRUCache<string, true>({ max: KNOWN_EXPOSURES });
  private readonly sharedMarks?: SharedMarks;
  private readonly changes?: ChangeFeed<DomainChanges>;

  constructor(o: ExperimentServiceOptions) {
    this.store = o.store;
    this.catalog = o.catalog;
    this.clock = o.clock;
    this.refreshMs = o.refreshMs ?? DEFAULT_REFRESH_MS;
    this.logger = o.logger;
    this.sharedMarks = o.sharedMarks;
    this.changes = o.changes;
    this.timings = new TimingsRecorder(o.store, o.timingsFlushMs ?? DEFAULT_TIMINGS_FLUSH_MS, o.logger);
  }

  async create(input: NewExperimentInput): Promise<Experiment> {
    const experiment = newExperiment(input, await this.store.listExperiments(), this.clock());
    await this.store.createExperiment(experiment);
    return experiment;
  }

  async start(id: string): Promise<Experiment> {
    return this.changed(await this.store.changeExperimentStatus(id, 'RUNNING', this.clock()));
  }

  async stop(id: string): Promise<Experiment> {
    return this.changed(await this.store.changeExperimentStatus(id, 'STOPPED', this.clock()));
  }

  /** Drops the list of running experiments (one started or stopped here or on another replica): the next page reads it again. */
  forget(): void {
    this.running = null;
  }

  list(): Promise<Experiment[]> {
    return this.store.listExperiments();
  }

  async get(id: string): Promise<Experiment> {
    const experiment = await this.store.getExperiment(id);
    if (!experiment) throw new NotFoundError('Experiment', id);
    return experiment;
  }

  /**
   * The experiment's results as the stored events say now (erased histories are gone from them):
   * each exposed unit's outcome from its first exposure to the stop (or now), and the server's timings.
   */
  async results(id: string): Promise<ExperimentResults> {
    await this.timings.flush();
    const experiment = await this.get(id);
    const now = this.clock();
    const to = experiment.stoppedAt ?? now;
    const [exposures, timings] = await Promise.all([this.store.exposuresOf(id), this.store.variantTimings(id)]);
    const units = groupBy(exposures, (x) => x.unitId);
    const from = exposures.reduce((min, x) => Math.min(min, x.at), Infinity);
    const since = Number.isFinite(from) ? from : to;
    const [impressions, playbacks] = await Promise.all([
      this.store.impressionsSince(since),
      // Plays before the window: CUPED's pre-period, and the progress a resumed title had reached.
      this.store.playbacksSince(since - Math.max(PRE_PERIOD_MS, RESUME_LOOKBACK_MS)),
    ]);
    const impressionsOf = groupBy(impressions, (e) => e.profileId);
    const playbacksOf = groupBy(playbacks, (e) => e.profileId);
    const runtime = (titleId: string) => this.catalog.get(titleId)?.runtimeMinutes ?? 0;
    const outcomes = [...units].map(([unitId, xs]) => {
      const w = unitWindow(xs, to);
      const profiles = [...w.profileIds];
      return unitOutcome(
        { unitId, variant: w.variant, profiles: profiles.length, window: w, experimentId: id },
        profiles.flatMap((p) => impressionsOf.get(p) ?? []).sort(byTime),
        profiles.flatMap((p) => playbacksOf.get(p) ?? []).sort(byTime),
        runtime,
      );
    });
    return experimentResults({
      experiment,
      outcomes,
      timings,
      catalogSize: this.catalog.size,
      window: { from: Number.isFinite(from) ? from : null, to },
      now,
    });
  }

  /** The variants the profile's page is built under, and what they change. */
  async assign(profile: Profile): Promise<PageExperiments> {
    if (profile.isKids || profile.personalizationOff) return NO_EXPERIMENTS;
    const running = await this.runningExperiments();
    if (running.length === 0) return NO_EXPERIMENTS;
    const now = this.clock();
    const day = Math.floor(now / DAY_MS);
    const page: PageExperiments = { experiments: [], treatment: {}, exposures: [] };
    for (const e of running) {
      const variant = assignVariant(e, { accountId: profile.accountId, profileId: profile.id });
      if (variant === null) continue;
      const unitId = e.unit === 'ACCOUNT' ? profile.accountId : profile.id;
      const shown = e.kind === 'INTERLEAVING' ? INTERLEAVED : variant;
      // Layers keep one experiment per lever, so the treatments' parts never collide.
      Object.assign(page.treatment, e.kind === 'INTERLEAVING' ? interleaving(e, unitId, day) : treatmentOf(e, variant));
      page.experiments.push({ experimentId: e.id, variant: shown });
      page.exposures.push({ experimentId: e.id, variant: shown, unitId, profileId: profile.id, day, at: now });
    }
    return page;
  }

  /**
   * Stores the page's exposures no replica has stored yet. A failure is logged and the page
   * still served: the next page of the day tries again.
   */
  async expose(page: PageExperiments): Promise<void> {
    let fresh = page.exposures.filter((x) => !this.recorded.has(exposureKey(x)));
    if (fresh.length === 0) return;
    if (this.sharedMarks) {
      const elsewhere = await this.sharedMarks.marked(fresh.map(exposureKey));
      for (const key of elsewhere) this.recorded.set(key, true);
      fresh = fresh.filter((x) => !elsewhere.has(exposureKey(x)));
      if (fresh.length === 0) return;
    }
    try {
      await this.store.recordExposures(fresh);
      for (const x of fresh) this.recorded.set(exposureKey(x), true);
      await this.sharedMarks?.mark(fresh.map(exposureKey));
    } catch (err) {
      this.logger?.warn({ err: errorMessage(err) }, 'experiment exposures not recorded; the next page tries again');
    }
  }

  close(): Promise<void> {
    return this.timings.close();
  }

  /** Running experiments as last read; read again when older than refreshMs, or if the read fails, the last list kept. */
  private async runningExperiments(): Promise<Experiment[]> {
    if (this.running && performance.now() - this.running.readAt < this.refreshMs) return this.running.list;
    this.reading ??= this.store
      .listExperiments()
      .then((all) => {
        const list = all.filter((e) => e.status === 'RUNNING');
        this.running = { list, readAt: performance.now() };
        return list;
      })
      .catch((err: unknown) => {
        this.logger?.warn({ err: errorMessage(err) }, 'running experiments not read; serving the last list');
        return this.running?.list ?? [];
      })
      .finally(() => (this.reading = null));
    return this.reading;
  }

  /** A start or stop here is served at once by this replica; others when it reaches them (shared state), or within refreshMs. */
  private async changed(e: Experiment): Promise<Experiment> {
    this.forget();
    await this.changes?.publish('experimentsChanged', { experimentId: e.id });
    return e;
  }
}

function treatmentOf(e: Experiment, variant: string): Treatment {
  const settings = e.variants.find((v) => v.name === variant)!.settings;
  const parsed = leverTreatment(e.lever, settings);
  // Settings were validated when the experiment was created; a stored one that no longer parses serves the defaults.
  return parsed.success ? parsed.data : {};
}

function interleaving(e: Experiment, unitId: string, day: number): Treatment {
  const [a, b] = e.variants;
  return {
    interleaving: {
      experimentId: e.id,
      teams: [
        { name: a.name, ranker: rankerSettings(a.settings) },
        { name: b.name, ranker: rankerSettings(b.settings) },
      ],
      seed: `${e.salt}|${unitId}|${day}`,
    },
  };
}

const byTime = (a: { occurredAt: number }, b: { occurredAt: number }) => a.occurredAt - b.occurredAt;

const exposureKey = (x: ExposureRecord) => JSON.stringify([x.experimentId, x.profileId, x.day]);
