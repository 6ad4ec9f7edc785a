import path from 'node:path';
import { connectNeo4j } from '../graph/neo4j/connect';
import { Neo4jStore } from '../graph/neo4j/neo4j-store';
import { loadDataset } from '../src/catalog/load-dataset';
import { freePort } from '../test/support/server-process';
import { observable, type World } from '../src/world/generate';
import { launcher } from './neo4j-launcher';

/** A Neo4j loaded with the bench's world: where it listens, and how to stop it. */
export interface Neo4jTwin {
  uri: string;
  close(): Promise<void>;
}

/** Fails before a long run rather than after it when Neo4j cannot be started here. */
export function checkNeo4jTwin(): void {
  if (!launcher.javaToolsAvailable()) throw new Error('--neo4j runs Neo4j with the test launcher: install Java 17+ and Maven');
}

/**
 * The bench world again, on `STORE=neo4j`: a Neo4j of its own (the project's launcher, on this
 * machine, data under `dir`) loaded with the same world, so a server on it with the same model
 * bundle builds the same pages (the artwork bandit's draws aside: each server has its own random
 * stream) and the store is what differs.
 */
export async function openNeo4jTwin(
  world: World,
  dir: string,
  update: (stage: string, done: number, total: number) => void,
): Promise<Neo4jTwin> {
  const port = await freePort();
  update('neo4j', 0, 1);
  // The launcher's JVM is detached and would outlive the bench: stopped whatever failed.
  const close = () => launcher.stop({ port, log: () => {} });
  try {
    const { uri } = await launcher.start({ port, dataDir: path.join(dir, 'neo4j'), log: () => {} });
    update('neo4j', 1, 1);
    const { driver, cypher } = await connectNeo4j({ uri, user: 'neo4j', password: 'test', attempts: 3 });
    const store = await Neo4jStore.open(cypher, () => driver.close()).catch(async (err: unknown) => {
      await driver.close();
      throw err;
    });
    try {
      await loadDataset(store, observable(world), update);
    } finally {
      await store.close();
    }
    return { uri, close };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}
