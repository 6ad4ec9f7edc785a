import path from 'node:path';
import { EmbeddedStore } from '../../graph/embedded/embedded-store';
import { connectNeo4j } from '../../graph/neo4j/connect';
import { Neo4jStore } from '../../graph/neo4j/neo4j-store';
import type { Store } from '../../graph/store';
import type { Config } from '../config/config';
import { loadDataset } from '../catalog/load-dataset';
import { stageProgress } from '../cli/progress';
import { worldExists, readWorldData, writeWorld } from '../world/files';
import { generateWorld, observable } from '../world/generate';
import type { Logger } from './logger';

export async function openStore(config: Config, logger: Logger): Promise<Store> {
  if (config.STORE === 'neo4j') {
    const { driver, cypher } = await connectNeo4j({
      uri: config.NEO4J_URI!, user: config.NEO4J_USER, password: config.NEO4J_PASSWORD ?? '',
      database: config.NEO4J_DATABASE, attempts: config.NEO4J_CONNECT_ATTEMPTS,
    }, (msg) => logger.warn(msg));
    logger.info({ uri: config.NEO4J_URI }, 'connected to Neo4j');
    return Neo4jStore.open(cypher, () => driver.close());
  }
  return EmbeddedStore.open(path.join(config.DATA_DIR, 'store'), (msg) => logger.info(msg));
}

/**
 * On an empty store, generates the configured world into DATA_DIR/world (or reuses one already
 * there) and bulk-loads it, so `npm start` on an empty DATA_DIR ends with a working demo.
 */
export async function ensureData(store: Store, config: Config, logger: Logger): Promise<void> {
  if (!(await store.isEmpty())) return;
  const worldDir = path.join(config.DATA_DIR, 'world');
  const progress = stageProgress();
  try {
    let data;
    if (await worldExists(worldDir)) {
      logger.info({ worldDir }, 'loading the existing world');
      data = await readWorldData(worldDir);
    } else {
      logger.info({ size: config.WORLD_SIZE, seed: config.WORLD_SEED }, 'empty DATA_DIR: generating the synthetic world');
      const world = generateWorld(config.WORLD_SIZE, config.WORLD_SEED, progress.update);
      await writeWorld(worldDir, world);
      data = observable(world);
    }
    await loadDataset(store, data, progress.update);
    logger.info(data.manifest.counts, 'world loaded into the store');
  } finally {
    progress.stop();
  }
}
