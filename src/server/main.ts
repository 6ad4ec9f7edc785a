import 'reflect-metadata';
import { Command } from 'commander';
import { Authenticator } from '../auth/authenticator';
import { resolveAuthSecret } from '../auth/secret';
import { ConfigError, loadConfig, storeSettings } from '../config/config';
import { startApp } from './app';
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
    });
    if (config.MODEL_POLL_SECONDS > 0) {
      const opened = store;
      services.models.watch(path.join(config.DATA_DIR, 'models'), config.MODEL_POLL_SECONDS * 1000, (b) => trainedOnThisCatalog(opened, b));
    }
    return services;
  };
  const services = bootstrap();
  const app = await startApp({ services, auth, logger, settings: serverSettings(config) });
  logger.info({ url: app.url, store: config.STORE, titles: (await services).catalog.size }, 'listening');
  process.stdout.write(`Homepage API ready: GraphQL IDE at ${app.url} · endpoint ${app.url}graphql\n`);
  const shutdown = async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    await app.close();
    await (await services).close();
    await store?.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
  } else {
    process.stderr.write(`fatal: ${errorStack(err)}\n`);
  }
  process.exit(1);
});
