import { randomUUID } from 'node:crypto';
import type { RecentPlay, Store } from '../../graph/store';
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
import type { ImpressionEvent } from '../domain/types';
import type { RedisLink } from './shared-state/redis-link';
import { Replication } from './shared-state/replication';
import { ClusterRelay } from './shared-state/cluster-relay';
import type { Port } from '../shared/port';
import { RedisMarks } from './shared-state/shared-marks';
import { applyRemoteChange, type ReplicaParts } from './shared-state/remote-changes';

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
  /** The shared Redis and the replication of changes through it (STATE=redis); absent with STATE=memory. */
  sharedState?: { link: RedisLink; replication: Replication };
  /** The relay of changes between the workers of a cluster on the embedded store; absent otherwise. */
  clusterRelay?: ClusterRelay;
  close(): Promise<void>;
}

/** Where bundles are and which to accept: another replica's swap makes this one look at once. */
export interface SharedBundles {
  dir: string;
  accept: (b: ModelBundle) => Promise<boolean>;
}

/** How a replica shares online state with the others (STATE=redis). */
export interface SharedStateOptions {
  link: RedisLink;
  /** Names this replica's entries in the shared stream (random by default). */
  replicaId?: string;
  models?: SharedBundles;
}

/** How a cluster worker on the embedded store shares online state with the other workers (through its primary). */
export interface ClusterOptions {
  /** The channel to the primary. */
  port: Port;
  models?: SharedBundles;
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
  /** Shared online state with other replicas; without it, this replica's state is its own. */
  sharedState?: SharedStateOptions;
  /** Online state shared with the other workers of this machine's cluster (embedded store, WORKERS > 1). */
  cluster?: ClusterOptions;
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
  const [titles, { recentPlays, counters, features }] = await Promise.all([store.listTitles(), onlineState(store, clock)]);
  const catalog = new CatalogIndex(titles, recentPlays);
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
    changes,
    sharedMarks:
      o.sharedState &&
      new RedisMarks(o.sharedState.link, 'hp:exposure:', 2 * 24 * 3600, () =>
        monitoring.metrics.sharedStateFallbacks.inc({ operation: 'experiment_exposure' }),
      ),
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
  const retrieval = new RetrievalUpdates({ store, model: () => models.now.collaborative, counters, features });
  const shown = shownCounts(features, counters);
  const newTitles = new NewTitleService({ store, catalog, index: new ContentIndex(titles), options: DEFAULT_SIMILARITY, clock, changes });
  const derived = { features, counters, model: () => models.now.collaborative };
  const bundles = o.sharedState?.models ?? o.cluster?.models;
  const parts: ReplicaParts = {
    store,
    catalog,
    retrieval,
    shown,
    quality: monitoring.quality,
    derived,
    newTitles,
    promotions,
    experiments,
    clock,
    checkForNewerModel: bundles && (() => models.checkForNewer(bundles.dir, bundles.accept)),
  };
  const sharedState = o.sharedState && {
    link: o.sharedState.link,
    replication: replicate(o.sharedState, changes, monitoring, logger, {
      ...parts,
      rebuild: async () => {
        const fresh = await onlineState(store, clock);
        catalog.recountPlays(fresh.recentPlays);
        counters.adopt(fresh.counters);
        features.adopt(fresh.features);
        homepage.cache.clear();
      },
    }),
  };
  const clusterRelay =
    o.cluster &&
    new ClusterRelay({
      port: o.cluster.port,
      changes,
      apply: applyRemoteChange(parts),
      logger,
      onEvent: (direction, kind) => monitoring.metrics.sharedStateChanges.inc({ direction, kind }),
    });
  await sharedState?.replication.start();
  return {
    store,
    catalog,
    homepage,
    playback: new PlaybackService({
      store,
      catalog,
      clock,
      artwork,
      retrieval,
      changes,
      onUpdateFailed: (err) => logger?.warn({ err: errorMessage(err) }, 'online update after playback failed'),
      onRecorded: (outcome) => monitoring.playsRecorded(outcome),
    }),
    impressions: new ImpressionService({
      store,
      catalog,
      features: shown,
      clock,
      changes,
      artwork,
      onRecorded: (outcome) => monitoring.impressionsRecorded(outcome),
    }),
    similarity,
    newTitles,
    profiles: new ProfileService({ store, catalog, clock, changes }),
    feedback: new FeedbackService({ store, catalog, clock, changes }),
    availability: new AvailabilityService({ store, catalog, changes }),
    promotions,
    privacy: new PrivacyService({ store, derived, clock, changes }),
    models,
    features,
    experiments,
    monitoring,
    sharedState,
    clusterRelay,
    close: async () => {
      await sharedState?.replication.close();
      await clusterRelay?.close();
      await experiments.close();
      await models.close();
    },
  };
}

/** Connects this replica's change feed to the other replicas' through Redis, with metrics. */
function replicate(
  shared: SharedStateOptions,
  changes: ChangeFeed<DomainChanges>,
  monitoring: Monitoring,
  logger: Logger | undefined,
  parts: ReplicaParts & { rebuild: () => Promise<void> },
): Replication {
  const metrics = monitoring.metrics;
  metrics.sharedStateUp.set(shared.link.isUp ? 1 : 0);
  shared.link.onState((up) => metrics.sharedStateUp.set(up ? 1 : 0));
  return new Replication({
    link: shared.link,
    changes,
    replicaId: shared.replicaId,
    apply: applyRemoteChange(parts),
    rebuild: parts.rebuild,
    logger,
    onEvent: (what, kind) => {
      if (what === 'rebuilt') metrics.sharedStateRebuilds.inc();
      else metrics.sharedStateChanges.inc({ direction: what, kind });
    },
  });
}

/** Who drops what when something changes: the one place cache invalidation is decided. */
function subscribeCaches(
  changes: ChangeFeed<DomainChanges>,
  c: { homepage: HomepageService; similarity: SimilarityService; artwork: ThompsonArtworkSelector },
): void {
  changes.on('profileChanged', ({ profileId }) => c.homepage.cache.forget(profileId));
  changes.on('feedbackChanged', ({ profileId }) => c.homepage.cache.forget(profileId));
  // Impressions move only the ranker's exposure features, which the page cache's key does not see.
  changes.on('impressionsRecorded', ({ events }) => {
    for (const profileId of new Set(events.map((e) => e.profileId))) c.homepage.cache.forget(profileId);
  });
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

/**
 * The online state derived from every stored play and impression: the catalog's recent play counts,
 * the trending and segment counters, and the ranker's feature store. Read at start, and again
 * when a replica rebuilds after missing other replicas' changes.
 */
async function onlineState(
  store: Store,
  clock: () => number,
): Promise<{ recentPlays: Map<string, number>; counters: PlayCounters; features: FeatureStore }> {
  const [latest, plays, impressions] = await Promise.all([store.latestPlaybackAt(), store.playsSince(0), store.impressionsSince(0)]);
  return {
    recentPlays: recentPlayCounts(plays, latest ?? clock()),
    counters: countersOf(plays, impressions),
    features: await FeatureStore.fromStore(store, clock(), impressions),
  };
}

/** The trending and segment counters over the stored plays and impressions. */
function countersOf(plays: readonly RecentPlay[], impressions: readonly ImpressionEvent[]): PlayCounters {
  const counters = new PlayCounters();
  for (const p of plays) counters.note(p.country, p.kids, p.titleId, p.occurredAt);
  for (const e of impressions) counters.noteImpression(e.titleId, e.occurredAt);
  return counters;
}

/** Plays per title in the popularity window before `latest` (the newest play, so a world generated weeks ago still has them). */
function recentPlayCounts(plays: readonly RecentPlay[], latest: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of plays) if (p.occurredAt >= latest - POPULARITY_WINDOW_MS) counts.set(p.titleId, (counts.get(p.titleId) ?? 0) + 1);
  return counts;
}
