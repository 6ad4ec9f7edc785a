import { allowedFor, type Artwork, type MaturityTier, type Title } from '../../graph/types';

const DAY_MS = 86_400_000;
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
  private sortedByPopularity: Title[] | null = null;

  constructor(titles: readonly Title[], recentPlays: ReadonlyMap<string, number>) {
    for (const t of titles) this.add(t);
    for (const [id, n] of recentPlays) this.plays.set(id, n);
  }

  add(title: Title): void {
    this.byId.set(title.id, title);
    for (const a of title.artwork) this.artworkById.set(a.id, a);
    this.sortedByPopularity = null;
  }

  get size(): number {
    return this.byId.size;
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

  /** Online update from newly accepted playback events. */
  notePlays(titleIds: readonly string[]): void {
    for (const id of titleIds) this.plays.set(id, (this.plays.get(id) ?? 0) + 1);
    if (titleIds.length > 0) this.sortedByPopularity = null;
  }

  /** Titles by descending recent plays (ties: critic score, then id), filtered to a maturity limit. */
  mostPopular(limit: MaturityTier, accept: (t: Title) => boolean = () => true, count = Infinity): Title[] {
    this.sortedByPopularity ??= [...this.byId.values()].sort(
      (a, b) => this.popularity(b.id) - this.popularity(a.id) || (b.criticScore ?? 0) - (a.criticScore ?? 0) || (a.id < b.id ? -1 : 1),
    );
    const out: Title[] = [];
    for (const t of this.sortedByPopularity) {
      if (out.length >= count) break;
      if (allowedFor(limit, t.maturityTier) && accept(t)) out.push(t);
    }
    return out;
  }
}
