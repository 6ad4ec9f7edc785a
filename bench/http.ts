import 'reflect-metadata';
import { Command, Option } from 'commander';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { stageProgress } from '../src/shared/progress';
import { WORLD_SIZES, type WorldSize } from '../src/domain/dataset';
import { writeBundle } from '../src/models/model-bundle';
import { authorization, benchAuthenticator, benchSecret } from './bench-auth';
import { openBenchWorld, rotation, type BenchWorld } from './bench-world';
import { UNTHROTTLED } from './server-settings';
import { printReport, type Measurement } from './report';
import { openLoop, type Arrivals, type OpenLoopResult } from './open-loop';
import { closedLoop, writeRotation, type ClosedLoopResult } from './closed-loop';
import { errorStack } from '../src/shared/error-message';
import { checkNeo4jTwin, openNeo4jTwin } from './neo4j-twin';
import { collectGarbage } from './collect-garbage';
import { startBenchServer, type BenchServer } from './bench-server';
import type { HttpServerJob } from './http-server';

/** What a frontend asks for: every row and item, with artwork, reasons and the scores behind them. */
const QUERY = `query($id: ID!) { homepage(profileId: $id, context: { device: TV }) {
  requestId modelVersion
  rows { id position kind displayTitle reason score
    items { position reason sources
      title { id name genres }
      artwork { id url theme }
      scores { utility explorationBonus predictions { click finish return } retrieval { source score } } } } } }`;

/** The README's example for frontend teams: what a page needs to render, without the scores behind it. */
const README_QUERY = `query($id: ID!) { homepage(profileId: $id, context: { device: TV }) {
  requestId
  rows { id kind displayTitle reason
    items { title { id name kind runtimeMinutes maturityRating } artwork { url theme } reason sources scores { utility } } } } }`;

const CONTEXT = { device: 'TV' as const };
const PROFILES = 200;
/** Load before each maximum-throughput run, not measured. */
/** Sockets the open-loop client may open: enough that a request waits on the server, not on the client. */
const OPEN_LOOP_SOCKETS = 256;

interface MaxRun extends ClosedLoopResult {
  /** CPU milliseconds the server process used per answered request (every thread: GC and inference too). */
  cpuPerRequestMs: number;
}

/**
 * `npm run bench -- http [--size small|default] [--duration 10] [--warmup 30] [--connections 10] [--loads 0.25,0.5,0.75] [--arrivals poisson|constant] [--workers 2] [--neo4j]`:
 * the homepage over real HTTP (Express + Apollo, the server `npm start` runs). Each server is
 * first loaded closed-loop by autocannon (`--connections` clients sending back to back) for its
 * maximum throughput, timed after `--warmup` seconds of the same load: a fresh process spends the
 * first half minute or so optimising the page's code on V8's background threads, about a
 * millisecond of CPU a page in the first ten seconds (docs/PERFORMANCE.md, "Eighth round"); then open-loop at each share of that maximum in `--loads`: arrivals on a
 * schedule fixed in advance (Poisson by default), each request timed from its scheduled send, so
 * a server that falls behind is charged for the queue it builds (bench/open-loop.ts). The same
 * runs against a second server whose homepage resolver returns a page built up front (the
 * GraphQL floor: parsing, validation, the field resolvers and JSON over HTTP, no
 * personalization) show what personalization costs relative to the GraphQL layer itself.
 *
 * Each server runs in a process of its own, as `npm start` serves after a restart: the store and
 * the model bundle read back from disk (bench/http-server.ts), one server at a time. The load runs
 * in this process's worker threads. A server's CPU per request is its process's CPU (/proc: every
 * thread, so garbage collection and inference count) per answer. Each personalized server is
 * also asked one request at a time (latency with no queue). With `--workers N` (2 by default) the
 * personalized server runs again as `WORKERS=N` does: a primary that owns the store and N
 * workers that follow it behind one port (src/server/cluster.ts). With `--neo4j` a further server builds
 * the same pages on STORE=neo4j (bench/neo4j-twin.ts), and the two stores' one-at-a-time
 * latencies are compared.
 */
async function main(): Promise<void> {
  const int = (v: string) => Number.parseInt(v, 10);
  const shares = (v: string) => v.split(',').map(Number);
  const opts = new Command('bench http')
    .description(
      'the homepage over HTTP: maximum throughput (autocannon, closed loop), then open-loop latency at shares of it, against a GraphQL floor serving precomputed pages',
    )
    .addOption(new Option('--size <size>', 'world size').choices(WORLD_SIZES).default('default'))
    .option('--duration <s>', 'seconds per run', int, 10)
    .option(
      '--warmup <s>',
      "seconds of unmeasured closed-loop load before each server's maximum-throughput run: V8 is still optimising the page's code for the first 30 s or so",
      int,
      30,
    )
    .option('--connections <n>', 'concurrent connections of the maximum-throughput runs', int, 10)
    .option('--loads <shares>', "open-loop rates as shares of each server's measured maximum", shares, [0.25, 0.5, 0.75])
    .addOption(new Option('--arrivals <kind>', 'open-loop arrival schedule').choices(['poisson', 'constant']).default('poisson'))
    .option('--workers <n>', 'also serve the personalized page from this many processes behind one port (WORKERS); 1: not', int, 2)
    .option(
      '--neo4j',
      'also serve the personalized page on STORE=neo4j (the project launcher, on this machine) with the same bundle',
      false,
    )
    .parse()
    .opts<{
      size: WorldSize;
      duration: number;
      warmup: number;
      connections: number;
      loads: number[];
      arrivals: Arrivals;
      neo4j: boolean;
      workers: number;
    }>();
  if (!(opts.workers >= 1 && opts.workers <= 64)) throw new Error('--workers: a number from 1 to 64');
  if (!(opts.warmup >= 1 && opts.warmup <= 600)) throw new Error('--warmup: seconds from 1 to 600');
  if (opts.loads.some((l) => !(l > 0 && l <= 2))) throw new Error('--loads: shares between 0 and 2, e.g. 0.25,0.5,0.75');
  if (opts.neo4j) checkNeo4jTwin();
  const progress = stageProgress();
  const servers: BenchServer[] = [];
  let bench: BenchWorld | undefined;
  try {
    bench = await openBenchWorld('http', opts.size, progress.update);
    const { world, bundle, dir } = bench;
    const ids = rotation(
      world.profiles.map((p) => p.id),
      PROFILES,
    );
    // Each request carries the token of its profile's account, verified by the server as in production.
    const secret = benchSecret();
    const auth = benchAuthenticator(secret);
    const accountOf = new Map(world.profiles.map((p) => [p.id, p.accountId]));
    const headers = await Promise.all(ids.map((id) => authorization(auth, { kind: 'account', accountId: accountOf.get(id)! })));
    // The servers read the store and the bundle from disk, as a restarted `npm start` does.
    const bundleDir = await writeBundle(path.join(dir, 'models'), bundle);
    await bench.release();
    const serve = async (label: string, job: Omit<HttpServerJob, 'bundleDir' | 'secret'>) => {
      progress.update(label, 0, 1);
      const server = await startBenchServer({ ...job, bundleDir, secret });
      servers.push(server);
      progress.update(label, 1, 1);
      return server;
    };
    const stop = async (server: BenchServer) => {
      const at = servers.indexOf(server);
      if (at < 0) return;
      servers.splice(at, 1);
      await server.close();
    };

    const requests = ids.map((id, i) => ({
      body: JSON.stringify({ query: QUERY, variables: { id } }),
      authorization: headers[i].authorization,
    }));
    const rotating = await writeRotation(dir, requests);

    const ticking = async <T>(label: string, run: () => Promise<T>, seconds = opts.duration): Promise<T> => {
      collectGarbage();
      const started = performance.now();
      const timer = setInterval(
        () => progress.update(label, Math.min(seconds, Math.round((performance.now() - started) / 1000)), seconds),
        1000,
      );
      try {
        return await run();
      } finally {
        clearInterval(timer);
        progress.update(label, seconds, seconds);
      }
    };
    const maxRun = (label: string, server: BenchServer): Promise<MaxRun> =>
      ticking(
        label,
        async () => {
          // Untimed, until the JIT has settled (see --warmup); every worker of a cluster warms too.
          await closedLoop(`${server.url}graphql`, rotating, opts.connections, opts.warmup);
          const before = await server.cpuSeconds();
          const r = await closedLoop(`${server.url}graphql`, rotating, opts.connections, opts.duration);
          const used = (await server.cpuSeconds()) - before;
          return { ...r, cpuPerRequestMs: (1000 * used) / Math.max(1, r.total) };
        },
        opts.warmup + opts.duration,
      );
    const openRuns = async (label: string, server: BenchServer, max: number) => {
      const runs: OpenLoopResult[] = [];
      for (const share of opts.loads) {
        const rate = Math.max(1, Math.round(share * max));
        runs.push(
          await ticking(`${label} ${Math.round(share * 100)}%`, () =>
            openLoop({
              url: `${server.url}graphql`,
              requests,
              rate,
              durationMs: opts.duration * 1000,
              arrivals: opts.arrivals,
              connections: OPEN_LOOP_SOCKETS,
              seed: 7,
            }),
          ),
        );
      }
      return runs;
    };
    // One request at a time: a page's latency with nothing queued before it, the figure the stores are compared by.
    const oneAtATime = (label: string, server: BenchServer) =>
      ticking(label, () => closedLoop(`${server.url}graphql`, rotating, 1, opts.duration));
    // The same pages from Neo4j: its own database, loaded with the same world, stopped before the floor's runs.
    const neo4jRuns = async () => {
      const twin = await openNeo4jTwin(world, dir, progress.update);
      try {
        const server = await serve('start neo4j', { store: { kind: 'neo4j', uri: twin.uri } });
        // Stopped before its database, whatever failed.
        try {
          await check(server, QUERY, ids, headers, progress.update, 'check neo4j');
          // In the embedded server's order (loaded first, then one at a time), so that both are timed
          // alone with their JIT warm; Neo4j, just bulk-loaded, was otherwise timed cold.
          const max = await maxRun('neo4j max', server);
          return { alone: await oneAtATime('neo4j 1 at a time', server), max };
        } finally {
          await stop(server);
        }
      } finally {
        await twin.close();
      }
    };
    const personalized = await serve('start pers.', { store: { kind: 'embedded', dir } });
    const personalizedShape = await check(personalized, QUERY, ids, headers, progress.update, 'check pers.');
    const personalizedMax = await maxRun('pers. max', personalized);
    const personalizedOpen = await openRuns('pers.', personalized, personalizedMax.reqPerSec);
    const personalizedAlone = await oneAtATime('pers. 1 at a time', personalized);
    await stop(personalized);
    // The same server as `WORKERS=N` runs it: a primary that owns the store, N workers that follow it behind one port.
    const clusterRuns = async () => {
      const label = `${opts.workers}w`;
      const server = await serve(`start ${label}`, { store: { kind: 'embedded', dir }, workers: opts.workers });
      try {
        await check(server, QUERY, ids, headers, progress.update, `check ${label}`);
        const max = await maxRun(`${label} max`, server);
        return { max, open: await openRuns(label, server, max.reqPerSec), alone: await oneAtATime(`${label} 1 at a time`, server) };
      } finally {
        await stop(server);
      }
    };
    const workers = opts.workers > 1 ? await clusterRuns() : undefined;
    const onNeo4j = opts.neo4j ? await neo4jRuns() : undefined;
    const floor = await serve('start floor', { store: { kind: 'embedded', dir }, floor: { profileIds: ids, context: CONTEXT } });
    const shape = {
      personalized: personalizedShape,
      floor: await check(floor, QUERY, ids, headers, progress.update, 'check floor'),
      // The same stored pages, asked for as the README's example asks.
      readme: await check(floor, README_QUERY, ids, headers, progress.update, 'check README'),
    };
    const floorMax = await maxRun('floor max', floor);
    const floorOpen = await openRuns('floor', floor, floorMax.reqPerSec);
    await stop(floor);
    progress.stop();

    const failed = (max: MaxRun, open: OpenLoopResult[]) => max.failed + open.reduce((n, r) => n + r.failed, 0);
    for (const [name, max, open] of [
      ['personalized', personalizedMax, personalizedOpen],
      ...(workers ? [[`personalized, ${opts.workers} workers`, workers.max, workers.open] as const] : []),
      ['floor', floorMax, floorOpen],
    ] as const) {
      if (failed(max, open) > 0)
        process.stderr.write(`warning: ${name}: ${failed(max, open)} requests failed (errors, timeouts or non-2xx)\n`);
      for (const r of open)
        if (r.achieved < 0.95 * r.rate)
          process.stderr.write(`warning: ${name} answered ${r.achieved.toFixed(0)} of ${r.rate} req/s scheduled; it fell behind\n`);
    }
    for (const [name, run] of [
      ['personalized, one at a time', personalizedAlone],
      [`personalized, ${opts.workers} workers, one at a time`, workers?.alone],
      ['on Neo4j, one at a time', onNeo4j?.alone],
      ['on Neo4j, max', onNeo4j?.max],
    ] as const)
      if (run && run.failed > 0) process.stderr.write(`warning: ${name}: ${run.failed} requests failed (errors, timeouts or non-2xx)\n`);
    const rows = (label: string, max: MaxRun, open: OpenLoopResult[]): Measurement[] => [
      { name: `${label}: max throughput, ${opts.connections} connections (closed loop)`, unit: 'req/s', value: max.reqPerSec },
      { name: `${label}: latency at max throughput`, unit: 'ms', p50: max.p50, p99: max.p99, mean: max.mean },
      { name: `${label}: server CPU per request at max`, unit: 'ms', value: max.cpuPerRequestMs },
      ...open.flatMap((r, i): Measurement[] => [
        {
          name: `${label}: open loop at ${Math.round(opts.loads[i] * 100)}% of max (${r.rate} req/s scheduled), latency`,
          unit: 'ms',
          p50: r.p50,
          p90: r.p90,
          p99: r.p99,
          p999: r.p999,
          mean: r.mean,
        },
        { name: `${label}: open loop at ${Math.round(opts.loads[i] * 100)}% of max, answered`, unit: 'req/s', value: r.achieved },
      ]),
      { name: `${label}: failed requests (all runs)`, unit: 'count', value: failed(max, open) },
    ];
    const half = opts.loads.indexOf(0.5);
    printReport(
      'http',
      {
        size: opts.size,
        duration: opts.duration,
        warmup: opts.warmup,
        connections: opts.connections,
        loads: opts.loads,
        arrivals: opts.arrivals,
        profiles: ids.length,
        cpus: os.cpus().length,
        execution: UNTHROTTLED.execution,
        neo4j: opts.neo4j,
        workers: opts.workers,
      },
      [
        { name: 'rows per response', unit: 'rows', value: shape.personalized.rows },
        { name: 'items per response', unit: 'items', value: shape.personalized.items },
        { name: 'response size', unit: 'KB', value: shape.personalized.kb },
        { name: 'response size, gzip', unit: 'KB', value: shape.personalized.gzipKb },
        { name: 'response size, brotli (quality 4)', unit: 'KB', value: shape.personalized.brotliKb },
        ...shape.personalized.fieldShares.map(({ field, share }) => ({
          name: `share of the response: items' ${field}`,
          unit: '%',
          value: 100 * share,
        })),
        { name: "the README's example query: response size", unit: 'KB', value: shape.readme.kb },
        { name: "the README's example query: response size, gzip", unit: 'KB', value: shape.readme.gzipKb },
        { name: 'floor (precomputed page): response size', unit: 'KB', value: shape.floor.kb },
        ...rows('personalized', personalizedMax, personalizedOpen),
        {
          name: 'personalized: one request at a time, latency',
          unit: 'ms',
          p50: personalizedAlone.p50,
          p99: personalizedAlone.p99,
          mean: personalizedAlone.mean,
        },
        ...(workers
          ? [
              ...rows(`personalized, ${opts.workers} workers behind one port`, workers.max, workers.open),
              {
                name: `personalized, ${opts.workers} workers: one request at a time, latency`,
                unit: 'ms',
                p50: workers.alone.p50,
                p99: workers.alone.p99,
                mean: workers.alone.mean,
              },
              {
                name: `personalized, ${opts.workers} workers / one process: max req/s`,
                unit: 'ratio',
                value: workers.max.reqPerSec / personalizedMax.reqPerSec,
              },
            ]
          : []),
        ...(onNeo4j
          ? [
              {
                name: 'personalized on Neo4j: one request at a time, latency',
                unit: 'ms',
                p50: onNeo4j.alone.p50,
                p99: onNeo4j.alone.p99,
                mean: onNeo4j.alone.mean,
              },
              {
                name: `personalized on Neo4j: max throughput, ${opts.connections} connections`,
                unit: 'req/s',
                value: onNeo4j.max.reqPerSec,
              },
              { name: 'personalized on Neo4j: server CPU per request at max (API only)', unit: 'ms', value: onNeo4j.max.cpuPerRequestMs },
              { name: 'Neo4j / embedded: p50 one request at a time', unit: 'ratio', value: onNeo4j.alone.p50 / personalizedAlone.p50 },
              { name: 'Neo4j / embedded: mean one request at a time', unit: 'ratio', value: onNeo4j.alone.mean / personalizedAlone.mean },
            ]
          : []),
        ...rows('floor (precomputed page)', floorMax, floorOpen),
        { name: 'personalized / floor: max req/s', unit: 'ratio', value: personalizedMax.reqPerSec / floorMax.reqPerSec },
        ...(half >= 0
          ? [
              {
                name: 'personalized / floor: p99 at 50% of own max',
                unit: 'ratio',
                value: personalizedOpen[half].p99 / floorOpen[half].p99,
              },
            ]
          : []),
      ],
    );
  } finally {
    progress.stop();
    for (const server of servers) await server.close();
    await bench?.close();
  }
}

/** One request per profile (also a warm-up): no GraphQL errors, the mean page shape and what its bytes are spent on. */
async function check(
  server: { url: string },
  query: string,
  ids: string[],
  headers: { authorization: string }[],
  update: (stage: string, done: number, total: number) => void,
  stage: string,
) {
  let rows = 0;
  let items = 0;
  let bytes = 0;
  let gzipped = 0;
  let brotli = 0;
  const byField = new Map<string, number>();
  for (const [i, id] of ids.entries()) {
    const res = await fetch(`${server.url}graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers[i] },
      body: JSON.stringify({ query, variables: { id } }),
    });
    const text = await res.text();
    const body = JSON.parse(text) as { errors?: unknown[]; data?: { homepage?: { rows: { items: Record<string, unknown>[] }[] } } };
    if (!res.ok || body.errors || !body.data?.homepage)
      throw new Error(`homepage for ${id} failed (HTTP ${res.status}): ${text.slice(0, 500)}`);
    rows += body.data.homepage.rows.length;
    items += body.data.homepage.rows.reduce((n, r) => n + r.items.length, 0);
    bytes += Buffer.byteLength(text);
    // As the server compresses for clients that accept it (src/server/app.ts: gzip, brotli at quality 4).
    gzipped += zlib.gzipSync(text).length;
    brotli += zlib.brotliCompressSync(text, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }).length;
    for (const row of body.data.homepage.rows)
      for (const item of row.items)
        for (const [field, value] of Object.entries(item))
          byField.set(field, (byField.get(field) ?? 0) + JSON.stringify({ [field]: value }).length - 2);
    update(stage, i + 1, ids.length);
  }
  const kb = (n: number) => n / ids.length / 1024;
  return {
    rows: rows / ids.length,
    items: items / ids.length,
    kb: kb(bytes),
    gzipKb: kb(gzipped),
    brotliKb: kb(brotli),
    /** Each item field's share of the uncompressed response, largest first. */
    fieldShares: [...byField].map(([field, n]) => ({ field, share: n / bytes })).sort((a, b) => b.share - a.share),
  };
}

main().catch((err) => {
  process.stderr.write(`${errorStack(err)}\n`);
  process.exit(1);
});
