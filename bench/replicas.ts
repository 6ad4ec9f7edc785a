import { Command, Option } from 'commander';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Authenticator } from '../src/auth/authenticator';
import { WORLD_SIZES, type WorldSize } from '../src/domain/dataset';
import { errorStack } from '../src/shared/error-message';
import { stageProgress } from '../src/shared/progress';
import { startRedis, type RedisProcess } from '../test/support/redis';
import { freePort, startServerProcess, stopProcess, type ServerProcess } from '../test/support/server-process';
import { closedLoop, writeRotation, type ClosedLoopResult } from './closed-loop';
import { percentiles, printReport, type Measurement } from './report';
import { PAGE_QUERY } from './page-query';
import type { DomainChanges } from '../src/domain/changes';
import { RedisLink } from '../src/server/shared-state/redis-link';
import { Replication } from '../src/server/shared-state/replication';
import { ChangeFeed } from '../src/shared/change-feed';
import { cpuSeconds, residentBytes } from './process-cpu';
import { launcher } from './neo4j-launcher';

const PROFILES = 200;

/**
 * `npm run bench -- replicas [--size small|default] [--workers 1,2] [--duration 10] [--warmup 5] [--connections 16]`:
 * the homepage over HTTP from one server process with 1, then 2 workers behind one port
 * (`WORKERS`, Node's cluster), in one run on this machine: a Neo4j of its own (the test launcher,
 * data in a temporary folder) and a Redis of its own for shared state (`STATE=redis`), as
 * production replicas run. The first start loads the world into Neo4j and trains; every start
 * after it reuses both. Each server is warmed with one page per profile and `--warmup` seconds of
 * load (the first run of a sequence otherwise meets a cold Neo4j), then loaded closed-loop
 * (autocannon in a worker thread of this process, which shares the machine's cores with the
 * workers and Neo4j). Before them, the delay of one replica's change reaching another through the
 * same Redis.
 */
async function main(): Promise<void> {
  const int = (v: string) => Number.parseInt(v, 10);
  const opts = new Command('bench replicas')
    .description('homepage throughput with 1 and with 2 workers behind one port, on Neo4j and Redis of its own')
    .addOption(new Option('--size <size>', 'world size').choices(WORLD_SIZES).default('default'))
    .option('--workers <list>', 'worker counts to measure, in order', (v) => v.split(',').map(int), [1, 2])
    .option('--duration <s>', 'seconds per run', int, 10)
    .option('--connections <n>', 'concurrent connections (closed loop)', int, 16)
    .option('--warmup <s>', 'seconds of unmeasured load before each run (JIT of the workers and of Neo4j)', int, 5)
    .parse()
    .opts<{ size: WorldSize; workers: number[]; duration: number; connections: number; warmup: number }>();
  if (!launcher.javaToolsAvailable()) throw new Error('bench replicas runs Neo4j with the test launcher: install Java 17+ and Maven');
  const progress = stageProgress();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-replicas-'));
  const neo4jPort = await freePort();
  let redis: RedisProcess | undefined;
  let server: ServerProcess | undefined;
  try {
    progress.update('neo4j', 0, 1);
    const { uri } = await launcher.start({ port: neo4jPort, dataDir: path.join(dir, 'neo4j'), log: () => {} });
    progress.update('neo4j', 1, 1);
    redis = await startRedis();
    const delays = await replicationDelays(redis.url, progress.update);
    const secret = randomBytes(32).toString('base64url');
    const auth = new Authenticator({ secret, anonymousCatalog: false });
    const env = {
      STORE: 'neo4j',
      NEO4J_URI: uri,
      STATE: 'redis',
      REDIS_URL: redis.url,
      DATA_DIR: path.join(dir, 'api'),
      WORLD_SIZE: opts.size,
      AUTH_SECRET: secret,
      MODEL_POLL_SECONDS: '0',
      // A load generator is one client at hundreds of requests a second: the quota would measure itself.
      RATE_LIMIT_ACCOUNT: '1000000',
    };
    const neo4jPid = launcher.runningPid({ port: neo4jPort })!;
    const runs: { workers: number; setupSeconds: number; result: ClosedLoopResult; apiCpu?: number; neo4jCpu?: number; rssMb?: number }[] =
      [];
    for (const workers of opts.workers) {
      const started = performance.now();
      progress.update(`start ${workers}w`, 0, 1);
      server = await startServerProcess({ ...env, WORKERS: String(workers) }, 3_600_000);
      const setupSeconds = (performance.now() - started) / 1000;
      const requests = await pageRequests(server, auth, progress.update);
      const rotation = await writeRotation(dir, requests);
      if (opts.warmup > 0) {
        const warming = tick(progress.update, `warm-up ${workers}w`, opts.warmup);
        await closedLoop(`${server.url}/graphql`, rotation, opts.connections, opts.warmup).finally(warming);
      }
      const ticker = tick(progress.update, `${workers} worker(s)`, opts.duration);
      const before = await Promise.all([cpuSeconds(server.child.pid!), cpuSeconds(neo4jPid)]);
      const result = await closedLoop(`${server.url}/graphql`, rotation, opts.connections, opts.duration).finally(ticker);
      const after = await Promise.all([cpuSeconds(server.child.pid!), cpuSeconds(neo4jPid)]);
      // Milliseconds of CPU per answered page, of the API's processes and of Neo4j.
      const perPage = (i: number) => (after[i] === undefined ? undefined : ((after[i]! - before[i]!) * 1000) / Math.max(1, result.total));
      const rss = await residentBytes(server.child.pid!);
      runs.push({
        workers,
        setupSeconds,
        result,
        apiCpu: perPage(0),
        neo4jCpu: perPage(1),
        rssMb: rss === undefined ? undefined : rss / 2 ** 20,
      });
      await stopProcess(server.child);
      server = undefined;
    }
    progress.stop();
    for (const r of runs)
      if (r.result.failed > 0) process.stderr.write(`warning: ${r.workers} worker(s): ${r.result.failed} requests failed\n`);
    const rows: Measurement[] = [
      { name: `a change from one replica applied on another (${delays.length} changes)`, unit: 'ms', ...percentiles(delays) },
    ];
    rows.push(
      ...runs.flatMap((r): Measurement[] => [
        { name: `${r.workers} worker(s): start until ready`, unit: 's', value: r.setupSeconds },
        { name: `${r.workers} worker(s): max throughput`, unit: 'req/s', value: r.result.reqPerSec },
        { name: `${r.workers} worker(s): latency at max`, unit: 'ms', p50: r.result.p50, p99: r.result.p99, mean: r.result.mean },
        ...(r.apiCpu === undefined
          ? []
          : [
              { name: `${r.workers} worker(s): API CPU per page (all workers)`, unit: 'ms', value: r.apiCpu },
              { name: `${r.workers} worker(s): Neo4j CPU per page`, unit: 'ms', value: r.neo4jCpu },
              { name: `${r.workers} worker(s): resident memory after the run (all the API's processes)`, unit: 'MB', value: r.rssMb },
            ]),
      ]),
    );
    for (const r of runs.slice(1))
      rows.push({
        name: `${r.workers} / ${runs[0].workers} worker(s): max throughput`,
        unit: 'ratio',
        value: r.result.reqPerSec / runs[0].result.reqPerSec,
      });
    printReport(
      'replicas',
      {
        size: opts.size,
        workers: opts.workers,
        duration: opts.duration,
        warmup: opts.warmup,
        connections: opts.connections,
        cpus: os.availableParallelism(),
      },
      rows,
    );
  } finally {
    progress.stop();
    if (server) await stopProcess(server.child);
    await redis?.stop();
    await launcher.stop({ port: neo4jPort, log: () => {} }).catch(() => undefined);
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * How long one replica's change takes to reach another through Redis: two replications in this
 * process on the bench's Redis, one change every 5 ms (a play of a batch of three events), each
 * timed from its publish on one to its application on the other.
 */
async function replicationDelays(url: string, update: (stage: string, done: number, total: number) => void): Promise<number[]> {
  const count = 1_000;
  const sentAt = new Map<string, number>();
  const delays: number[] = [];
  const feeds = [new ChangeFeed<DomainChanges>(), new ChangeFeed<DomainChanges>()];
  const [from, to] = feeds.map(
    (changes) =>
      new Replication({
        link: new RedisLink({ url }),
        changes,
        apply: async (_kind, change) => {
          const id = (change as DomainChanges['playbacksRecorded']).events[0].eventId;
          delays.push(performance.now() - sentAt.get(id)!);
        },
        rebuild: async () => {},
      }),
  );
  await Promise.all([from.start(), to.start()]);
  const owner = { id: 'p', accountId: 'a', name: 'p', isKids: false, maturityLimit: 'ADULTS' as const, language: 'en', createdAt: 0 };
  for (let i = 0; i < count; i++) {
    const events = [0, 1, 2].map((k) => ({
      eventId: `bench-${i}-${k}`,
      profileId: 'p',
      titleId: 't',
      occurredAt: 0,
      progress: 0.5,
      device: 'TV' as const,
      sessionId: null,
    }));
    sentAt.set(events[0].eventId, performance.now());
    await feeds[0].publish('playbacksRecorded', { events, owners: [owner] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    update('replication', i + 1, count);
  }
  const deadline = performance.now() + 5_000;
  while (delays.length < count && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  await Promise.all([from.close(), to.close()]);
  if (delays.length < count) throw new Error(`only ${delays.length} of ${count} changes reached the other replica`);
  return delays;
}

/** One page per profile for up to PROFILES profiles (also the warm-up), and the requests the load sends. */
async function pageRequests(
  server: ServerProcess,
  auth: Authenticator,
  update: (stage: string, done: number, total: number) => void,
): Promise<{ body: string; authorization: string }[]> {
  // The generated world's accounts are a1, a2, …: each lists its own profiles.
  const profiles: { id: string; authorization: string }[] = [];
  for (let n = 1; profiles.length < PROFILES && n <= PROFILES * 2; n++) {
    const authorization = `Bearer ${await auth.sign({ kind: 'account', accountId: `a${n}` }, 3600)}`;
    const own = (await graphql(server, authorization, '{ profiles(first: 10) { nodes { id } } }', {})) as {
      profiles: { nodes: { id: string }[] };
    };
    profiles.push(...own.profiles.nodes.map((p) => ({ id: p.id, authorization })));
  }
  const requests: { body: string; authorization: string }[] = [];
  for (const [i, { id, authorization }] of profiles.slice(0, PROFILES).entries()) {
    await graphql(server, authorization, PAGE_QUERY, { id });
    requests.push({ body: JSON.stringify({ query: PAGE_QUERY, variables: { id } }), authorization });
    update('warm-up', i + 1, Math.min(PROFILES, profiles.length));
  }
  return requests;
}

async function graphql(server: ServerProcess, authorization: string, query: string, variables: Record<string, unknown>): Promise<unknown> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: unknown; errors?: unknown[] };
  if (!res.ok || body.errors) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return body.data;
}

/** Moves the progress bar once a second for a run of `seconds`; the returned function stops it. */
function tick(update: (stage: string, done: number, total: number) => void, label: string, seconds: number): () => void {
  const started = performance.now();
  const timer = setInterval(() => update(label, Math.min(seconds, Math.round((performance.now() - started) / 1000)), seconds), 1000);
  return () => {
    clearInterval(timer);
    update(label, seconds, seconds);
  };
}

main().catch((err) => {
  process.stderr.write(`${errorStack(err)}\n`);
  process.exit(1);
});
