import type { Store } from '../../graph/store';
import { FirstVariantSelector } from '../artwork/artwork-selector';
import { CatalogIndex, POPULARITY_WINDOW_MS } from '../catalog/catalog-index';
import { PlaybackService } from '../events/playback-service';
import { HomepageService } from '../homepage/homepage-service';
import { HeuristicRanker } from '../ranking/ranker';
import type { UnionCandidateGenerator } from '../retrieval/candidates';
import { CollaborativeModel } from '../retrieval/collaborative-model';
import { PlayCounters } from '../retrieval/play-counters';
import { RetrievalUpdates } from '../retrieval/online-updates';
import { candidateGenerator } from '../retrieval/retrieval-plan';
import type { RetrievalBundle } from '../training/model-bundle';
import type { Logger } from './logger';
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
  retrieval: UnionCandidateGenerator;
}

/**
 * Wires the pipeline around a model bundle. Popularity and trending count plays in the month
 * before the newest recorded play, so a demo on a world generated weeks ago still has them.
 */
export async function createServices(
  store: Store, bundle: RetrievalBundle, clock: () => number = Date.now, logger?: Logger,
): Promise<Services> {
  const [titles, latest] = await Promise.all([store.listTitles(), store.latestPlaybackAt()]);
  const plays = await store.playsSince((latest ?? clock()) - POPULARITY_WINDOW_MS);
  const catalog = new CatalogIndex(titles, countPlays(plays));
  const counters = new PlayCounters();
  for (const p of plays) counters.note(p.country, p.kids, p.titleId, p.occurredAt);
  const model = new CollaborativeModel(bundle);
  const similarity = new SimilarityService(store, catalog);
  const retrieval = candidateGenerator({
    model, neighbours: similarity.neighbours, counters,
    onContentUnavailable: (err) => logger?.warn({ err: err.message }, 'content source degraded'),
  });
  return {
    store,
    catalog,
    homepage: new HomepageService(store, catalog, {
      retrieval, ranker: new HeuristicRanker(), rows: new SimpleRowBuilder(), artwork: new FirstVariantSelector(),
    }, clock),
    playback: new PlaybackService(store, catalog, new RetrievalUpdates(store, model, counters), clock,
      (err) => logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'online update after playback failed')),
    similarity,
    newTitles: new NewTitleService(store, catalog, new ContentIndex(titles), DEFAULT_SIMILARITY, clock, () => similarity.forget()),
    retrieval,
  };
}

function countPlays(plays: readonly { titleId: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of plays) counts.set(p.titleId, (counts.get(p.titleId) ?? 0) + 1);
  return counts;
}
