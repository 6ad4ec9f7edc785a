import path from 'node:path';
import type { Store } from '../graph/store';
import { connectNeo4j } from '../graph/neo4j/connect';
import { Neo4jStore } from '../graph/neo4j/neo4j-store';
import { loadDataset } from '../src/catalog/load-dataset';
import type { ModelBundle } from '../src/models/model-bundle';
import { createServices, type Services } from '../src/server/services';
import { freePort } from '../test/support/server-process';
import { observable, type World } from '../src/world/generate';
import { launcher } from './neo4j-launcher';

/** The services over the same world and bundle on Neo4j, and how to stop them and their database. */
export interface Neo4jTwin {
  services: Services;
  close(): Promise<void>;
}

/** Fails before a long run rather than after it when Neo4j cannot be started here. */
export function checkNeo4jTwin(): void {
  if (!launcher.javaToolsAvailable()) throw new Error('--neo4j runs Neo4j with the test launcher: install Java 17+ and Maven');
}

/**
 * The bench world's services again, on `STORE=neo4j`: a Neo4j of its own (the project's launcher,
 * on this machine, data under `dir`) loaded with the same world, serving the same model bundle,
 * so the two stores build the same pages (the artwork bandit's draws aside: each server has its
 * own random stream) and the store is what differs.
 */
export async function openNeo4jTwin(
  world: World,
  bundle: ModelBundle,
  dir: string,
  update: (stage: string, done: number, total: number) => void,
): Promise<Neo4jTwin> {
  const port = await freePort();
  update('neo4j', 0, 1);
  let store: Store | undefined;
  let services: Services | undefined;
  // Each step whatever the one before did: the launcher's JVM is detached and would outlive the bench.
  const close = async () => {
    try {
      await services?.close();
    } finally {
      try {
        await store?.close();
      } finally {
        await launcher.stop({ port, log: () => {} });
      }
    }
  };
  try {
    const { uri } = await launcher.start({ port, dataDir: path.join(dir, 'neo4j'), log: () => {} });
    update('neo4j', 1, 1);
    const { driver, cypher } = await connectNeo4j({ uri, user: 'neo4j', password: 'test', attempts: 3 });
    store = await Neo4jStore.open(cypher, () => driver.close()).catch(async (err: unknown) => {
      await driver.close();
      throw err;
    });
    await loadDataset(store, observable(world), update);
    services = await createServices(store, bundle, { storeName: 'neo4j' });
    return { services, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
