import type { Artwork, Title } from '../../graph/types';
import type { HomepageRequest } from '../retrieval/candidates';

/** The artwork stage: one variant per title shown on this page. */
export interface ArtworkSelector {
  choose(req: HomepageRequest, titles: readonly Title[]): Promise<Map<string, Artwork>>;
}

/** Always the title's first variant; the contextual bandit replaces it. */
export class FirstVariantSelector implements ArtworkSelector {
  async choose(_req: HomepageRequest, titles: readonly Title[]): Promise<Map<string, Artwork>> {
    return new Map(titles.filter((t) => t.artwork.length > 0).map((t) => [t.id, t.artwork[0]]));
  }
}
