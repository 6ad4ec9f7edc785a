import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { quantileSorted } from 'simple-statistics';

export type Arrivals = 'poisson' | 'constant';

/** What the load thread sends: bodies and credentials in rotation, `rate` a second for `durationMs`. */
export interface OpenLoopJob {
  url: string;
  requests: { body: string; authorization: string }[];
  rate: number;
  durationMs: number;
  arrivals: Arrivals;
  /** Sockets at most; a request finding them all busy waits for one, and that wait counts. */
  connections: number;
  seed: number;
}

export interface OpenLoopSamples {
  /** Of the answered requests (HTTP 200), ms from the scheduled send to the end of the response. */
  latencies: number[];
  failed: number;
  sent: number;
  seconds: number;
}

export interface OpenLoopResult {
  rate: number;
  achieved: number;
  failed: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  mean: number;
}

/** Runs one open-loop load in a worker thread and summarises its latencies. */
export async function openLoop(job: OpenLoopJob): Promise<OpenLoopResult> {
  const samples = await new Promise<OpenLoopSamples>((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'open-loop-worker.js'), { workerData: job });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const sorted = [...samples.latencies].sort((a, b) => a - b);
  const q = (p: number) => (sorted.length ? quantileSorted(sorted, p) : Number.NaN);
  return {
    rate: job.rate,
    achieved: samples.latencies.length / samples.seconds,
    failed: samples.failed,
    p50: q(0.5),
    p90: q(0.9),
    p99: q(0.99),
    p999: q(0.999),
    mean: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length),
  };
}
