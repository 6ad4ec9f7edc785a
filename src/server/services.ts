import type { Store } from '../../graph/store';
import { FirstVariantSelector } from '../artwork/artwork-selector';
import { CatalogIndex, POPULARITY_WINDOW_MS } from '../catalog/catalog-index';
import { PlaybackService } from '../events/playback-service';
import { HomepageService } from '../homepage/homepage-service';
import { HeuristicRanker } from '../ranking/ranker';
import { UnionCandidateGenerator } from '../retrieval/candidates';
import { acclaimed, continueWatching, genreAffinity, newReleases, popular } from '../retrieval/simple-sources';
import { SimpleRowBuilder } from '../rows/simple-row-builder';
import { NewTitleService } from '../catalog/new-title-service';
import { ContentIndex } from '../similarity/content-index';
import { DEFAULT_SIMILARITY } from '../similarity/similarity-graph';
import { SimilarityService } from '../similarity/similarity-service';

/** Everything resolvers call, built once at start. */
export interface Services {
  store: Store;
  catalog: CatalogIndex;
  homepage: HomepageService;
  playback: PlaybackService;
  similarity: SimilarityService;
  newTitles: NewTitleService;
}

/**
 * Wires the pipeline. Popularity counts plays in the month before the newest recorded play, so
 * a demo on a world generated weeks ago still has a meaningful "popular" signal.
 */
export async function createServices(store: Store, clock: () => number = Date.now): Promise<Services> {
  const [titles, latest] = await Promise.all([store.listTitles(), store.latestPlaybackAt()]);
  const recent = countPlays(await store.playsSince((latest ?? clock()) - POPULARITY_WINDOW_MS));
  const catalog = new CatalogIndex(titles, recent);
  const retrieval = new UnionCandidateGenerator([
    { provider: continueWatching, quota: 20 },
    { provider: popular, quota: 150 },
    { provider: genreAffinity, quota: 100 },
    { provider: newReleases, quota: 40 },
    { provider: acclaimed, quota: 40 },
  ]);
  return {
    store,
    catalog,
    homepage: new HomepageService(store, catalog, {
      retrieval, ranker: new HeuristicRanker(), rows: new SimpleRowBuilder(), artwork: new FirstVariantSelector(),
    }, clock),
    playback: new PlaybackService(store, catalog, clock),
    similarity: new SimilarityService(store, catalog),
    newTitles: new NewTitleService(store, catalog, new ContentIndex(titles), DEFAULT_SIMILARITY, clock),
  };
}

function countPlays(plays: readonly { titleId: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of plays) counts.set(p.titleId, (counts.get(p.titleId) ?? 0) + 1);
  return counts;
}
