import { addThemeCounts, statDeltas, type ThemeCounts, type VariantCounts } from '../../graph/artwork-stats';
import type { Store } from '../../graph/store';
import type { ArtworkTheme, ImpressionEvent, Title } from '../domain/types';

interface Entry<V> {
  value: V;
  fetchedAt: number;
}

export type VariantTable = Map<string, VariantCounts>;
export type ThemeTable = Map<ArtworkTheme, ThemeCounts>;

/** BANDIT_REFRESH_SECONDS' default: replicas see each other's impressions and plays within this long. */
export const DEFAULT_BANDIT_REFRESH_SECONDS = 30;

/** Profiles whose counters are kept at most; the least recently fetched go first. */
const MAX_PROFILES = 50_000;

export interface ArtworkStatsCacheOptions {
  store: Pick<Store, 'artworkStats' | 'themeStats'>;
  refreshMs: number;
  clock?: () => number;
  onError?: (err: unknown) => void;
}

/**
 * A replica's copy of the bandit's statistics, so choosing artwork stays in memory. The store
 * holds the truth, shared by every replica; an entry older than `refreshMs` is served as it is
 * while it is read again in the background, and only a title or profile never seen waits for the
 * store. The profile's own new impressions are added locally at once; after its plays, its
 * entries are read again (the store decides which impression a play credits). A store that cannot
 * answer costs the page nothing: the policy then works from what is cached, or from its priors.
 */
export class ArtworkStatsCache {
  private readonly titles = new Map<string, Entry<VariantTable>>();
  private readonly profiles = new Map<string, Entry<ThemeTable>>();
  private readonly refreshing = new Set<string>();
  private lastRead: number | undefined;

  private readonly store: Pick<Store, 'artworkStats' | 'themeStats'>;
  private readonly refreshMs: number;
  private readonly clock: () => number;
  private readonly onError: (err: unknown) => void;

  constructor(o: ArtworkStatsCacheOptions) {
    this.store = o.store;
    this.refreshMs = o.refreshMs;
    this.clock = o.clock ?? Date.now;
    this.onError = o.onError ?? (() => {});
  }

  /** When statistics were last read from the store (monitoring: how stale the bandit may be); undefined before the first read. */
  get readAt(): number | undefined {
    return this.lastRead;
  }

  /** The variant counters of each title, keyed by title id then artwork id. */
  async variants(titleIds: readonly string[]): Promise<Map<string, VariantTable>> {
    const now = this.clock();
    const missing = titleIds.filter((id) => !this.titles.has(id));
    const stale = titleIds.filter((id) => this.isStale(this.titles.get(id), now));
    if (missing.length > 0) {
      await this.loadTitles(missing).catch((err) => {
        this.onError(err);
        // Prior-only entries, stale at once: the next pages read again in the background instead of waiting.
        for (const id of missing) this.titles.set(id, { value: new Map(), fetchedAt: -Infinity });
      });
    }
    if (stale.length > 0) this.background('titles', () => this.loadTitles(stale));
    return new Map(titleIds.map((id) => [id, this.titles.get(id)?.value ?? new Map()]));
  }

  /** The profile's theme counters. */
  async themes(profileId: string): Promise<ThemeTable> {
    const entry = this.profiles.get(profileId);
    if (!entry) {
      await this.loadProfile(profileId).catch((err) => {
        this.onError(err);
        this.profiles.set(profileId, { value: new Map(), fetchedAt: -Infinity });
      });
    } else if (this.isStale(entry, this.clock())) this.background(`profile:${profileId}`, () => this.loadProfile(profileId));
    return this.profiles.get(profileId)?.value ?? new Map();
  }

  /** Adds accepted impressions to the cached counters they touch. */
  noteImpressions(events: readonly ImpressionEvent[], titleOf: (id: string) => Title | undefined): void {
    const d = statDeltas(events, 'shown', titleOf);
    for (const e of events) {
      const table = this.titles.get(e.titleId)?.value;
      if (!table || !d.artwork.has(e.artworkId)) continue;
      const now = table.get(e.artworkId) ?? { shown: 0, taken: 0 };
      table.set(e.artworkId, { shown: now.shown + 1, taken: now.taken });
    }
    for (const t of d.themes.values()) {
      const table = this.profiles.get(t.profileId)?.value;
      if (table) table.set(t.theme, addThemeCounts(table.get(t.theme) ?? { shown: 0, taken: 0, otherShown: 0, otherTaken: 0 }, t));
    }
  }

  /** Reads the profiles' and titles' counters again now (after plays the store has credited). */
  async refresh(profileIds: readonly string[], titleIds: readonly string[]): Promise<void> {
    await Promise.all([this.loadTitles(titleIds), ...profileIds.map((id) => this.loadProfile(id))]);
  }

  private isStale(entry: Entry<unknown> | undefined, now: number): boolean {
    return entry !== undefined && now - entry.fetchedAt >= this.refreshMs;
  }

  /** One background read per key at a time; its failure keeps the stale entry for the next try. */
  private background(key: string, load: () => Promise<void>): void {
    if (this.refreshing.has(key)) return;
    this.refreshing.add(key);
    load()
      .catch(this.onError)
      .finally(() => this.refreshing.delete(key));
  }

  private async loadTitles(titleIds: readonly string[]): Promise<void> {
    if (titleIds.length === 0) return;
    const fetchedAt = this.clock();
    const rows = await this.store.artworkStats(titleIds);
    const tables = new Map<string, VariantTable>(titleIds.map((id) => [id, new Map()]));
    for (const r of rows) tables.get(r.titleId)?.set(r.artworkId, { shown: r.shown, taken: r.taken });
    for (const [id, value] of tables) this.titles.set(id, { value, fetchedAt });
    this.lastRead = fetchedAt;
  }

  private async loadProfile(profileId: string): Promise<void> {
    const fetchedAt = this.clock();
    const rows = await this.store.themeStats(profileId);
    this.profiles.delete(profileId);
    this.profiles.set(profileId, { value: new Map(rows.map(({ theme, ...c }) => [theme, c])), fetchedAt });
    if (this.profiles.size > MAX_PROFILES) this.profiles.delete(this.profiles.keys().next().value!);
    this.lastRead = fetchedAt;
  }
}
