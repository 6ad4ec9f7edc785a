import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { Rng } from '../src/shared/random';
import type { OpenLoopJob, OpenLoopSamples } from './open-loop';

/**
 * Sends the job's requests on a schedule fixed before the run (Poisson or evenly spaced
 * arrivals), whatever the responses do, and times each from its scheduled send: a server that
 * falls behind is charged for every request that waited, not only for those it answered
 * (no coordinated omission). Runs in its own thread so that its timers do not wait on the
 * server's event loop.
 */
async function run(job: OpenLoopJob): Promise<OpenLoopSamples> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
  const url = new URL(job.url);
  const rng = new Rng(job.seed);
  const latencies: number[] = [];
  let failed = 0;
  let sent = 0;
  const start = performance.now() + 50;
  const end = start + job.durationMs;
  let next = start;
  const inFlight = new Set<Promise<void>>();
  const send = (scheduled: number) => {
    const request = job.requests[sent++ % job.requests.length];
    const done = new Promise<void>((resolve) => {
      const req = http.request(
        url,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: request.authorization } },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => {
            if (res.statusCode === 200) latencies.push(performance.now() - scheduled);
            else failed++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(request.body);
    });
    inFlight.add(done);
    void done.then(() => inFlight.delete(done));
  };
  while (next < end) {
    const now = performance.now();
    while (next <= now && next < end) {
      send(next);
      const gap = 1000 / job.rate;
      next += job.arrivals === 'poisson' ? -Math.log(1 - rng.float()) * gap : gap;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, next - performance.now())));
  }
  await Promise.all(inFlight);
  agent.destroy();
  return { latencies, failed, sent, seconds: (performance.now() - start) / 1000 };
}

void run(workerData as OpenLoopJob).then((samples) => parentPort!.postMessage(samples));
