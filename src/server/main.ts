import 'reflect-metadata';
import { Command } from 'commander';
import { Authenticator } from '../auth/authenticator';
import { resolveAuthSecret } from '../auth/secret';
import { ConfigError, loadConfig, monitoringSettings, storeSettings, type Config } from '../config/config';
import { startApp, type RunningApp } from './app';
import { serverSettings } from './settings';
import type { Store } from '../../graph/store';
import path from 'node:path';
import { openEmbeddedStore, openStore } from '../../graph/open-store';
import { ownerOver } from '../../graph/embedded/owner-channel';
import { ensureData, ensureModel, trainedOnThisCatalog } from '../setup/bootstrap';
import { prepareDataDir } from '../setup/data-dir';
import { createLogger, type Logger } from '../shared/logger';
import { isPreparing, isWorker, primaryPort, reportReady, runPrimary } from './cluster';
import { createServices } from './services';
import { ClusterMetrics } from './cluster-metrics';
import { RedisLink } from './shared-state/redis-link';
import type { ModelBundle } from '../models/model-bundle';
import { errorStack } from '../shared/error-message';

/** `npm start [-- --catalog FILE]`: validate config, open the store (loading a dataset if empty), serve. */
async function main(): Promise<void> {
  const opts = new Command('start')
    .description('Serve the homepage API; on an empty store, load a dataset first.')
    .option('--catalog <file>', 'import this netflix_titles.csv (with simulated viewers) into an empty store; same as CATALOG_PATH')
    .parse()
    .opts<{ catalog?: string }>();
  const config = loadConfig({ ...process.env, ...(opts.catalog ? { CATALOG_PATH: opts.catalog } : {}) });
  const logger = createLogger(config.LOG_LEVEL);
  await prepareDataDir(config.DATA_DIR, logger);
  const { secret, developmentFile } = await resolveAuthSecret(config);
  if (developmentFile)
    logger.warn(
      { file: developmentFile },
      'AUTH_SECRET is not set: tokens are signed with a development secret kept in DATA_DIR; set AUTH_SECRET in production',
    );
  if (config.WORKERS > 1 && !isWorker())
    return runPrimary({
      workers: config.WORKERS,
      logger,
      onReady: printReady,
      ownStore: config.STORE === 'embedded' ? () => openEmbeddedStore(config.DATA_DIR, logger) : undefined,
    });
  if (isPreparing()) return prepare(config, logger);
  const auth = new Authenticator({ secret, anonymousCatalog: config.ALLOW_ANONYMOUS_CATALOG });
  // Listen at once, so that probes see a live process that is not ready yet while data and the
  // model load (a first start trains for minutes).
  let store: Store | undefined;
  // Set once listening: a signal before that stops a start-up.
  const running: { app?: RunningApp } = {};
  let stopping: Promise<never> | undefined;
  /**
   * SIGTERM (an orchestrator) or SIGINT (Ctrl-C): stop accepting, answer the requests in flight
   * (up to SHUTDOWN_GRACE_MS), flush what the services buffer, close the store (the journal's
   * last writes, the Neo4j driver), exit 0. During start-up nothing has been acknowledged yet:
   * the process exits at once, and the next start finishes or redoes the interrupted work.
   */
  const shutdown = (signal: string) =>
    (stopping ??= (async () => {
      const started = Date.now();
      const { app } = running;
      if (!app) {
        logger.info({ signal }, 'stopping during start-up');
        process.exit(0);
      }
      logger.info({ signal, graceMs: config.SHUTDOWN_GRACE_MS }, 'shutting down: answering the requests in flight');
      try {
        await app.close();
        await (await services).close();
        await store?.close();
        logger.info({ signal, ms: Date.now() - started }, 'stopped');
        process.exit(0);
      } catch (err) {
        logger.error({ err: errorStack(err) }, 'shutdown failed');
        process.exit(1);
      }
    })());
  // A second signal (npm passes a terminal's Ctrl-C on as well) joins the stop under way.
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  // A worker of a cluster on the embedded store follows the primary's store and relays its changes through it.
  const toPrimary = isWorker() && config.STORE === 'embedded' ? primaryPort() : undefined;
  const clusterMetrics = isWorker() ? new ClusterMetrics(primaryPort()) : undefined;
  const bootstrap = async () => {
    store = await openStore(storeSettings(config), { log: logger, owner: toPrimary && ownerOver(toPrimary) });
    await ensureData(store, config, logger);
    const bundle = await ensureModel(store, config, logger);
    const opened = store;
    const modelsDir = path.join(config.DATA_DIR, 'models');
    const accept = (b: ModelBundle) => trainedOnThisCatalog(opened, b);
    const services = await createServices(store, bundle, {
      logger,
      utility: config.UTILITY_WEIGHTS,
      cacheSeconds: config.HOMEPAGE_CACHE_SECONDS,
      explorationShare: config.EXPLORATION_SHARE,
      banditRefreshSeconds: config.BANDIT_REFRESH_SECONDS,
      experimentRefreshSeconds: config.EXPERIMENT_REFRESH_SECONDS,
      storeName: config.STORE,
      quality: monitoringSettings(config),
      sharedState:
        config.STATE === 'redis'
          ? { link: new RedisLink({ url: config.REDIS_URL!, logger }), models: { dir: modelsDir, accept } }
          : undefined,
      cluster: toPrimary && { port: toPrimary, models: { dir: modelsDir, accept } },
    });
    if (config.MODEL_POLL_SECONDS > 0) services.models.watch(modelsDir, config.MODEL_POLL_SECONDS * 1000, accept);
    return services;
  };
  const services = bootstrap();
  const app = (running.app = await startApp({
    services,
    auth,
    logger,
    settings: serverSettings(config),
    // Any worker may answer a scrape: it answers with every worker's metrics, which the primary collects.
    metricsOf: clusterMetrics && ((s) => clusterMetrics.serving(s.monitoring.metrics.registry)),
  }));
  logger.info({ url: app.url, store: config.STORE, state: config.STATE, titles: (await services).catalog.size }, 'listening');
  // A worker's primary prints the line once every worker serves.
  if (isWorker()) reportReady(app.url);
  else printReady(app.url);
}

const printReady = (url: string) => process.stdout.write(`Homepage API ready: GraphQL IDE at ${url} · endpoint ${url}graphql\n`);

/**
 * `WORKERS=N`, before the workers: loads the data and trains the first bundle once, in a process
 * of its own whose memory goes when it exits, so that the workers only read them (N first starts
 * on an empty database would each load it).
 */
async function prepare(config: Config, logger: Logger): Promise<void> {
  const store = await openStore(storeSettings(config), { log: logger });
  await ensureData(store, config, logger);
  await ensureModel(store, config, logger);
  await store.close();
  process.exit(0);
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`fatal: ${errorStack(err)}\n`);
  }
  process.exit(1);
});
