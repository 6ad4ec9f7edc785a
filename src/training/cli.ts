import 'reflect-metadata';
import { Command } from 'commander';
import path from 'node:path';
import { stageProgress } from '../shared/progress';
import { loadConfig, storeSettings, trainingOptions } from '../config/config';
import { openStore } from '../../graph/open-store';
import { createLogger } from '../shared/logger';
import { writeBundle } from '../models/model-bundle';
import { trainBundle } from './train-bundle';
import { errorMessage } from '../shared/error-message';

/**
 * `npm run train`: trains a new model bundle (ALS vectors, the HNSW index, the ranker and its
 * feature spec) from the configured store into DATA_DIR/models/<version>/; a running server
 * swaps it in within MODEL_POLL_SECONDS, a server started afterwards loads it.
 */
async function main(): Promise<void> {
  // No options (the store and DATA_DIR come from the environment, as the server's do); parsed for --help.
  new Command('train')
    .description(
      'Train a new model bundle (ALS vectors, HNSW index, ranker) from the configured store (STORE, DATA_DIR or NEO4J_*) into DATA_DIR/models/.',
    )
    .parse();
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  // The server may be running on the same store: training only reads it.
  const store = await openStore(storeSettings(config), { log: logger, readOnly: true });
  const progress = stageProgress();
  try {
    if (await store.isEmpty()) throw new Error('the store is empty: start the API once (or run `npm run import`) to load a dataset first');
    const bundle = await trainBundle(store, trainingOptions(config), progress.update);
    const dir = await writeBundle(path.join(config.DATA_DIR, 'models'), bundle);
    progress.stop();
    process.stdout.write(`${JSON.stringify({ dir, ...bundle.manifest })}\n`);
  } finally {
    progress.stop();
    await store.close();
  }
}

main().catch((err) => {
  process.stderr.write(`train: ${errorMessage(err)}\n`);
  process.exit(1);
});
