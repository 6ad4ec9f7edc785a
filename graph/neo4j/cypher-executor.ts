import neo4j, { type Driver, type ManagedTransaction, type RecordShape, type Session } from 'neo4j-driver';
import { checkDeadline, raceDeadline } from '../../src/domain/deadline';
import { StoreUnavailableError } from '../errors';

/** What a transaction is told of its bound: Neo4j ends it at that age. */
type TransactionConfig = { timeout: number } | undefined;

/** Driver error codes that mean "the database cannot be reached", as opposed to a bad query. */
const UNAVAILABLE_CODES = new Set(['ServiceUnavailable', 'SessionExpired', 'Neo.TransientError.General.DatabaseUnavailable']);

/** Neo4j ended the transaction at the timeout we gave it: it could not answer in time. */
const SERVER_TIMEOUT_CODES = new Set([
  'Neo.ClientError.Transaction.TransactionTimedOut',
  'Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration',
]);

/**
 * Whether a failure means "Neo4j cannot serve right now": unreachable, a pool that cannot hand
 * out a connection in time, a transaction Neo4j ended at its timeout, or a transient error the
 * driver kept retrying until it gave up.
 */
export function isUnavailable(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: string; message?: string };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || SERVER_TIMEOUT_CODES.has(code))) return true;
  if (typeof message === 'string' && /Connection acquisition timed out/i.test(message)) return true;
  return neo4j.isRetryableError(err as Error);
}

/** Driver failures become store failures the API understands; anything else passes unchanged. */
function translate(err: unknown): unknown {
  return isUnavailable(err) ? new StoreUnavailableError(`Neo4j unavailable: ${(err as Error).message}`, { cause: err }) : err;
}

/**
 * The one way Cypher reaches Neo4j: managed transactions (retried by the driver on transient
 * errors; a single read query runs auto-commit, see `read`) in sessions that are always closed,
 * with unavailability mapped to one error type.
 *
 * Every call is bounded by `timeoutMs` twice: Neo4j ends the transaction at that age, and the
 * caller stops waiting at it (StoreUnavailableError), since a hung server (stopped, or a dead
 * network path) accepts connections and requests but never answers, and no driver timeout fires
 * then. A call stops waiting sooner when the current request's deadline passes, rejecting with
 * its DeadlineExceededError. Long operations (bulk loads, schema changes, whole-history reads)
 * go through `unbounded()`, which waits as long as they take.
 */
export class CypherExecutor {
  constructor(
    private readonly driver: Driver,
    private readonly database?: string,
    /** Null: no bound (long operations). */
    private readonly timeoutMs: number | null = null,
  ) {}

  /** The same connection without the per-call bound, for work that legitimately takes long. */
  unbounded(): CypherExecutor {
    return this.timeoutMs === null ? this : new CypherExecutor(this.driver, this.database, null);
  }

  /** Runs `work` in a read transaction. */
  async readTx<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    return this.inSession('READ', (session, config) => session.executeRead(work, config));
  }

  /** Runs `work` in a write transaction: all of it commits or none does. */
  async writeTx<T>(work: (tx: ManagedTransaction) => Promise<T>): Promise<T> {
    return this.inSession('WRITE', (session, config) => session.executeWrite(work, config));
  }

  /**
   * One read query, its records as plain objects. It runs as an auto-commit transaction: one
   * round trip, where a managed one waits a second time for its COMMIT (0.5 ms of a homepage's
   * viewer read on the same machine). An auto-commit query does not get a managed transaction's
   * retries, so a retryable failure is tried once more at once, within the same bound: it is
   * nearly always a pooled connection that died (Neo4j restarted), and the session takes a new
   * one; waiting longer would only spend the caller's deadline.
   */
  async read<R extends RecordShape>(cypher: string, params: Record<string, unknown> = {}): Promise<R[]> {
    return this.inSession('READ', async (session, config) => {
      const run = async () => (await session.run<R>(cypher, params, config)).records.map((r) => r.toObject());
      return run().catch((err: unknown) => {
        if (!neo4j.isRetryableError(err as Error)) throw err;
        return run();
      });
    });
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
    await this.inSession('WRITE', async (session, config) => void (await session.run(cypher, params, config)));
  }

  private async inSession<T>(mode: 'READ' | 'WRITE', use: (session: Session, config: TransactionConfig) => Promise<T>): Promise<T> {
    checkDeadline();
    let session: Session;
    try {
      session = this.driver.session({
        database: this.database,
        // One bookmark manager for the process: on a cluster, a read sees every write this
        // process committed before it (a profile's next homepage reflects what it just watched).
        bookmarkManager: this.driver.executeQueryBookmarkManager,
        defaultAccessMode: mode === 'READ' ? neo4j.session.READ : neo4j.session.WRITE,
      });
    } catch (err) {
      throw translate(err);
    }
    const config: TransactionConfig = this.timeoutMs === null ? undefined : { timeout: this.timeoutMs };
    // The session is closed once its work ends, even when the caller stopped waiting for it
    // earlier: a hung call holds its connection until Neo4j answers or the connection breaks,
    // then hands it back to the pool, so a resumed or restarted Neo4j finds the pool usable.
    const work = use(session, config).then(
      async (value) => {
        await session.close().catch(() => undefined);
        return value;
      },
      async (err: unknown) => {
        await session.close().catch(() => undefined);
        throw translate(err);
      },
    );
    return raceDeadline(this.bounded(work));
  }

  /** `work`, or StoreUnavailableError once it has taken `timeoutMs`. */
  private bounded<T>(work: Promise<T>): Promise<T> {
    const ms = this.timeoutMs;
    if (ms === null) return work;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreUnavailableError(`Neo4j did not answer: timed out after ${ms} ms`)), ms);
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}

/** LIMIT and SKIP need Cypher integers; plain JS numbers travel as floats. */
export const int = (n: number) => neo4j.int(n);
