import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../shared/logger';

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
}

/** The role of the first process the primary forks: it loads the data and trains, then exits. */
const PREPARE = 'prepare';

/**
 * The primary of `WORKERS=N`: first forks one process that loads the data and trains the first
 * bundle when the store lacks them (main.ts `prepare`), then one worker per core behind one port
 * (Node's cluster module hands connections round robin). It restarts a worker that dies (backing
 * off when one keeps dying), and on SIGTERM or SIGINT passes the signal on and exits once every
 * worker has stopped (each answers its requests in flight first). Every worker shares online
 * state through Redis and the store through Neo4j (config requires both), so which worker
 * answers does not matter. The primary itself holds no data.
 */
export function runPrimary(o: PrimaryOptions): void {
  let stopping = false;
  let announced = false;
  const ready = new Set<number>();
  const restarts = new Map<number, number>();
  const fork = (slot: number) => {
    const started = Date.now();
    const worker: Worker = cluster.fork({ WORKER_SLOT: String(slot) });
    worker.on('message', (message: ReadyMessage) => {
      if (message?.kind !== 'ready') return;
      ready.add(slot);
      if (!announced && ready.size === o.workers) {
        announced = true;
        o.onReady(message.url);
      }
    });
    worker.on('exit', (code, signal) => {
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
    o.logger.info({ workers: o.workers }, 'starting the workers');
    for (let slot = 0; slot < o.workers; slot++) fork(slot);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    o.logger.info({ signal, workers: Object.keys(cluster.workers ?? {}).length }, 'stopping the workers');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
    const exitWhenDone = () => {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
    };
    cluster.on('exit', exitWhenDone);
    exitWhenDone();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

/** In a worker: tells the primary this worker serves at `url`. */
export function reportReady(url: string): void {
  process.send?.({ kind: 'ready', url } satisfies ReadyMessage);
}

export const isWorker = (): boolean => cluster.isWorker;

/** Whether this process is the one that prepares data and model before the workers start. */
export const isPreparing = (): boolean => cluster.isWorker && process.env.WORKER_ROLE === PREPARE;
