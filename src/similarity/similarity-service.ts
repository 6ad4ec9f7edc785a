import type { Store } from '../../graph/store';
import type { MaturityTier, Title } from '../../graph/types';
import type { CatalogIndex } from '../catalog/catalog-index';
import { similarityReason } from './similarity-reason';

export interface SimilarTitleResult {
  title: Title;
  score: number;
  reason: string;
}

/** "Titles like this one": the store's SIMILAR_TO edges, with titles and readable reasons. */
export class SimilarityService {
  constructor(private readonly store: Store, private readonly catalog: CatalogIndex) {}

  async similar(title: Title, limit: number, maxTier?: MaturityTier): Promise<SimilarTitleResult[]> {
    const edges = await this.store.similarTitles(title.id, limit, maxTier);
    // Titles another replica added are not in this replica's catalog yet: ask the store.
    const misses = edges.map((e) => e.to).filter((id) => !this.catalog.get(id));
    const fetched = new Map((await this.store.getTitles(misses)).filter((t) => t !== null).map((t) => [t.id, t]));
    return edges.flatMap((e) => {
      const to = this.catalog.get(e.to) ?? fetched.get(e.to);
      return to ? [{ title: to, score: e.score, reason: similarityReason(title, to, e.basis) }] : [];
    });
  }
}
