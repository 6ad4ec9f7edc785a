import type { Store } from '../../graph/store';
import { allowedFor, type Artwork, type MaturityTier, type Title } from '../domain/types';
import { DAY_MS } from '../shared/time';

/** Plays older than this stop counting towards popularity. */
export const POPULARITY_WINDOW_MS = 30 * DAY_MS;

/**
 * The catalog held in memory for the request path: titles by id, artwork by id, and popularity
 * (plays in the recent window, kept current by playback events). The store stays the source of
 * truth; this is the read-side cache the homepage is built from.
 */
export class CatalogIndex {
  private readonly byId = new Map<string, Title>();
  private readonly artworkById = new Map<string, Artwork>();
  private readonly plays = new Map<string, number>();
  private sortedByAddedAt: Title[] | null = null;
  private sortedByCritics: Title[] | null = null;

  constructor(titles: readonly Title[], recentPlays: ReadonlyMap<string, number>) {
    for (const t of titles) this.add(t);
    for (const [id, n] of recentPlays) this.plays.set(id, n);
  }

  add(title: Title): void {
    this.byId.set(title.id, title);
    for (const a of title.artwork) this.artworkById.set(a.id, a);
    this.sortedByAddedAt = this.sortedByCritics = null;
    this.genreSet = undefined;
    this.alignedLists = undefined;
  }

  /** Lists of titles aligned with lists of ids, kept until the catalog changes. */
  private alignedLists?: WeakMap<readonly string[], readonly (Title | undefined)[]>;

  /**
   * Each id's title (undefined where unknown), aligned with `ids`: built once per list (a model's
   * title ids) until the catalog changes, so that a title is found by its position in the list.
   */
  aligned(ids: readonly string[]): readonly (Title | undefined)[] {
    this.alignedLists ??= new WeakMap();
    let titles = this.alignedLists.get(ids);
    if (!titles) this.alignedLists.set(ids, (titles = ids.map((id) => this.byId.get(id))));
    return titles;
  }

  get size(): number {
    return this.byId.size;
  }

  private genreSet: Set<string> | undefined;

  /** Every genre of the catalog (titles added later included). */
  genres(): ReadonlySet<string> {
    this.genreSet ??= new Set([...this.byId.values()].flatMap((t) => t.genres));
    return this.genreSet;
  }

  get(id: string): Title | undefined {
    return this.byId.get(id);
  }

  artwork(id: string): Artwork | undefined {
    return this.artworkById.get(id);
  }

  all(): Iterable<Title> {
    return this.byId.values();
  }

  popularity(titleId: string): number {
    return this.plays.get(titleId) ?? 0;
  }

  /** Replaces the play counts (a replica that missed other replicas' plays rebuilds them from the store). */
  recountPlays(recentPlays: ReadonlyMap<string, number>): void {
    this.plays.clear();
    for (const [id, n] of recentPlays) this.plays.set(id, n);
  }

  /** Online update from newly accepted playback events. */
  notePlays(titleIds: readonly string[]): void {
    for (const id of titleIds) this.plays.set(id, (this.plays.get(id) ?? 0) + 1);
  }

  /** Most recently added first. */
  newest(limit: MaturityTier, accept: (t: Title) => boolean, count: number): Title[] {
    this.sortedByAddedAt ??= this.sorted((a, b) => b.addedAt - a.addedAt);
    return take(this.sortedByAddedAt, limit, accept, count);
  }

  /** Highest critic score first; unreviewed titles are left out. */
  bestReviewed(limit: MaturityTier, accept: (t: Title) => boolean, count: number): Title[] {
    this.sortedByCritics ??= this.sorted((a, b) => (b.criticScore ?? -1) - (a.criticScore ?? -1)).filter((t) => t.criticScore !== null);
    return take(this.sortedByCritics, limit, accept, count);
  }

  /** Sorted copies are cached and rebuilt lazily; ties always fall back to id so order is stable. */
  private sorted(compare: (a: Title, b: Title) => number): Title[] {
    return [...this.byId.values()].sort((a, b) => compare(a, b) || (a.id < b.id ? -1 : 1));
  }
}

/** The first `count` titles of an ordered list that a profile may see and `accept` keeps. */
function take(ordered: readonly Title[], limit: MaturityTier, accept: (t: Title) => boolean, count: number): Title[] {
  const out: Title[] = [];
  for (const t of ordered) {
    if (out.length >= count) break;
    if (allowedFor(limit, t.maturityTier) && accept(t)) out.push(t);
  }
  return out;
}

/**
 * Titles by id, in the order asked, null where unknown: from the in-memory catalog, asking the
 * store in one call for any it lacks (a title another replica added since this one started).
 */
export async function resolveTitles(
  catalog: CatalogIndex,
  store: Pick<Store, 'getTitles'>,
  ids: readonly string[],
): Promise<(Title | null)[]> {
  const found = ids.map((id) => catalog.get(id) ?? null);
  const misses = ids.filter((_, i) => found[i] === null);
  if (misses.length === 0) return found;
  const stored = new Map((await store.getTitles(misses)).filter((t) => t !== null).map((t) => [t.id, t]));
  return ids.map((id, i) => found[i] ?? stored.get(id) ?? null);
}
