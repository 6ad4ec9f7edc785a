import { promises as fs } from 'node:fs';
import path from 'node:path';
import { readWorldData, worldExists, writeWorldData } from '../../src/world/files';
import type { WorldData } from '../../src/world/generate';
import type { LoadProgress, Person, ProfilePage, Store } from '../store';
import type { ImpressionEvent, PlaybackEvent, RecordOutcome } from '../types';
import { Journal } from './journal';
import { MemoryState } from './memory-state';

type JournalRecord =
  | { op: 'playback'; events: PlaybackEvent[] }
  | { op: 'impressions'; events: ImpressionEvent[] };

/**
 * The default store: everything in memory, durable as a snapshot folder (written once by a bulk
 * load) plus a journal of every acknowledged write since, replayed at start.
 */
export class EmbeddedStore implements Store {
  private constructor(
    private readonly dir: string,
    private state: MemoryState,
    private journal: Journal,
    private loaded: boolean,
  ) {}

  /** Opens (or creates) the store in `dir`, replaying the journal over the snapshot. */
  static async open(dir: string, log: (msg: string) => void = () => {}): Promise<EmbeddedStore> {
    await fs.mkdir(dir, { recursive: true });
    const state = new MemoryState();
    const snapshot = path.join(dir, 'snapshot');
    const loaded = await worldExists(snapshot);
    if (loaded) state.load(await readWorldData(snapshot));
    const { journal, records, truncatedBytes } = await Journal.open(path.join(dir, 'journal.ndjson'));
    if (truncatedBytes > 0) log(`journal: dropped ${truncatedBytes} bytes of an unacknowledged, torn last write`);
    for (const r of records as JournalRecord[]) EmbeddedStore.apply(state, r);
    if (records.length > 0) log(`journal: replayed ${records.length} records`);
    return new EmbeddedStore(dir, state, journal, loaded);
  }

  private static apply(state: MemoryState, record: JournalRecord): number {
    return record.op === 'playback' ? state.addPlaybacks(record.events) : state.addImpressions(record.events);
  }

  async isEmpty(): Promise<boolean> {
    return !this.loaded && this.state.titles.size === 0;
  }

  async bulkLoad(data: WorldData, onProgress?: LoadProgress): Promise<void> {
    if (!(await this.isEmpty())) throw new Error('bulkLoad needs an empty store');
    onProgress?.('snapshot', 0, 1);
    await writeWorldData(path.join(this.dir, 'snapshot'), data);
    onProgress?.('snapshot', 1, 1);
    const state = new MemoryState();
    state.load(data);
    // Writes journaled before the load (none in practice) still apply on top of the snapshot.
    for (const events of this.state.playbacksByProfile.values()) state.addPlaybacks(events);
    state.addImpressions(this.state.impressions);
    this.state = state;
    this.loaded = true;
  }

  async close(): Promise<void> {
    await this.journal.close();
  }

  async listTitles() {
    return [...this.state.titles.values()];
  }

  async getTitles(ids: readonly string[]) {
    return ids.map((id) => this.state.titles.get(id) ?? null);
  }

  async getPeople(ids: readonly string[]): Promise<(Person | null)[]> {
    return ids.map((id) => this.state.people.get(id) ?? null);
  }

  async listGenres() {
    const genres = new Set<string>();
    for (const t of this.state.titles.values()) for (const g of t.genres) genres.add(g);
    return [...genres].sort();
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

  async countProfiles() {
    return this.state.profiles.size;
  }

  async recordPlayback(events: readonly PlaybackEvent[]): Promise<RecordOutcome> {
    const fresh = this.unseen(events, this.state.playbackIds);
    await this.commit({ op: 'playback', events: fresh });
    return { accepted: fresh.length, duplicates: events.length - fresh.length, acceptedIds: fresh.map((e) => e.eventId) };
  }

  async recordImpressions(events: readonly ImpressionEvent[]): Promise<RecordOutcome> {
    const fresh = this.unseen(events, this.state.impressionIds);
    await this.commit({ op: 'impressions', events: fresh });
    return { accepted: fresh.length, duplicates: events.length - fresh.length, acceptedIds: fresh.map((e) => e.eventId) };
  }

  /** Ids journaled but not yet applied: a concurrent retry of the same batch must see them as taken. */
  private readonly reserved = new Set<string>();

  private unseen<E extends { eventId: string }>(events: readonly E[], seen: Set<string>): E[] {
    const batch = new Set<string>();
    return events.filter((e) => {
      if (seen.has(e.eventId) || this.reserved.has(e.eventId) || batch.has(e.eventId)) return false;
      batch.add(e.eventId);
      return true;
    });
  }

  /** Durable first, visible second: readers never see a write that a crash could still lose. */
  private async commit(record: JournalRecord): Promise<void> {
    if (record.events.length === 0) return;
    const ids = record.events.map((e) => e.eventId);
    for (const id of ids) this.reserved.add(id);
    try {
      await this.journal.append(record);
      EmbeddedStore.apply(this.state, record);
    } finally {
      for (const id of ids) this.reserved.delete(id);
    }
  }

  async getWatchState(profileId: string) {
    return this.state.watchState(profileId);
  }

  async viewingHistory(profileId: string, first: number) {
    return this.state.history(profileId, first);
  }

  async playCountsSince(since: number) {
    return this.state.playCountsSince(since);
  }

  async latestPlaybackAt() {
    return this.state.latestPlaybackAt;
  }
}
