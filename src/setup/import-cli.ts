import 'reflect-metadata';
import { Command, Option } from 'commander';
import path from 'node:path';
import { loadConfig, storeSettings } from '../config/config';
import { IMPORT_FORMATS, WORLD_SIZES, type ImportFormat, type WorldSize } from '../domain/dataset';
import { openStore } from '../../graph/open-store';
import { ensureData } from './bootstrap';
import { createLogger } from '../shared/logger';
import { errorMessage } from '../shared/error-message';

/**
 * `npm run import -- --catalog netflix-titles|movielens --path PATH`: loads a real catalog with
 * viewers simulated around it, or MovieLens viewers and ratings, into the configured store
 * (STORE with DATA_DIR or NEO4J_*), which must be empty. Prints a JSON summary on stdout; progress goes to stderr.
 */
async function main(): Promise<void> {
  const opts = new Command('import')
    .description(
      'Import real data into the configured (empty) store: a Netflix catalog with simulated viewers, or MovieLens viewers and ratings.',
    )
    .addOption(new Option('--catalog <format>', 'what the path holds').choices(IMPORT_FORMATS).makeOptionMandatory())
    .requiredOption('--path <path>', 'netflix_titles.csv, or a MovieLens folder (ratings.csv + movies.csv, or u.data + u.item)')
    .addOption(new Option('--viewers <size>', 'population to simulate (default: WORLD_SIZE)').choices(WORLD_SIZES))
    .option('--seed <n>', 'random seed of the simulated viewers (default: WORLD_SEED)')
    .option(
      '--availability <file>',
      'licences overriding the derived ones: CSV title_id,countries,available_from,available_until (default: AVAILABILITY_PATH)',
    )
    .parse()
    .opts<{ catalog: ImportFormat; path: string; viewers?: WorldSize; seed?: string; availability?: string }>();
  const config = loadConfig({
    ...process.env,
    CATALOG_PATH: path.resolve(opts.path),
    CATALOG_FORMAT: opts.catalog,
    ...(opts.viewers ? { WORLD_SIZE: opts.viewers } : {}),
    ...(opts.seed ? { WORLD_SEED: opts.seed } : {}),
    ...(opts.availability ? { AVAILABILITY_PATH: path.resolve(opts.availability) } : {}),
  });
  const logger = createLogger(config.LOG_LEVEL);
  const store = await openStore(storeSettings(config), { log: logger });
  try {
    if (!(await store.isEmpty())) {
      const where = config.STORE === 'neo4j' ? `Neo4j at ${config.NEO4J_URI}` : `DATA_DIR ${path.resolve(config.DATA_DIR)}`;
      throw new Error(`${where} already holds a dataset; import into an empty DATA_DIR or database`);
    }
    const started = Date.now();
    const manifest = await ensureData(store, config, logger);
    process.stdout.write(
      `${JSON.stringify({ store: config.STORE, catalog: config.CATALOG_PATH, seconds: (Date.now() - started) / 1000, ...manifest?.counts })}\n`,
    );
  } finally {
    await store.close();
  }
}

main().catch((err) => {
  process.stderr.write(`import: ${errorMessage(err)}\n`);
  process.exit(1);
});
