import type { Store } from '../../graph/store';
import { allowedFor, type MaturityTier, type SimilarEdge, type Title } from '../domain/types';
import { resolveTitles, type CatalogIndex } from '../pipeline/catalog-index';
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

  private readonly store: Store;
  private readonly catalog: CatalogIndex;

  constructor(o: { store: Store; catalog: CatalogIndex }) {
    this.store = o.store;
    this.catalog = o.catalog;
  }

  /** The partner-facing answer; with `maxTier` (a profile's limit), only titles at or below it. */
  async similar(titleId: string, limit: number, maxTier?: MaturityTier): Promise<SimilarTitleResult[]> {
    const [title] = await this.titles([titleId]);
    if (!title) throw new NotFoundError('Title', titleId);
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
    return edges
      .filter((e) => {
        const to = this.catalog.get(e.to);
        return to !== undefined && allowedFor(maxTier, to.maturityTier);
      })
      .slice(0, limit);
  };

  /** Drops cached lists: a new title's edges change its neighbours' lists. */
  forget(): void {
    this.cache.clear();
  }

  private titles(ids: readonly string[]): Promise<(Title | null)[]> {
    return resolveTitles(this.catalog, this.store, ids);
  }
}
