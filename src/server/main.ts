import 'reflect-metadata';
import { Command } from 'commander';
import { Authenticator } from '../auth/authenticator';
import { resolveAuthSecret } from '../auth/secret';
import { ConfigError, loadConfig, monitoringSettings, storeSettings } from '../config/config';
import { startApp, type RunningApp } from './app';
import { serverSettings } from './settings';
import type { Store } from '../../graph/store';
import path from 'node:path';
import { openStore } from '../../graph/open-store';
import { ensureData, ensureModel, trainedOnThisCatalog } from '../setup/bootstrap';
import { prepareDataDir } from '../setup/data-dir';
import { createLogger } from '../shared/logger';
import { createServices } from './services';
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
  const bootstrap = async () => {
    store = await openStore(storeSettings(config), { log: logger });
    await ensureData(store, config, logger);
    const bundle = await ensureModel(store, config, logger);
    const services = await createServices(store, bundle, {
      logger,
      utility: config.UTILITY_WEIGHTS,
      cacheSeconds: config.HOMEPAGE_CACHE_SECONDS,
      explorationShare: config.EXPLORATION_SHARE,
      banditRefreshSeconds: config.BANDIT_REFRESH_SECONDS,
      experimentRefreshSeconds: config.EXPERIMENT_REFRESH_SECONDS,
      storeName: config.STORE,
      quality: monitoringSettings(config),
    });
    if (config.MODEL_POLL_SECONDS > 0) {
      const opened = store;
      services.models.watch(path.join(config.DATA_DIR, 'models'), config.MODEL_POLL_SECONDS * 1000, (b) => trainedOnThisCatalog(opened, b));
    }
    return services;
  };
  const services = bootstrap();
  const app = (running.app = await startApp({ services, auth, logger, settings: serverSettings(config) }));
  logger.info({ url: app.url, store: config.STORE, titles: (await services).catalog.size }, 'listening');
  process.stdout.write(`Homepage API ready: GraphQL IDE at ${app.url} · endpoint ${app.url}graphql\n`);
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`fatal: ${errorStack(err)}\n`);
  }
  process.exit(1);
});
