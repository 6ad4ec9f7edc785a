import 'reflect-metadata';
import { Command, Option } from 'commander';
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stageProgress } from '../src/shared/progress';
import { WORLD_SIZES, type WorldSize } from '../src/domain/dataset';
import type { HomepageResult, HomepageService } from '../src/homepage/homepage-service';
import { startApp, type RunningApp } from '../src/server/app';
import { createLogger } from '../src/shared/logger';
import { authorization, benchAuthenticator } from './bench-auth';
import { openBenchWorld, rotation, UNTHROTTLED, type BenchWorld } from './bench-world';
import { printReport, type Measurement } from './report';
import { errorStack } from '../src/shared/error-message';

/** What a frontend asks for: every row and item, with artwork, reasons and the scores behind them. */
const QUERY = `query($id: ID!) { homepage(profileId: $id, context: { device: TV }) {
  requestId modelVersion
  rows { id position kind displayTitle reason score
    items { position reason sources
      title { id name genres }
      artwork { id url theme }
      scores { utility explorationBonus predictions { click finish return } retrieval { source score } } } } } }`;

const CONTEXT = { device: 'TV' as const };
const PROFILES = 200;

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
  duration: number;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  workers?: number;
  overallRate?: number;
  ignoreCoordinatedOmission?: boolean;
  method: string;
  headers: Record<string, string>;
  requests: { setupRequest: string }[];
}
const autocannon = require('autocannon') as (opts: AutocannonOptions) => Promise<AutocannonResult>;

interface Run {
  reqPerSec: number;
  p50: number;
  p99: number;
  mean: number;
  failed: number;
}

/**
 * `npm run bench -- http [--size small|default] [--duration 10] [--rate 200] [--connections 10]`:
 * the homepage over real HTTP (Express + Apollo, the server `npm start` runs), loaded by autocannon
 * in a worker thread, at maximum throughput and at a fixed overall rate. The same runs against a
 * second server whose homepage resolver returns a page built up front (the GraphQL floor: parsing,
 * validation, the title/artwork/score field resolvers and JSON over HTTP, no personalization) show
 * what personalization costs relative to the GraphQL layer itself.
 *
 * autocannon's rate limit is a per-connection budget per second: each connection sends requests
 * back to back from the start of a second until its share is spent, then waits. So the fixed-rate
 * runs see bursts of up to `--connections` concurrent requests, not evenly spaced arrivals; their
 * p50/p99 are latencies under those bursts (fewer connections, smaller bursts).
 */
async function main(): Promise<void> {
  const int = (v: string) => Number.parseInt(v, 10);
  const opts = new Command('bench http')
    .description(
      'the homepage over HTTP under autocannon, at maximum throughput and at a fixed rate, against a GraphQL floor serving precomputed pages',
    )
    .addOption(new Option('--size <size>', 'world size').choices(WORLD_SIZES).default('default'))
    .option('--duration <s>', 'seconds per autocannon run', int, 10)
    .option('--rate <n>', 'overall requests per second in the fixed-rate runs', int, 200)
    .option('--connections <n>', 'concurrent connections', int, 10)
    .parse()
    .opts<{ size: WorldSize; duration: number; rate: number; connections: number }>();
  const progress = stageProgress();
  const apps: RunningApp[] = [];
  let bench: BenchWorld | undefined;
  try {
    bench = await openBenchWorld('http', opts.size, progress.update);
    const { world, services, dir } = bench;
    const ids = rotation(
      world.profiles.map((p) => p.id),
      PROFILES,
    );
    // Each request carries the token of its profile's account, verified by the server as in production.
    const auth = benchAuthenticator();
    const accountOf = new Map(world.profiles.map((p) => [p.id, p.accountId]));
    const headers = await Promise.all(ids.map((id) => authorization(auth, { kind: 'account', accountId: accountOf.get(id)! })));

    // The floor: one page per profile built now, served by the same schema and field resolvers.
    const precomputed = new Map<string, HomepageResult>();
    for (const [i, id] of ids.entries()) {
      precomputed.set(id, await services.homepage.homepage(id, CONTEXT));
      progress.update('precompute', i + 1, ids.length);
    }
    const stored: HomepageService = Object.create(services.homepage);
    stored.homepage = async (id: string) => {
      const page = precomputed.get(id);
      if (!page) throw new Error(`no precomputed page for ${id}`);
      return { ...page, requestId: randomUUID() }; // what a cache hit returns
    };
    const logger = createLogger('silent');
    const personalized = await startApp({ services, auth, logger, settings: UNTHROTTLED });
    apps.push(personalized);
    const floor = await startApp({ services: { ...services, homepage: stored }, auth, logger, settings: UNTHROTTLED });
    apps.push(floor);

    // autocannon runs in a worker thread (its own event loop, not the server's); its per-request
    // hook is a module file, so the rotated bodies go into one in the temp dir.
    const setupRequest = path.join(dir, 'rotate-profiles.js');
    const requests = ids.map((id, i) => ({
      body: JSON.stringify({ query: QUERY, variables: { id } }),
      authorization: headers[i].authorization,
    }));
    await fs.writeFile(
      setupRequest,
      `'use strict';\nconst requests = ${JSON.stringify(requests)};\nlet next = 0;\n` +
        'module.exports = (req) => { const r = requests[next++ % requests.length]; req.body = r.body; req.headers = { ...req.headers, authorization: r.authorization }; return req; };\n',
    );

    const shape = {
      personalized: await check(personalized, ids, headers, progress.update, 'check pers.'),
      floor: await check(floor, ids, headers, progress.update, 'check floor'),
    };
    const load = async (label: string, app: RunningApp, rate?: number): Promise<Run> => {
      const started = performance.now();
      const timer = setInterval(
        () => progress.update(label, Math.min(opts.duration, Math.round((performance.now() - started) / 1000)), opts.duration),
        1000,
      );
      try {
        const r = await autocannon({
          url: `${app.url}graphql`,
          connections: opts.connections,
          duration: opts.duration,
          workers: 1,
          // autocannon's coordinated-omission correction passes ceil(1 / per-connection rate) = 1 ms as
          // the expected interval, which back-fills every latency v with v-1, v-2, … 1 ms; off.
          ...(rate ? { overallRate: rate, ignoreCoordinatedOmission: true } : {}),
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          requests: [{ setupRequest }],
        });
        progress.update(label, opts.duration, opts.duration);
        return {
          reqPerSec: r.requests.mean,
          p50: r.latency.p50,
          p99: r.latency.p99,
          mean: r.latency.mean,
          failed: r.errors + r.timeouts + r.non2xx,
        };
      } finally {
        clearInterval(timer);
      }
    };
    const runs = {
      personalizedMax: await load('pers. max', personalized),
      personalizedRate: await load('pers. rate', personalized, opts.rate),
      floorMax: await load('floor max', floor),
      floorRate: await load('floor rate', floor, opts.rate),
    };
    progress.stop();
    for (const [name, run] of Object.entries(runs)) {
      if (run.failed > 0) process.stderr.write(`warning: ${name}: ${run.failed} requests failed (errors, timeouts or non-2xx)\n`);
    }
    for (const [name, run] of [
      ['personalized', runs.personalizedRate],
      ['floor', runs.floorRate],
    ] as const) {
      if (run.reqPerSec < 0.9 * opts.rate)
        process.stderr.write(
          `warning: ${name} reached ${run.reqPerSec.toFixed(0)} of ${opts.rate} req/s; its fixed-rate latencies are saturated\n`,
        );
    }
    const rows = (label: string, max: Run, fixed: Run): Measurement[] => [
      { name: `${label}: max throughput, ${opts.connections} connections`, unit: 'req/s', value: max.reqPerSec },
      { name: `${label}: latency at max throughput`, unit: 'ms', p50: max.p50, p99: max.p99, mean: max.mean },
      { name: `${label}: achieved rate at ${opts.rate} req/s`, unit: 'req/s', value: fixed.reqPerSec },
      { name: `${label}: latency at ${opts.rate} req/s`, unit: 'ms', p50: fixed.p50, p99: fixed.p99, mean: fixed.mean },
      { name: `${label}: failed requests (all runs)`, unit: 'count', value: max.failed + fixed.failed },
    ];
    printReport(
      'http',
      {
        size: opts.size,
        duration: opts.duration,
        rate: opts.rate,
        connections: opts.connections,
        profiles: ids.length,
        cpus: os.cpus().length,
      },
      [
        { name: 'rows per response', unit: 'rows', value: shape.personalized.rows },
        { name: 'items per response', unit: 'items', value: shape.personalized.items },
        { name: 'response size', unit: 'KB', value: shape.personalized.kb },
        { name: 'floor (precomputed page): response size', unit: 'KB', value: shape.floor.kb },
        ...rows('personalized', runs.personalizedMax, runs.personalizedRate),
        ...rows('floor (precomputed page)', runs.floorMax, runs.floorRate),
        { name: 'personalized / floor: max req/s', unit: 'ratio', value: runs.personalizedMax.reqPerSec / runs.floorMax.reqPerSec },
        { name: `personalized / floor: p50 at ${opts.rate} req/s`, unit: 'ratio', value: runs.personalizedRate.p50 / runs.floorRate.p50 },
      ],
    );
  } finally {
    progress.stop();
    for (const app of apps) await app.close();
    await bench?.close();
  }
}

/** One request per profile (also a warm-up): no GraphQL errors, and the mean page shape. */
async function check(
  app: RunningApp,
  ids: string[],
  headers: { authorization: string }[],
  update: (stage: string, done: number, total: number) => void,
  stage: string,
) {
  let rows = 0;
  let items = 0;
  let bytes = 0;
  for (const [i, id] of ids.entries()) {
    const res = await fetch(`${app.url}graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers[i] },
      body: JSON.stringify({ query: QUERY, variables: { id } }),
    });
    const text = await res.text();
    const body = JSON.parse(text) as { errors?: unknown[]; data?: { homepage?: { rows: { items: unknown[] }[] } } };
    if (!res.ok || body.errors || !body.data?.homepage)
      throw new Error(`homepage for ${id} failed (HTTP ${res.status}): ${text.slice(0, 500)}`);
    rows += body.data.homepage.rows.length;
    items += body.data.homepage.rows.reduce((n, r) => n + r.items.length, 0);
    bytes += Buffer.byteLength(text);
    update(stage, i + 1, ids.length);
  }
  return { rows: rows / ids.length, items: items / ids.length, kb: bytes / ids.length / 1024 };
}

main().catch((err) => {
  process.stderr.write(`${errorStack(err)}\n`);
  process.exit(1);
});
