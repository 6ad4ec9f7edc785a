import { randomUUID } from 'node:crypto';
import type { Store } from '../../graph/store';
import { Rng } from '../shared/random';
import { ThompsonArtworkSelector } from '../artwork/artwork-selector';
import { ArtworkStatsCache, DEFAULT_BANDIT_REFRESH_SECONDS } from '../artwork/artwork-stats-cache';
import { NewTitleService } from '../catalog/new-title-service';
import type { DomainChanges } from '../domain/changes';
import { RetrievalUpdates } from '../events/online-updates';
import { ExperimentService } from '../experiments/experiment-service';
import { ImpressionService } from '../events/impression-service';
import { PlaybackService } from '../events/playback-service';
import { HomepageCache } from '../homepage/homepage-cache';
import { HomepageService } from '../homepage/homepage-service';
import type { ModelBundle } from '../models/model-bundle';
import { ModelHolder } from '../models/model-holder';
import { servingModels, type ServingModels } from '../models/serving-models';
import { CatalogIndex, POPULARITY_WINDOW_MS } from '../pipeline/catalog-index';
import { DEFAULT_UTILITY, type UtilityWeights } from '../pipeline/utility';
import { PrivacyService } from '../profiles/privacy-service';
import { ProfileService } from '../profiles/profile-service';
import { FeedbackService } from '../profiles/feedback-service';
import { AvailabilityService } from '../catalog/availability-service';
import { PromotionService } from '../catalog/promotion-service';
import { FeatureStore } from '../ranking/features/feature-store';
import { PlayCounters } from '../retrieval/play-counters';
import { DEFAULT_EXPLORATION_SHARE } from '../rows/exploration';
import { PageBuilder } from '../rows/page-builder';
import { ChangeFeed } from '../shared/change-feed';
import { errorMessage } from '../shared/error-message';
import type { Logger } from '../shared/logger';
import { ContentIndex } from '../similarity/content-index';
import { instrumentStore } from '../monitoring/instrumented-store';
import { Monitoring, type MonitoringOptions } from '../monitoring/monitoring';
import { DEFAULT_SIMILARITY } from '../similarity/similarity-graph';
import { SimilarityService } from '../similarity/similarity-service';

/** Everything the API serves from, built once at start; each resolver gets the services it uses (src/server/schema.ts). */
export interface Services {
  store: Store;
  catalog: CatalogIndex;
  homepage: HomepageService;
  playback: PlaybackService;
  impressions: ImpressionService;
  similarity: SimilarityService;
  newTitles: NewTitleService;
  profiles: ProfileService;
  feedback: FeedbackService;
  availability: AvailabilityService;
  promotions: PromotionService;
  privacy: PrivacyService;
  /** The serving generation of the newest model bundle (retrieval, ranker), hot-swappable. */
  models: ModelHolder<ServingModels>;
  features: FeatureStore;
  experiments: ExperimentService;
  /** Metrics and recommendation-quality monitoring of this replica. */
  monitoring: Monitoring;
  close(): Promise<void>;
}

export interface ServiceOptions {
  clock?: () => number;
  logger?: Logger;
  utility?: UtilityWeights;
  /** Share of each row's slots for less-exposed titles (EXPLORATION_SHARE). */
  explorationShare?: number;
  /** How long a built page is reused for the same profile and context bucket (0: never). */
  cacheSeconds?: number;
  /** How old the artwork bandit's cached statistics may get before a replica reads them again (BANDIT_REFRESH_SECONDS). */
  banditRefreshSeconds?: number;
  /** How long a replica serves its list of running experiments before reading it again (EXPERIMENT_REFRESH_SECONDS). */
  experimentRefreshSeconds?: number;
  /** Seeds the artwork bandit's draws (a simulation repeats itself); random by default, so replicas draw independently. */
  randomSeed?: string;
  /** The store's name in metrics (`STORE`: embedded, neo4j). */
  storeName?: string;
  /** Window, baseline and thresholds of the recommendation-quality checks. */
  quality?: MonitoringOptions['quality'];
}

/**
 * Wires the pipeline around a model bundle. Trending counters are warmed with every stored
 * play and impression (the training replay counts the same events, so features agree); popularity counts plays
 * in the month before the newest one, so a demo on a world generated weeks ago still has it.
 */
export async function createServices(given: Store, bundle: ModelBundle, o: ServiceOptions = {}): Promise<Services> {
  const clock = o.clock ?? Date.now;
  const logger = o.logger;
  const monitoring = new Monitoring({ clock, logger, quality: o.quality });
  const store = instrumentStore(given, o.storeName ?? 'embedded', monitoring.metrics);
  const changes = new ChangeFeed<DomainChanges>();
  const [titles, latest, plays, impressions] = await Promise.all([
    store.listTitles(),
    store.latestPlaybackAt(),
    store.playsSince(0),
    store.impressionsSince(0),
  ]);
  const popularSince = (latest ?? clock()) - POPULARITY_WINDOW_MS;
  const catalog = new CatalogIndex(titles, countPlays(plays.filter((p) => p.occurredAt >= popularSince)));
  const counters = new PlayCounters();
  for (const p of plays) counters.note(p.country, p.kids, p.titleId, p.occurredAt);
  for (const e of impressions) counters.noteImpression(e.titleId, e.occurredAt);
  const features = await FeatureStore.fromStore(store, clock(), impressions);
  const similarity = new SimilarityService({ store, catalog, clock });
  const shared = {
    features,
    neighbours: similarity.neighbours,
    counters,
    weights: o.utility ?? DEFAULT_UTILITY,
    logger,
    onRankerFallback: () => monitoring.metrics.rankerFallbacks.inc(),
  };
  const models = new ModelHolder(await servingModels(bundle, shared), (b) => servingModels(b, shared), { logger, changes });
  const artworkStats = new ArtworkStatsCache({
    store,
    refreshMs: (o.banditRefreshSeconds ?? DEFAULT_BANDIT_REFRESH_SECONDS) * 1000,
    clock,
    onError: (err) => logger?.warn({ err: errorMessage(err) }, 'artwork statistics unavailable: chose from cached or prior statistics'),
  });
  const artwork = new ThompsonArtworkSelector(artworkStats, new Rng(o.randomSeed ?? randomUUID()));
  monitoring.metrics.sources.model = () => ({ version: models.version, trainedAt: Date.parse(models.now.bundle.manifest.createdAt) });
  monitoring.metrics.sources.artworkStatisticsReadAt = () => artworkStats.readAt;
  const experiments = new ExperimentService({
    store,
    catalog,
    clock,
    logger,
    refreshMs: o.experimentRefreshSeconds === undefined ? undefined : o.experimentRefreshSeconds * 1000,
  });
  const promotions = new PromotionService({ store, catalog, clock, logger, changes });
  const homepage = new HomepageService({
    promotions,
    experiments,
    store,
    catalog,
    models,
    stages: { rows: pageBuilder(features, similarity, o), artwork },
    clock,
    cache: new HomepageCache((o.cacheSeconds ?? 0) * 1000),
    observer: monitoring.homepageObserver(),
  });
  subscribeCaches(changes, { homepage, similarity, artwork });
  return {
    store,
    catalog,
    homepage,
    playback: new PlaybackService({
      store,
      catalog,
      clock,
      artwork,
      retrieval: new RetrievalUpdates({ store, model: () => models.now.collaborative, counters, features }),
      onUpdateFailed: (err) => logger?.warn({ err: errorMessage(err) }, 'online update after playback failed'),
      onRecorded: (outcome) => monitoring.playsRecorded(outcome),
    }),
    impressions: new ImpressionService({
      store,
      catalog,
      features: shownCounts(features, counters),
      clock,
      changes,
      artwork,
      onRecorded: (outcome) => monitoring.impressionsRecorded(outcome),
    }),
    similarity,
    newTitles: new NewTitleService({ store, catalog, index: new ContentIndex(titles), options: DEFAULT_SIMILARITY, clock, changes }),
    profiles: new ProfileService({ store, catalog, clock, changes }),
    feedback: new FeedbackService({ store, catalog, clock, changes }),
    availability: new AvailabilityService({ store, catalog, changes }),
    promotions,
    privacy: new PrivacyService({ store, derived: { features, counters, model: () => models.now.collaborative }, clock, changes }),
    models,
    features,
    experiments,
    monitoring,
    close: async () => {
      await experiments.close();
      await models.close();
    },
  };
}

/** Who drops what when something changes: the one place cache invalidation is decided. */
function subscribeCaches(
  changes: ChangeFeed<DomainChanges>,
  c: { homepage: HomepageService; similarity: SimilarityService; artwork: ThompsonArtworkSelector },
): void {
  changes.on('profileChanged', ({ profileId }) => c.homepage.cache.forget(profileId));
  changes.on('feedbackChanged', ({ profileId }) => c.homepage.cache.forget(profileId));
  // Impressions move only the ranker's exposure features, which the page cache's key does not see.
  changes.on('profileShown', ({ profileId }) => c.homepage.cache.forget(profileId));
  changes.on('historyErased', async ({ profileId, titleIds }) => {
    c.homepage.cache.forget(profileId);
    await c.artwork.forgetProfile(profileId, titleIds);
  });
  // A new title's edges change its neighbours' lists.
  changes.on('titleAdded', () => c.similarity.forget());
  changes.on('titleChanged', () => c.homepage.cache.clear());
  changes.on('promotionsChanged', () => c.homepage.cache.clear());
  // Pages of the old bundle are never served again (the cache key holds the version): free them.
  changes.on('modelSwapped', () => c.homepage.cache.clear());
}

function pageBuilder(features: FeatureStore, similarity: SimilarityService, o: ServiceOptions): PageBuilder {
  return new PageBuilder({
    neighbours: similarity.neighbours,
    exposure: (profile, now) => features.exposureOf(profile, now),
    evidence: (titleId, now) => features.evidence(titleId, now),
    explorationShare: o.explorationShare ?? DEFAULT_EXPLORATION_SHARE,
    onGraphUnavailable: (err) => o.logger?.warn({ err: err.message }, 'graph unavailable: page built without Because You Watched rows'),
  });
}

/** Where accepted impressions are counted: the ranker's feature store and the trending counters. */
function shownCounts(features: FeatureStore, counters: PlayCounters): Pick<FeatureStore, 'noteImpressions'> {
  return {
    noteImpressions(events) {
      features.noteImpressions(events);
      for (const e of events) counters.noteImpression(e.titleId, e.occurredAt);
    },
  };
}

function countPlays(plays: readonly { titleId: string }[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of plays) counts.set(p.titleId, (counts.get(p.titleId) ?? 0) + 1);
  return counts;
}
