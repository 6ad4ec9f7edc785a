import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { connectNeo4j } from '../../graph/neo4j/connect';
import type { CypherExecutor } from '../../graph/neo4j/cypher-executor';
import { Neo4jStore } from '../../graph/neo4j/neo4j-store';

/** The Neo4j the global setup found or started; undefined when the Neo4j suites skip. */
export const NEO4J_URI = process.env.NEO4J_URI;

/**
 * Test files run in parallel workers but share one Neo4j database (Community has one), and each
 * wipes it: a file holds this cross-process lock while it uses the database.
 */
export function holdNeo4jWhileRunning(): void {
  let release: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const file = path.join(os.tmpdir(), `neo4j-tests-${encodeURIComponent(NEO4J_URI!)}.lock`);
    await fs.writeFile(file, '', { flag: 'a' });
    release = await lockfile.lock(file, { retries: { retries: 300, minTimeout: 200, maxTimeout: 1000 }, stale: 60_000 });
  }, 600_000);
  afterAll(async () => release?.());
}

/** `describe` holding the Neo4j lock when a Neo4j is available, else a skipped block that says why. */
export function describeNeo4j(name: string, body: () => void): void {
  if (NEO4J_URI) {
    return describe(name, () => {
      holdNeo4jWhileRunning();
      body();
    });
  }
  describe.skip(`${name} (skipped: no Neo4j; set NEO4J_URI or install Java 17 + Maven)`, body);
}

/**
 * Store calls in tests are bounded only generously: the test Neo4j is shared by parallel test
 * files on a busy machine, and no test here measures how fast it answers (neo4j-outage.test.ts
 * tests the bound on a server of its own).
 */
const TEST_TIMEOUT_MS = 60_000;

export async function connectTestNeo4j(uri = NEO4J_URI!): Promise<{ cypher: CypherExecutor; close: () => Promise<void> }> {
  const { driver, cypher } = await connectNeo4j({ uri, user: 'neo4j', password: 'test', attempts: 3, timeoutMs: TEST_TIMEOUT_MS });
  return { cypher, close: () => driver.close() };
}

/** Deletes every node of the test database (constraints and indexes stay). */
export async function wipe(cypher: CypherExecutor): Promise<void> {
  await cypher.unbounded().autoCommit('MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS');
}

/** A Neo4jStore on the test database, emptied first. */
export async function openEmptyNeo4jStore(uri = NEO4J_URI!): Promise<Neo4jStore> {
  const { cypher, close } = await connectTestNeo4j(uri);
  await wipe(cypher);
  return Neo4jStore.open(cypher, close);
}

/** A Neo4jStore on the test database as it is, as a restarted process would open it. */
export async function reopenNeo4jStore(uri = NEO4J_URI!): Promise<Neo4jStore> {
  const { cypher, close } = await connectTestNeo4j(uri);
  return Neo4jStore.open(cypher, close);
}
