import neo4j, { type Driver, type ManagedTransaction, type RecordShape } from 'neo4j-driver';
import { StoreUnavailableError } from '../errors';

/** Driver error codes that mean "the database cannot be reached", as opposed to a bad query. */
const UNAVAILABLE_CODES = new Set(['ServiceUnavailable', 'SessionExpired', 'Neo.TransientError.General.DatabaseUnavailable']);

/**
 * Whether a failure means "Neo4j cannot serve right now": unreachable, a pool that cannot hand
 * out a connection in time, or a transient error the driver kept retrying until it gave up.
 */
export function isUnavailable(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: string; message?: string };
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  if (typeof message === 'string' && /Connection acquisition timed out/i.test(message)) return true;
  return neo4j.isRetryableError(err as Error);
}

/** Driver failures become store failures the API understands; anything else passes unchanged. */
function translate(err: unknown): unknown {
  return isUnavailable(err) ? new StoreUnavailableError(`Neo4j unavailable: ${(err as Error).message}`, { cause: err }) : err;
}

/**
 * The one way Cypher reaches Neo4j: managed transactions (retried by the driver on transient
 * errors) in sessions that are always closed, with unavailability mapped to one error type.
 */
export class CypherExecutor {
  constructor(
    private readonly driver: Driver,
    private readonly database?: string,
  ) {}

  /** Runs `work` in a read transaction. */
  async readTx<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    return this.inSession('READ', (session) => session.executeRead(work));
  }

  /** Runs `work` in a write transaction: all of it commits or none does. */
  async writeTx<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    return this.inSession('WRITE', (session) => session.executeWrite(work));
  }

  /** One read query, its records as plain objects. */
  async read<R extends RecordShape>(cypher: string, params: Record<string, unknown> = {}): Promise<R[]> {
    return this.readTx(async (tx) => (await tx.run<R>(cypher, params)).records.map((r) => r.toObject()));
  }

  /** One write query in its own transaction. */
  async write<R extends RecordShape>(cypher: string, params: Record<string, unknown> = {}): Promise<R[]> {
    return this.writeTx(async (tx) => (await tx.run<R>(cypher, params)).records.map((r) => r.toObject()));
  }

  /**
   * An auto-commit query, for what cannot run in a managed transaction: schema changes and
   * `CALL { … } IN TRANSACTIONS` batch deletes.
   */
  async autoCommit(cypher: string, params: Record<string, unknown> = {}): Promise<void> {
    await this.inSession('WRITE', async (session) => void (await session.run(cypher, params)));
  }

  private async inSession<T>(mode: 'READ' | 'WRITE', use: (session: ReturnType<Driver['session']>) => Promise<T>): Promise<T> {
    let session;
    try {
      session = this.driver.session({
        database: this.database,
        // One bookmark manager for the process: on a cluster, a read sees every write this
        // process committed before it (a profile's next homepage reflects what it just watched).
        bookmarkManager: this.driver.executeQueryBookmarkManager,
        defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
      });
      return await use(session);
    } catch (err) {
      throw translate(err);
    } finally {
      await session?.close().catch(() => undefined);
    }
  }
}

/** LIMIT and SKIP need Cypher integers; plain JS numbers travel as floats. */
export const int = (n: number) => neo4j.int(n);
