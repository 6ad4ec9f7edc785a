import { promises as fs } from 'node:fs';
import path from 'node:path';

/** The part of autocannon's programmatic API used here (the package ships no types). */
interface Histogram {
  mean: number;
  p50: number;
  p99: number;
  total: number;
}
interface AutocannonResult {
  latency: Histogram;
  requests: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  workers?: number;
  method: string;
  headers: Record<string, string>;
  requests: { setupRequest: string }[];
}
const autocannon = require('autocannon') as (opts: AutocannonOptions) => Promise<AutocannonResult>;

export interface ClosedLoopResult {
  reqPerSec: number;
  p50: number;
  p99: number;
  mean: number;
  total: number;
  failed: number;
}

/**
 * Writes the module autocannon calls before each request (its per-request hook is a file): it
 * sends `requests` in rotation, each body with its own credentials. Answers the file's path.
 */
export async function writeRotation(dir: string, requests: { body: string; authorization: string }[]): Promise<string> {
  const file = path.join(dir, 'rotate-requests.js');
  await fs.writeFile(
    file,
    `'use strict';\nconst requests = ${JSON.stringify(requests)};\nlet next = 0;\n` +
      'module.exports = (req) => { const r = requests[next++ % requests.length]; req.body = r.body; req.headers = { ...req.headers, authorization: r.authorization }; return req; };\n',
  );
  return file;
}

/** Maximum throughput: `connections` clients sending back to back for `duration` seconds (autocannon, in a worker thread). */
export async function closedLoop(url: string, rotation: string, connections: number, duration: number): Promise<ClosedLoopResult> {
  const r = await autocannon({
    url,
    connections,
    duration,
    workers: 1,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    requests: [{ setupRequest: rotation }],
  });
  return {
    reqPerSec: r.requests.mean,
    p50: r.latency.p50,
    p99: r.latency.p99,
    mean: r.latency.mean,
    total: r.requests.total,
    failed: r.errors + r.timeouts + r.non2xx,
  };
}
