import type { Store } from '../../graph/store';
import { allowedFor, type MaturityTier, type SimilarEdge, type Title } from '../domain/types';
import type { CatalogIndex } from '../pipeline/catalog-index';
import { NotFoundError } from '../domain/errors';
import { DEFAULT_SIMILARITY } from './similarity-graph';
import { similarityReason } from './similarity-reason';

export interface SimilarTitleResult {
  title: Title;
  score: number;
  reason: string;
}

/** Neighbour lists kept in memory: the content source asks for the same popular anchors all day. */
const CACHED_TITLES = 20_000;

/** "Titles like this one": the store's SIMILAR_TO edges, with titles and readable reasons. */
export class SimilarityService {
  private readonly cache = new Map<string, SimilarEdge[]>();

  constructor(private readonly store: Store, private readonly catalog: CatalogIndex) {}

  /** The partner-facing answer; with a profile, only titles within its maturity limit. */
  async similar(titleId: string, limit: number, profileId?: string | null): Promise<SimilarTitleResult[]> {
    const [title] = await this.titles([titleId]);
    if (!title) throw new NotFoundError('Title', titleId);
    let maxTier: MaturityTier | undefined;
    if (profileId != null) {
      const [profile] = await this.store.getProfiles([profileId]);
      if (!profile) throw new NotFoundError('Profile', profileId);
      maxTier = profile.maturityLimit;
    }
    const edges = await this.store.similarTitles(title.id, limit, maxTier);
    const targets = await this.titles(edges.map((e) => e.to));
    return edges.flatMap((e, i) => {
      const to = targets[i];
      return to ? [{ title: to, score: e.score, reason: similarityReason(title, to, e.basis) }] : [];
    });
  }

  /** Cached neighbour lists for retrieval; the tier filter runs in memory on the cached list. */
  neighbours = async (titleId: string, limit: number, maxTier: MaturityTier): Promise<SimilarEdge[]> => {
    let edges = this.cache.get(titleId);
    if (!edges) {
      edges = await this.store.similarTitles(titleId, DEFAULT_SIMILARITY.topK);
      if (this.cache.size >= CACHED_TITLES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(titleId, edges);
    }
    return edges.filter((e) => {
      const to = this.catalog.get(e.to);
      return to !== undefined && allowedFor(maxTier, to.maturityTier);
    }).slice(0, limit);
  };

  /** Drops cached lists: a new title's edges change its neighbours' lists. */
  forget(): void {
    this.cache.clear();
  }

  /** Titles from the in-memory catalog, asking the store for any another replica added. */
  private async titles(ids: readonly string[]): Promise<(Title | null)[]> {
    const misses = ids.filter((id) => !this.catalog.get(id));
    const fetched = new Map((await this.store.getTitles(misses)).filter((t) => t !== null).map((t) => [t.id, t]));
    return ids.map((id) => this.catalog.get(id) ?? fetched.get(id) ?? null);
  }
}
