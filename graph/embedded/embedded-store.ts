import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { readSimilarity, readDataset, datasetExists, settleDatasetTemporaries, writeDataset } from '../dataset-files';
import type { Dataset } from '../../src/domain/dataset';
import { DuplicateProfileError, DuplicateTitleError, ProfileLimitError, UnknownProfileError } from '../errors';
import type { LoadProgress, Person, ProfilePage, Store, StoreReadiness } from '../store';
import {
  eventKey,
  type ErasedHistory,
  type EventIdentity,
  type ImpressionEvent,
  type MaturityTier,
  type PlaybackEvent,
  type Profile,
  type RecordOutcome,
  type SimilarEdge,
  type Title,
  type Availability,
} from '../../src/domain/types';
import { errorMessage } from '../../src/shared/error-message';
import { afterErasure, type FeedbackChange, type TitleFeedback } from '../../src/domain/title-feedback';
import { ConflictError, NotFoundError } from '../../src/domain/errors';
import { byCreation, type Promotion } from '../../src/domain/promotion';
import {
  statusChange,
  type Experiment,
  type ExperimentStatus,
  type ExposureRecord,
  type VariantTimings,
} from '../../src/domain/experiment';
import { Journal, type JournalFollower, type JournalFs } from './journal';
import { hasErasures, purgeErased, type JournalRecord } from './journal-records';
import { MemoryState } from './memory-state';
import type { EventIdSet } from './event-id-set';

export interface EmbeddedStoreOptions {
  /** The journal's file-system calls; a test's make writes fail the way a full disk does. */
  journalFs?: JournalFs;
  /** How long after a purge the disk refused to try again (doubling with each refusal, up to 15 minutes); 30 s by default. */
  purgeRetryMs?: number;
}

/** How long readiness waits for a probe of a journal that failed: a disk that hangs must not hang the probe's caller. */
const PROBE_WAIT_MS = 2000;
const PURGE_RETRY_MAX_MS = 15 * 60_000;

/**
 * The default store: everything in memory, durable as a snapshot folder (written once by a bulk
 * load) plus a journal of every acknowledged write since, replayed at start.
 */
export class EmbeddedStore implements Store {
  protected constructor(
    protected readonly dir: string,
    protected state: MemoryState,
    /** Null for a read-only view (see openReadOnly): writes are refused. */
    private journal: Journal | null,
    protected loaded: boolean,
    private readonly log: (msg: string) => void = () => {},
    private readonly purgeRetryMs = 30_000,
  ) {}

  /** Opens (or creates) the store in `dir`, replaying the journal over the snapshot. */
  static async open(dir: string, log: (msg: string) => void = () => {}, options: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
    await fs.mkdir(dir, { recursive: true });
    for (const done of await settleDatasetTemporaries(path.join(dir, 'snapshot'))) log(`snapshot: ${done}`);
    const { state, loaded } = await EmbeddedStore.readSnapshot(dir);
    const { journal, records, truncatedBytes } = await Journal.open(path.join(dir, 'journal.ndjson'), options.journalFs);
    if (truncatedBytes > 0) log(`journal: dropped ${truncatedBytes} bytes of an unacknowledged, torn last write`);
    for (const r of records as JournalRecord[]) EmbeddedStore.apply(state, r);
    if (records.length > 0) log(`journal: replayed ${records.length} records`);
    const store = new EmbeddedStore(dir, state, journal, loaded, log, options.purgeRetryMs);
    // An erasure acknowledged before a crash may still have its events in the files: finish it,
    // or, if the disk refuses now, keep trying while serving (replay has erased them from memory).
    if (hasErasures(records as JournalRecord[])) await store.purge().catch((err) => store.purgeLater(err));
    return store;
  }

  /**
   * The store as it is now, for reading beside the server that owns it (`npm run train` while
   * the API runs): the journal is read, never truncated or appended to; writes are refused.
   */
  static async openReadOnly(dir: string): Promise<EmbeddedStore> {
    const { state, loaded } = await EmbeddedStore.readSnapshot(dir);
    const { records } = await Journal.read(path.join(dir, 'journal.ndjson'));
    for (const r of records as JournalRecord[]) EmbeddedStore.apply(state, r);
    return new EmbeddedStore(dir, state, null, loaded);
  }

  protected static async readSnapshot(dir: string): Promise<{ state: MemoryState; loaded: boolean }> {
    const state = new MemoryState();
    const snapshot = path.join(dir, 'snapshot');
    const loaded = await datasetExists(snapshot);
    if (loaded) {
      const [data, similarity] = await Promise.all([readDataset(snapshot), readSimilarity(snapshot)]);
      state.load(data, similarity);
    }
    return { state, loaded };
  }

  /** The journal to write to; a read-only view has none. */
  private writable(): Journal {
    if (!this.journal) throw new Error('this embedded store was opened read-only (another process owns it)');
    return this.journal;
  }

  protected static apply(state: MemoryState, record: JournalRecord): ErasedHistory | void {
    if (record.op === 'playback') state.addPlaybacks(record.events);
    else if (record.op === 'impressions') state.addImpressions(record.events);
    else if (record.op === 'title') state.addTitle(record.title, record.edges);
    else if (record.op === 'profile') state.putProfile(record.profile);
    else if (record.op === 'experiment') state.experiments.put(record.experiment);
    else if (record.op === 'exposures') state.experiments.addExposures(record.exposures);
    else if (record.op === 'timings') state.experiments.addTimings(record.timings);
    else if (record.op === 'promotion') state.promotions.set(record.promotion.id, record.promotion);
    else if (record.op === 'availability') state.setAvailability(record.titleId, record.availability);
    else if (record.op === 'feedback') state.changeFeedback(record.profileId, record.titleId, record.change, record.at);
    else return state.eraseHistory(record.profile);
  }

  /** Journals a record, then applies it: durable first, visible second. */
  private async commit(record: JournalRecord): Promise<ErasedHistory | void> {
    await this.writable().append(record);
    return EmbeddedStore.apply(this.state, record);
  }

  async isEmpty(): Promise<boolean> {
    return !this.loaded;
  }

  /**
   * The journal's acknowledged lines now, then every batch this store commits, in its order,
   * before the writes resolve (Journal.follow): what a FollowerStore in another process replays.
   * `loaded` says whether the snapshot holds a load, so that the follower knows what to find there.
   */
  async follow(follower: JournalFollower): Promise<{ lines: string; loaded: boolean; stop: () => void }> {
    const { lines, stop } = await this.writable().follow(follower);
    return { lines, loaded: this.loaded, stop };
  }

  async bulkLoad(data: Dataset, similarity: readonly SimilarEdge[], onProgress?: LoadProgress): Promise<void> {
    if (!(await this.isEmpty())) throw new Error('bulkLoad needs an empty store');
    this.writable();
    onProgress?.('snapshot', 0, 1);
    await writeDataset(path.join(this.dir, 'snapshot'), data, { similarity });
    onProgress?.('snapshot', 1, 1);
    const state = new MemoryState();
    state.load(data, similarity);
    // Writes journaled before the load (none in practice) still apply on top of the snapshot.
    state.addImpressions(this.state.impressions.all());
    state.addPlaybacks(this.state.playbacks.all());
    this.state = state;
    this.loaded = true;
  }

  /** The journal's probe in flight: one at a time, however often readiness is asked. */
  private probing: Promise<Error | null> | null = null;

  /**
   * Not ready while the journal's last write failed and none succeeded since. Each call then
   * probes the disk, so readiness returns once it takes writes again, even with no client writing.
   */
  async readiness(): Promise<StoreReadiness> {
    if (!this.journal) return { ready: true };
    this.probing ??= this.journal.probe().finally(() => (this.probing = null));
    const answer = this.probing.then((failure): StoreReadiness => (failure ? { ready: false, reason: failure.message } : { ready: true }));
    return EmbeddedStore.readinessWithin(answer, "the journal's disk did not finish a probe write");
  }

  /** `probe`'s answer, or not ready with `slow` once PROBE_WAIT_MS have passed: a disk or an owner that hangs must not hang the probe's caller. */
  protected static async readinessWithin(probe: Promise<StoreReadiness>, slow: string): Promise<StoreReadiness> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<StoreReadiness>((resolve) => {
      timer = setTimeout(() => resolve({ ready: false, reason: `${slow} within ${PROBE_WAIT_MS} ms` }), PROBE_WAIT_MS);
    });
    return Promise.race([probe, late]).finally(() => clearTimeout(timer));
  }

  private closed = false;

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.purgeTimer);
    await this.purging.catch(() => undefined);
    await this.journal?.close();
  }

  async listTitles() {
    return [...this.state.titles.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  async getTitles(ids: readonly string[]) {
    return ids.map((id) => this.state.titles.get(id) ?? null);
  }

  async getPeople(ids: readonly string[]): Promise<(Person | null)[]> {
    return ids.map((id) => {
      const person = this.state.people.get(id);
      return person ? { ...person, titleIds: [...person.titleIds].sort() } : null;
    });
  }

  async listGenres() {
    const genres = new Set<string>();
    for (const t of this.state.titles.values()) for (const g of t.genres) genres.add(g);
    return [...genres].sort();
  }

  /** Titles being journaled, so two concurrent adds of one id cannot both pass the check. */
  private readonly addingTitles = new Set<string>();

  async addTitle(title: Title, edges: readonly SimilarEdge[]): Promise<void> {
    if (this.state.titles.has(title.id) || this.addingTitles.has(title.id)) throw new DuplicateTitleError(title.id);
    this.addingTitles.add(title.id);
    try {
      await this.commit({ op: 'title', title, edges: [...edges] });
    } finally {
      this.addingTitles.delete(title.id);
    }
  }

  async setTitleAvailability(titleId: string, availability: Availability | null): Promise<Title> {
    if (!this.state.titles.has(titleId)) throw new NotFoundError('Title', titleId);
    await this.commit({ op: 'availability', titleId, availability });
    return this.state.titles.get(titleId)!;
  }

  async similarTitles(titleId: string, limit: number, maxTier?: MaturityTier): Promise<SimilarEdge[]> {
    return this.state.similarTitles(titleId, limit, maxTier);
  }

  async getAccount(id: string) {
    return this.state.accounts.get(id) ?? null;
  }

  async getProfiles(ids: readonly string[]) {
    return ids.map((id) => this.state.profiles.get(id) ?? null);
  }

  async listProfiles(first: number, after?: string): Promise<ProfilePage> {
    const ids = this.state.sortedProfileIds;
    let start = 0;
    if (after !== undefined) {
      // Binary search for the first id greater than the cursor, which need not exist any more.
      let hi = ids.length;
      while (start < hi) {
        const mid = (start + hi) >> 1;
        if (ids[mid] <= after) start = mid + 1;
        else hi = mid;
      }
    }
    const page = ids.slice(start, start + first);
    return { profiles: page.map((id) => this.state.profiles.get(id)!), hasMore: start + first < ids.length };
  }

  async profilesOfAccount(accountId: string) {
    return this.state.sortedProfileIds.map((id) => this.state.profiles.get(id)!).filter((p) => p.accountId === accountId);
  }

  /** Profile writes in flight: the checks below and the append they guard happen as one step. */
  private profileWrites: Promise<unknown> = Promise.resolve();

  private serially<T>(write: () => Promise<T>): Promise<T> {
    const next = this.profileWrites.then(write, write);
    this.profileWrites = next.catch(() => undefined);
    return next;
  }

  async createProfile(profile: Profile, maxPerAccount: number): Promise<void> {
    await this.serially(async () => {
      if (!this.state.accounts.has(profile.accountId)) throw new UnknownProfileError(profile.accountId);
      if (this.state.profiles.has(profile.id)) throw new DuplicateProfileError(profile.id);
      if ((await this.profilesOfAccount(profile.accountId)).length >= maxPerAccount)
        throw new ProfileLimitError(profile.accountId, maxPerAccount);
      await this.commit({ op: 'profile', profile });
    });
  }

  async updateProfile(profile: Profile): Promise<void> {
    await this.serially(async () => {
      const known = this.state.profiles.get(profile.id);
      if (!known || known.accountId !== profile.accountId) throw new UnknownProfileError(profile.id);
      await this.commit({ op: 'profile', profile });
    });
  }

  async eraseViewingHistory(profileId: string, at: number): Promise<ErasedHistory> {
    const erased = await this.serially(async () => {
      const known = this.state.profiles.get(profileId);
      if (!known) throw new UnknownProfileError(profileId);
      const { onboarding: _dropped, ...rest } = known;
      return (await this.commit({ op: 'erase', profile: { ...rest, historyDeletedAt: at } })) as ErasedHistory;
    });
    try {
      await this.purge();
    } catch (err) {
      // The erase record is on disk and applied, so the erasure holds (and is replayed at start);
      // only the files' copies of the events wait for the disk.
      this.purgeLater(err);
      return { ...erased, purgePending: true };
    }
    return erased;
  }

  /** Purges run one at a time; each removes every erasure journaled so far. */
  private purging: Promise<void> = Promise.resolve();
  private purgeTimer: NodeJS.Timeout | undefined;
  /** The wait before the scheduled retry; undefined while no purge is refused. */
  private purgeDelay: number | undefined;

  /** Retries a purge the disk refused, less often with each refusal, until one succeeds or the store closes. */
  private purgeLater(err: unknown): void {
    if (this.closed || this.purgeTimer) return;
    this.purgeDelay = this.purgeDelay === undefined ? this.purgeRetryMs : Math.min(this.purgeDelay * 2, PURGE_RETRY_MAX_MS);
    this.log(`erasure: the files still hold erased events (${errorMessage(err)}); purging again in ${this.purgeDelay / 1000} s`);
    this.purgeTimer = setTimeout(() => {
      this.purgeTimer = undefined;
      this.purge().then(
        () => {
          this.purgeDelay = undefined;
          this.log('erasure: the files no longer hold erased events');
        },
        (retryErr: unknown) => this.purgeLater(retryErr),
      );
    }, this.purgeDelay);
    // A pending purge does not keep a process alive that has nothing else to do; the next start finishes it.
    this.purgeTimer.unref();
  }

  /**
   * Rewrites the files without the erased profiles' events: first the snapshot (so a crash in
   * between leaves the erase record in the journal, which is replayed and purged again at
   * start), then the journal, whose erase records are then marked purged.
   */
  private purge(): Promise<void> {
    const run = async () => {
      const journal = this.writable();
      const records = await journal.acknowledgedRecords();
      if (!hasErasures(records as JournalRecord[])) return;
      const erased = new Set((records as JournalRecord[]).flatMap((r) => (r.op === 'erase' ? [r.profile.id] : [])));
      const snapshot = path.join(this.dir, 'snapshot');
      if (await datasetExists(snapshot)) {
        const data = await readDataset(snapshot);
        const keep = (e: { profileId: string }) => !erased.has(e.profileId);
        const feedback = data.feedback?.flatMap((f) => (keep(f) ? [f] : (afterErasure(f) ?? [])));
        if (!data.playbacks.every(keep) || !data.impressions.every(keep) || !isDeepStrictEqual(feedback, data.feedback)) {
          const similarity = await readSimilarity(snapshot);
          await writeDataset(
            snapshot,
            {
              ...data,
              playbacks: data.playbacks.filter(keep),
              impressions: data.impressions.filter(keep),
              ...(feedback ? { feedback } : {}),
            },
            { similarity },
          );
        }
      }
      await journal.rewrite((current) => purgeErased(current as JournalRecord[]));
    };
    this.purging = this.purging.then(run, run);
    return this.purging;
  }

  async profileData(profileId: string) {
    return this.state.profileData(profileId);
  }

  async countProfiles() {
    return this.state.profiles.size;
  }

  async recordPlayback(events: readonly PlaybackEvent[]): Promise<RecordOutcome<PlaybackEvent>> {
    return this.record(events, this.state.playbackIds, (fresh) => ({ op: 'playback', events: fresh }));
  }

  async recordImpressions(events: readonly ImpressionEvent[]): Promise<RecordOutcome<ImpressionEvent>> {
    return this.record(events, this.state.impressionIds, (fresh) => ({ op: 'impressions', events: fresh }));
  }

  /** Writes being journaled, by eventKey: a concurrent retry waits for them instead of racing. */
  private readonly inflight = new Map<string, Promise<void>>();

  /**
   * Journals the events not seen before, then applies them: durable first, visible second.
   * An event another call is still writing is waited for, so "duplicate" is only ever said of an
   * event that is on disk (and if that write failed, this call writes it itself).
   */
  private async record<E extends EventIdentity>(
    events: readonly E[],
    seen: EventIdSet,
    toRecord: (fresh: E[]) => JournalRecord,
  ): Promise<RecordOutcome<E>> {
    const keys = events.map(eventKey);
    for (;;) {
      const waits = new Set(keys.map((k) => this.inflight.get(k)).filter((w) => w !== undefined));
      if (waits.size === 0) break;
      await Promise.allSettled(waits);
    }
    const batch = new Set<string>();
    const fresh = events.filter((_, i) => {
      if (seen.has(events[i]) || batch.has(keys[i])) return false;
      batch.add(keys[i]);
      return true;
    });
    if (fresh.length > 0) {
      const write = this.commit(toRecord(fresh)).then(() => undefined);
      for (const key of batch) this.inflight.set(key, write);
      try {
        await write;
      } finally {
        for (const key of batch) this.inflight.delete(key);
      }
    }
    return { accepted: fresh.length, duplicates: events.length - fresh.length, acceptedEvents: fresh };
  }

  async getWatchState(profileId: string) {
    return this.state.watchState(profileId);
  }

  async viewerState(profileId: string, accountId?: string) {
    const profile = this.state.profiles.get(profileId) ?? null;
    if (!profile || (accountId !== undefined && profile.accountId !== accountId))
      return { profile, account: null, watch: [], feedback: [] };
    return {
      profile,
      account: this.state.accounts.get(profile.accountId) ?? null,
      watch: profile.personalizationOff ? [] : this.state.watchState(profileId),
      feedback: this.state.feedbackOf(profileId),
    };
  }

  async viewingHistory(profileId: string, first: number) {
    return this.state.history(profileId, first);
  }

  async playsSince(since: number) {
    return this.state.playsSince(since);
  }

  async playbacksSince(since: number) {
    return this.state.playbacks.since(since);
  }

  async impressionsSince(since: number) {
    return this.state.impressions.since(since);
  }

  async listWatchStates() {
    return this.state.allWatchStates();
  }

  async latestPlaybackAt() {
    return this.state.latestPlaybackAt;
  }

  async createExperiment(experiment: Experiment): Promise<void> {
    await this.serially(async () => {
      this.state.experiments.checkNew(experiment);
      await this.commit({ op: 'experiment', experiment });
    });
  }

  async changeExperimentStatus(id: string, to: Exclude<ExperimentStatus, 'DRAFT'>, at: number): Promise<Experiment> {
    return this.serially(async () => {
      const known = this.state.experiments.get(id);
      if (!known) throw new NotFoundError('Experiment', id);
      const changed = statusChange(known, to, at);
      await this.commit({ op: 'experiment', experiment: changed });
      return changed;
    });
  }

  async getExperiment(id: string) {
    return this.state.experiments.get(id);
  }

  async listExperiments() {
    return this.state.experiments.list();
  }

  async recordExposures(exposures: readonly ExposureRecord[]): Promise<number> {
    return this.serially(async () => {
      const fresh = this.state.experiments.newExposures(exposures);
      if (fresh.length > 0) await this.commit({ op: 'exposures', exposures: fresh });
      return fresh.length;
    });
  }

  async exposuresOf(experimentId: string) {
    return this.state.experiments.exposuresOf(experimentId);
  }

  async addVariantTimings(timings: readonly VariantTimings[]): Promise<void> {
    if (timings.length > 0) await this.commit({ op: 'timings', timings: [...timings] });
  }

  async variantTimings(experimentId: string) {
    return this.state.experiments.timingsOf(experimentId);
  }

  async changeTitleFeedback(profileId: string, titleId: string, change: FeedbackChange, at: number): Promise<TitleFeedback | null> {
    // In the profile writes' queue: an erasure and a change of the same profile apply in one order on disk and in memory.
    return this.serially(async () => {
      if (!this.state.profiles.has(profileId)) throw new UnknownProfileError(profileId);
      await this.commit({ op: 'feedback', profileId, titleId, change, at });
      return this.state.feedback.get(profileId)?.get(titleId) ?? null;
    });
  }

  async titleFeedback(profileId: string) {
    return this.state.feedbackOf(profileId);
  }

  async listTitleFeedback() {
    return [...this.state.feedback.keys()].sort().flatMap((id) => this.state.feedbackOf(id));
  }

  async createPromotion(promotion: Promotion): Promise<void> {
    await this.serially(async () => {
      if (this.state.promotions.has(promotion.id))
        throw new ConflictError('ALREADY_EXISTS', `a promotion with id "${promotion.id}" already exists`);
      await this.commit({ op: 'promotion', promotion });
    });
  }

  async endPromotion(id: string, at: number): Promise<Promotion> {
    return this.serially(async () => {
      const known = this.state.promotions.get(id);
      if (!known) throw new NotFoundError('Promotion', id);
      const ended = { ...known, until: Math.min(known.until, at) };
      await this.commit({ op: 'promotion', promotion: ended });
      return ended;
    });
  }

  async listPromotions() {
    return [...this.state.promotions.values()].sort(byCreation);
  }

  async artworkStats(titleIds: readonly string[]) {
    return this.state.artwork.artworkStats(titleIds);
  }

  async themeStats(profileId: string) {
    return this.state.artwork.themeStats(profileId);
  }
}
