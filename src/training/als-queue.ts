import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { trainAls, type AlsFactors, type AlsOptions, type InteractionMatrix } from '../retrieval/als';

export interface AlsRequest {
  id: number;
  matrix: InteractionMatrix;
  options: AlsOptions;
}

export type AlsReply =
  { id: number; done: number; total: number } | { id: number; factors: AlsFactors; seconds: number } | { id: number; error: string };

export interface TrainedAls {
  factors: AlsFactors;
  /** Time the training itself took, wherever it ran. */
  seconds: number;
}

/** One queued ALS training. */
export interface AlsJob {
  /** Its factors; while the caller waits, the training's iterations are reported to `onProgress`. */
  result(onProgress?: (done: number, total: number) => void): Promise<TrainedAls>;
}

/** The compiled worker script; absent when the sources run under ts-jest. */
const THREAD_SCRIPT = path.join(__dirname, 'als-thread.js');

/**
 * ALS trainings queued ahead of their use and run one after another on a worker thread, so that
 * the second core trains the next ALS while the main thread replays history with the previous
 * one (a training job needs five: one per ranker replay and the served one). The factors are
 * those trainAls computes on the main thread: same code, same arithmetic. Without the compiled
 * worker script (tests under ts-jest) each job trains on the main thread when first awaited.
 */
export class AlsQueue {
  private readonly jobs = new Map<number, Pending>();
  private next = 0;

  private constructor(private readonly worker: Worker | null) {
    worker?.on('message', (reply: AlsReply) => this.receive(reply));
    worker?.on('error', (err) => this.failAll(err));
    worker?.on('exit', (code) => this.failAll(new Error(`the ALS worker thread exited (code ${code})`)));
    // An idle worker must not keep the process alive; jobs in flight hold it (see submit).
    worker?.unref();
  }

  /** `script`: the compiled worker (tests under ts-jest name the one in dist/). */
  static open(script = THREAD_SCRIPT): AlsQueue {
    return new AlsQueue(existsSync(script) ? new Worker(script) : null);
  }

  submit(matrix: InteractionMatrix, options: AlsOptions): AlsJob {
    if (!this.worker) return onThisThread(matrix, options);
    const id = this.next++;
    const job = new Pending();
    this.jobs.set(id, job);
    this.worker.ref();
    this.worker.postMessage({ id, matrix, options } satisfies AlsRequest);
    return job;
  }

  async close(): Promise<void> {
    this.jobs.clear();
    await this.worker?.terminate();
  }

  private receive(reply: AlsReply): void {
    const job = this.jobs.get(reply.id);
    if (!job) return;
    if ('done' in reply) return job.progress(reply.done, reply.total);
    this.jobs.delete(reply.id);
    if (this.jobs.size === 0) this.worker?.unref();
    if ('error' in reply) job.reject(new Error(reply.error));
    else job.resolve({ factors: reply.factors, seconds: reply.seconds });
  }

  private failAll(err: Error): void {
    for (const job of this.jobs.values()) job.reject(err);
    this.jobs.clear();
  }
}

/** A job on the worker: its progress is passed on only while someone waits for it. */
class Pending implements AlsJob {
  private readonly done: Promise<TrainedAls>;
  resolve!: (trained: TrainedAls) => void;
  reject!: (err: Error) => void;
  private listener?: (done: number, total: number) => void;
  private last?: [number, number];

  constructor() {
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A job nobody awaits yet must not count as an unhandled rejection; result() rethrows.
    this.done.catch(() => undefined);
  }

  progress(done: number, total: number): void {
    this.last = [done, total];
    this.listener?.(done, total);
  }

  async result(onProgress?: (done: number, total: number) => void): Promise<TrainedAls> {
    this.listener = onProgress;
    if (this.last) onProgress?.(...this.last);
    try {
      return await this.done;
    } finally {
      this.listener = undefined;
    }
  }
}

function onThisThread(matrix: InteractionMatrix, options: AlsOptions): AlsJob {
  let trained: TrainedAls | undefined;
  return {
    async result(onProgress) {
      if (!trained) {
        const started = performance.now();
        const factors = trainAls(matrix, options, onProgress);
        trained = { factors, seconds: (performance.now() - started) / 1000 };
      }
      return trained;
    },
  };
}
