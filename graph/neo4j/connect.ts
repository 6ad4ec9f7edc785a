import neo4j, { type Driver } from 'neo4j-driver';
import { CypherExecutor, isUnavailable } from './cypher-executor';
import { errorMessage } from '../../src/shared/error-message';

export interface Neo4jConnection {
  uri: string;
  user: string;
  password: string;
  database?: string;
  /** Connection attempts at start before giving up; the waits between them double up to 10 s. */
  attempts: number;
  /**
   * How long one store call may wait on Neo4j (acquiring a connection, running, retrying) before it
   * fails as unavailable; default DEFAULT_NEO4J_TIMEOUT_MS.
   */
  timeoutMs?: number;
}

export const DEFAULT_NEO4J_TIMEOUT_MS = 2_000;

/**
 * Driver settings for an API: fail a request within `timeoutMs` when Neo4j is gone (the client
 * gets GRAPH_UNAVAILABLE and can retry) rather than hang for the driver's default 30 s retry
 * window or 60 s wait for a pooled connection. They cover what the driver can see (a refused or
 * slow connect, a pool whose connections are all stuck); a server that accepts and never answers
 * is bounded by the executor (cypher-executor.ts). JS numbers come back as numbers: every
 * integer the store keeps (epoch ms, counts) is < 2^53.
 */
function driverConfig(timeoutMs: number) {
  return {
    disableLosslessIntegers: true,
    // Half: retries of a refused connection give up while the call is still waited for, so the
    // caller learns why (refused, unknown host) rather than only that the bound ran out.
    maxTransactionRetryTime: Math.floor(timeoutMs / 2),
    connectionAcquisitionTimeout: timeoutMs,
    connectionTimeout: timeoutMs,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Connects to Neo4j, retrying with exponential backoff while it is starting (a compose stack
 * starts the API and the database together), and logging each failed attempt.
 */
export async function connectNeo4j(
  c: Neo4jConnection,
  log: (msg: string) => void = () => {},
): Promise<{ driver: Driver; cypher: CypherExecutor }> {
  const timeoutMs = c.timeoutMs ?? DEFAULT_NEO4J_TIMEOUT_MS;
  const driver = neo4j.driver(c.uri, neo4j.auth.basic(c.user, c.password), driverConfig(timeoutMs));
  let wait = 500;
  for (let attempt = 1; ; attempt++) {
    try {
      await driver.verifyConnectivity({ database: c.database });
      return { driver, cypher: new CypherExecutor(driver, c.database, timeoutMs) };
    } catch (err) {
      const reason = errorMessage(err);
      // Wrong credentials or database name will not fix themselves: fail at once.
      if (attempt >= c.attempts || !isUnavailable(err)) {
        await driver.close();
        throw new Error(`Neo4j at ${c.uri} is not reachable after ${attempt} attempts: ${reason}`, { cause: err });
      }
      log(`Neo4j at ${c.uri} not reachable (attempt ${attempt}/${c.attempts}): ${reason}; retrying in ${wait / 1000}s`);
      await sleep(wait);
      wait = Math.min(10_000, wait * 2);
    }
  }
}
