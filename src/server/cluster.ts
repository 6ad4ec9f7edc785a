import cluster, { type Worker } from 'node:cluster';
import { RateLimiterClusterMaster } from 'rate-limiter-flexible';
import type { EmbeddedStore } from '../../graph/embedded/embedded-store';
import { serveFollower } from '../../graph/embedded/owner-channel';
import { errorStack } from '../shared/error-message';
import { serveClusterMetrics } from './cluster-metrics';
import type { Logger } from '../shared/logger';
import type { Port } from '../shared/port';

/** What a worker tells the primary once it serves. */
interface ReadyMessage {
  kind: 'ready';
  url: string;
}

/** A worker that dies this soon after its start is not restarted again at once (a crash loop). */
const RESTART_BACKOFF_MS = [1_000, 2_000, 5_000, 10_000];
const STABLE_AFTER_MS = 60_000;

export interface PrimaryOptions {
  workers: number;
  logger: Logger;
  /** Prints the ready line once every worker serves. */
  onReady: (url: string) => void;
  /**
   * On the embedded store: opens it once the data is prepared. The primary then owns it: each
   * worker holds a copy that follows it, and has the primary run its writes (FollowerStore).
   */
  ownStore?: () => Promise<EmbeddedStore>;
}

/** The role of the first process the primary forks: it loads the data and trains, then exits. */
const PREPARE = 'prepare';

/**
 * The primary of `WORKERS=N`: first forks one process that loads the data and trains the first
 * bundle when the store lacks them (main.ts `prepare`), then one worker per core behind one port
 * (Node's cluster module hands connections round robin). It restarts a worker that dies (backing
 * off when one keeps dying), and on SIGTERM or SIGINT passes the signal on and exits once every
 * worker has stopped (each answers its requests in flight first). Which worker answers does not
 * matter:
 * - on Neo4j, every worker shares the store through Neo4j and online state through Redis (config
 *   requires both), and the primary holds no data;
 * - on the embedded store, the primary owns the store and the journal: each worker reads a copy
 *   that applies every record the journal makes durable, and has the primary run its writes. The
 *   primary passes each worker's changes of online state on to the others (ClusterRelay) and
 *   counts quotas for all of them (rate-limiter-flexible's cluster limiter).
 * Either way the primary collects every worker's metrics for the worker a scrape reaches (serveClusterMetrics).
 */
export function runPrimary(o: PrimaryOptions): void {
  let store: EmbeddedStore | undefined;
  let share: ((worker: Worker) => () => void) | undefined;
  let stopping = false;
  let announced = false;
  const answerMetrics = serveClusterMetrics();
  const ready = new Set<number>();
  const restarts = new Map<number, number>();
  const fork = (slot: number) => {
    const started = Date.now();
    const worker: Worker = cluster.fork({ WORKER_SLOT: String(slot) });
    const stopSharing = share?.(worker);
    answerMetrics(worker);
    worker.on('message', (message: ReadyMessage) => {
      if (message?.kind !== 'ready') return;
      ready.add(slot);
      if (!announced && ready.size === o.workers) {
        announced = true;
        o.onReady(message.url);
      }
    });
    worker.on('exit', (code, signal) => {
      stopSharing?.();
      ready.delete(slot);
      if (stopping) return;
      const crashes = Date.now() - started < STABLE_AFTER_MS ? (restarts.get(slot) ?? 0) + 1 : 0;
      restarts.set(slot, crashes);
      const delay = crashes === 0 ? 0 : RESTART_BACKOFF_MS[Math.min(crashes, RESTART_BACKOFF_MS.length) - 1];
      o.logger.error({ slot, code, signal, restartInMs: delay }, 'worker stopped; starting another');
      setTimeout(() => !stopping && fork(slot), delay).unref();
    });
  };
  cluster.fork({ WORKER_ROLE: PREPARE }).on('exit', (code, signal) => {
    if (stopping) return;
    if (code !== 0) {
      o.logger.error({ code, signal }, 'preparing the data and the model bundle failed; not starting the workers');
      process.exit(1);
    }
    void startWorkers();
  });
  const startWorkers = async () => {
    try {
      if (o.ownStore) {
        store = await o.ownStore();
        share = shareWithWorkers(store, o.logger);
      }
    } catch (err) {
      o.logger.error({ err: errorStack(err) }, 'opening the store failed; not starting the workers');
      process.exit(1);
    }
    o.logger.info({ workers: o.workers }, 'starting the workers');
    for (let slot = 0; slot < o.workers; slot++) fork(slot);
  };
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    o.logger.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, 'stopping the workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    // The workers' last writes (what their services flush on the way out) reach the store before it closes.
    let closing = false;
    const exitWhenDone = () => {
      if (closing || Object.keys(cluster.workers ?? {}).length > 0) return;
      closing = true;
      (store?.close() ?? Promise.resolve()).then(
        () => process.exit(0),
        (err: unknown) => {
          o.logger.error({ err: errorStack(err) }, 'closing the store failed');
          process.exit(1);
        },
      );
    };
    // A worker leaves cluster.workers on the later of its exit and its disconnect, whichever order they come in.
    cluster.on('exit', exitWhenDone);
    cluster.on('disconnect', exitWhenDone);
    exitWhenDone();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/**
 * What a primary that owns the embedded store does for its workers: serves each the store
 * (serveFollower), passes each one's changes of online state on to the others, and counts
 * quotas for all (RateLimiterClusterMaster). Call once, before forking: it also makes the
 * cluster's messages structured clones (`serialization: 'advanced'`), so that a write's arguments
 * and result reach the other side as they were (undefined fields included). The function it
 * returns takes each forked worker in, and what that returns lets it go (the worker exited).
 */
export function shareWithWorkers(store: EmbeddedStore, logger: Logger): (worker: Worker) => () => void {
  cluster.setupPrimary({ serialization: 'advanced' });
  new RateLimiterClusterMaster();
  return (worker) => {
    const lost = (err: unknown) => {
      // It missed a batch of the journal or a reply: a new worker starts from the journal again.
      logger.error({ pid: worker.process.pid, err: errorStack(err) }, 'a worker could not be sent what the store wrote; restarting it');
      worker.process.kill('SIGKILL');
    };
    // A send that fails asynchronously (the worker is dying) is an 'error' event: unheard, it would end the primary.
    worker.on('error', (err) => logger.warn({ pid: worker.process.pid, err: errorStack(err) }, 'a message to a worker was not delivered'));
    const stopServing = serveFollower(store, portOf(worker, lost), lost);
    const relay = (message: { kind?: string }) => message?.kind === 'change' && passOn(worker, message);
    worker.on('message', relay);
    return () => {
      stopServing();
      worker.off('message', relay);
    };
  };
}

/** Passes a worker's change of online state on to every other worker (ClusterRelay). */
function passOn(from: Worker, message: unknown): void {
  for (const worker of Object.values(cluster.workers ?? {}))
    if (worker && worker !== from && worker.isConnected()) worker.send(message as object);
}

/** A worker's IPC channel, as the primary sees it; `undelivered` hears a message that did not reach a live worker. */
function portOf(worker: Worker, undelivered: (err: Error) => void): Port {
  return {
    post: (message) => {
      if (worker.isConnected()) worker.send(message as object, (err) => err && worker.isConnected() && undelivered(err));
    },
    listen: (handler) => {
      worker.on('message', handler);
      return () => worker.off('message', handler);
    },
  };
}

/** In a worker: its IPC channel to the primary. */
export function primaryPort(): Port {
  return {
    post: (message) => process.send?.(message),
    listen: (handler) => {
      process.on('message', handler);
      return () => process.off('message', handler);
    },
  };
}

/** In a worker: tells the primary this worker serves at `url`. */
export function reportReady(url: string): void {
  process.send?.({ kind: 'ready', url } satisfies ReadyMessage);
}

export const isWorker = (): boolean => cluster.isWorker;

/** Whether this process is the one that prepares data and model before the workers start. */
export const isPreparing = (): boolean => cluster.isWorker && process.env.WORKER_ROLE === PREPARE;
