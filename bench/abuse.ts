import 'reflect-metadata';
import { Command, Option } from 'commander';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { WORLD_SIZES, type WorldSize } from '../src/domain/dataset';
import { startApp, type RunningApp } from '../src/server/app';
import { DEFAULT_SERVER_SETTINGS } from '../src/server/settings';
import { errorStack } from '../src/shared/error-message';
import { createLogger } from '../src/shared/logger';
import { stageProgress } from '../src/shared/progress';
import type { LoadPlan, LoadResult } from './abuse-load';
import { authorization, benchAuthenticator } from './bench-auth';
import { openBenchWorld, rotation, type BenchWorld } from './bench-world';
import { UNTHROTTLED } from './server-settings';
import { percentiles, printReport, type Measurement } from './report';

/** The README's homepage query, as a frontend sends it. */
const HOMEPAGE = `query Homepage($id: ID!) {
  homepage(profileId: $id, context: { device: TV, localTime: "2026-11-27T20:00", sessionSeconds: 0 }) {
    requestId
    rows { id kind displayTitle reason
      items { title { id name kind runtimeMinutes maturityRating } artwork { url theme } reason sources scores { utility } } } } }`;

/** Profiles the normal client rotates over, each with its own account's token (a quota never binds it). */
const PROFILES = 200;

/**
 * Bombs an attacker sends, each over every limit of account and partner callers alike: nesting,
 * aliases, cost, and a document past the token bound (refused while parsing).
 */
function bombs(profileId: string, titleIds: string[]): Record<string, { query: string; variables?: Record<string, unknown> }> {
  const aliased = (n: number, field: string) => Array.from({ length: n }, (_, i) => `f${i}: ${field}`).join(' ');
  return {
    depth: { query: `{ profile(id: "${profileId}") { ${'account { profiles { '.repeat(25)}id${' } }'.repeat(25)} } }` },
    aliases: { query: `{ ${aliased(40, `homepage(profileId: "${profileId}") { requestId }`)} }` },
    cost: { query: `query($ids: [ID!]!) { ${aliased(30, 'titles(ids: $ids) { name artwork { url } }')} }`, variables: { ids: titleIds } },
    tokens: { query: `{ ${'title(id: "t1") { id } '.repeat(1_000)}}` },
  };
}

/**
 * `npm run bench -- abuse [--size small|default] [--duration 10] [--attackers 4] [--connections 8] [--rate 10] [--rate-limits default|off]`:
 * a normal client's homepage latency (`--rate` a second, over 200 profiles) alone, then
 * while attackers (several account tokens and a partner key, `--connections` each) send refused
 * bombs as fast as they are answered; both in one run, on the server `npm start` runs with its
 * default limits and quotas. Reports the ratios of the two latencies, how the bombs were refused
 * (QUERY_TOO_COMPLEX, or RATE_LIMITED once an attacker's quota is spent) and how long a refusal
 * takes, under attack and one at a time.
 *
 * The normal client's requests leave at a steady rate and are timed from when they were due, so a
 * server that falls behind shows as latency. The server's event-loop utilisation in each phase
 * says whether the server itself was saturated. On a machine with few cores the attackers' own
 * client shares them with the server, so the figures overstate what attackers on other machines
 * would cause; a busy CPU also runs a lone request faster than an idle one, so ratios near 1 are
 * within the noise.
 */
async function main(): Promise<void> {
  const int = (v: string) => Number.parseInt(v, 10);
  const opts = new Command('bench abuse')
    .description(
      "a normal client's homepage p50/p99 alone and while attackers send query bombs the server refuses; ratios, refusals by code, time to refuse",
    )
    .addOption(new Option('--size <size>', 'world size').choices(WORLD_SIZES).default('default'))
    .option('--duration <s>', 'seconds of each phase (alone, under attack)', int, 10)
    .option('--attackers <n>', 'attacking clients: one partner key, the rest account tokens', int, 4)
    .option('--connections <n>', "each attacker's concurrent connections", int, 8)
    .option('--rate <n>', "the normal client's homepages per second (0: back to back on one connection)", int, 10)
    .addOption(new Option('--rate-limits <which>', 'quotas per principal during the attack').choices(['default', 'off']).default('default'))
    .parse()
    .opts<{ size: WorldSize; duration: number; attackers: number; connections: number; rate: number; rateLimits: 'default' | 'off' }>();
  const progress = stageProgress();
  const apps: RunningApp[] = [];
  let bench: BenchWorld | undefined;
  try {
    // No page cache: every homepage in both phases runs the whole pipeline, so the phases measure the same work.
    bench = await openBenchWorld('abuse', opts.size, progress.update, { cacheSeconds: 0 });
    const { world, services } = bench;
    const auth = benchAuthenticator();
    const logger = createLogger('silent');
    const app = await startApp({ services, auth, logger, settings: opts.rateLimits === 'off' ? UNTHROTTLED : DEFAULT_SERVER_SETTINGS });
    // The same services without quotas: for checking the bombs and timing refusals one at a time without spending a quota.
    const quiet = await startApp({ services, auth, logger, settings: UNTHROTTLED });
    apps.push(app, quiet);
    const url = (a: RunningApp) => `${a.url}graphql`;

    const accountOf = new Map(world.profiles.map((p) => [p.id, p.accountId]));
    const normalIds = rotation(
      world.profiles.map((p) => p.id),
      PROFILES,
    );
    const normalAccounts = new Set(normalIds.map((id) => accountOf.get(id)!));
    const normal = await Promise.all(
      normalIds.map(async (id) => ({
        body: JSON.stringify({ query: HOMEPAGE, variables: { id } }),
        authorization: (await authorization(auth, { kind: 'account', accountId: accountOf.get(id)! })).authorization,
      })),
    );

    // Attackers: accounts the normal client never uses, and one partner key.
    const attackerProfiles = world.profiles.filter((p) => !normalAccounts.has(p.accountId));
    const attackers = await Promise.all(
      Array.from({ length: opts.attackers }, async (_, i) => {
        const partner = i === opts.attackers - 1;
        const profile = attackerProfiles[(i * 37) % attackerProfiles.length];
        const principal = partner
          ? ({ kind: 'partner', partner: 'bench-partner' } as const)
          : ({ kind: 'account', accountId: profile.accountId } as const);
        const token = (await authorization(auth, principal)).authorization;
        const kinds = bombs(
          profile.id,
          world.titles.slice(0, 100).map((t) => t.id),
        );
        return { name: partner ? 'partner' : `account ${profile.accountId}`, token, kinds };
      }),
    );
    const bombRequests = (a: (typeof attackers)[number]) =>
      Object.values(a.kinds).map((b) => ({ body: JSON.stringify(b), authorization: a.token }));

    // Every bomb is refused for what it is, and every homepage answered, before anything is timed.
    for (const a of attackers) {
      for (const [kind, b] of Object.entries(a.kinds)) {
        const code = await answerCode(url(quiet), JSON.stringify(b), a.token);
        if (code !== 'QUERY_TOO_COMPLEX') throw new Error(`the ${kind} bomb of ${a.name} was answered ${code}, not QUERY_TOO_COMPLEX`);
      }
    }
    for (const [i, r] of normal.entries()) {
      const code = await answerCode(url(app), r.body, r.authorization);
      if (code !== 'data') throw new Error(`the homepage for ${normalIds[i]} was answered ${code}`);
      progress.update('warm-up', i + 1, normal.length);
    }

    const ms = opts.duration * 1000;
    const tick = (label: string, total: number) => {
      const started = performance.now();
      const timer = setInterval(
        () => progress.update(label, Math.min(total, Math.round((performance.now() - started) / 1000)), total),
        1000,
      );
      return () => {
        clearInterval(timer);
        progress.update(label, total, total);
      };
    };
    // The server runs on this thread, the clients in workers: its event loop's busy share says whether the server itself is saturated.
    let busySince = performance.eventLoopUtilization();
    const pauses = gcPauses();
    // How long a ready callback waited for the event loop: a server-side stall shows here, a client's own delay does not.
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    let done = tick('alone', opts.duration);
    const alone = await load({ url: url(app), durationMs: ms, loops: [{ requests: normal, perSecond: opts.rate }], keepLatencies: true });
    const busyAlone = performance.eventLoopUtilization(busySince).utilization;
    const gcAlone = pauses.take();
    const delayAlone = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
    done();
    done = tick('attacked', opts.duration);
    // The attack starts first and ends last, so the whole of the normal client's phase is under it.
    const attack = load({
      url: url(app),
      durationMs: ms + 1_000,
      loops: attackers.flatMap((a) => Array.from({ length: opts.connections }, () => ({ requests: bombRequests(a) }))),
      keepLatencies: false,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    busySince = performance.eventLoopUtilization();
    pauses.take();
    loopDelay.reset();
    const abused = await load({ url: url(app), durationMs: ms, loops: [{ requests: normal, perSecond: opts.rate }], keepLatencies: true });
    const busyAbused = performance.eventLoopUtilization(busySince).utilization;
    const gcAbused = pauses.take();
    const delayAbused = { p99: loopDelay.percentile(99) / 1e6, max: loopDelay.max / 1e6 };
    loopDelay.disable();
    pauses.stop();
    const bombed = await attack;
    done();

    // One refusal at a time, on an idle server: what a refusal costs with no queue before it.
    const single: Record<string, LoadResult> = {};
    const account = attackers[0];
    for (const [kind, b] of Object.entries(account.kinds)) {
      single[kind] = await load({
        url: url(quiet),
        durationMs: 1_500,
        loops: [{ requests: [{ body: JSON.stringify(b), authorization: account.token }] }],
        keepLatencies: true,
      });
    }
    if (opts.rateLimits === 'default' && opts.attackers > 1) {
      // Spend what is left of the first attacker's quota (a minute's window): then every request is refused at once.
      for (let i = 0; i <= DEFAULT_SERVER_SETTINGS.requestsPerMinute.account; i++) {
        if ((await answerCode(url(app), bombRequests(account)[0].body, account.token)) === 'RATE_LIMITED') break;
      }
      single['rate-limited'] = await load({
        url: url(app),
        durationMs: 1_500,
        loops: [{ requests: bombRequests(account) }],
        keepLatencies: true,
      });
    }
    progress.stop();
    for (const [kind, r] of Object.entries(single)) {
      const expected = kind === 'rate-limited' ? 'RATE_LIMITED' : 'QUERY_TOO_COMPLEX';
      if (Object.keys(r.byCode).some((code) => code !== expected))
        process.stderr.write(`warning: refusals one at a time (${kind}) were answered ${JSON.stringify(r.byCode)}, not only ${expected}\n`);
    }

    const a = percentiles(alone.latencies);
    const b = percentiles(abused.latencies);
    const failures = (r: LoadResult) => Object.entries(r.byCode).reduce((n, [code, v]) => n + (code === 'data' ? 0 : v.count), 0);
    const count = (r: LoadResult, code: string) => r.byCode[code]?.count ?? 0;
    const meanOf = (r: LoadResult, code: string) => (r.byCode[code] ? r.byCode[code].totalMs / r.byCode[code].count : undefined);
    const bombTotal = Object.values(bombed.byCode).reduce((n, v) => n + v.count, 0);
    const otherAnswers = bombTotal - count(bombed, 'QUERY_TOO_COMPLEX') - count(bombed, 'RATE_LIMITED');
    if (failures(alone) + failures(abused) > 0)
      process.stderr.write(
        `warning: homepage answers other than data: ${JSON.stringify({ alone: alone.byCode, abused: abused.byCode })}\n`,
      );
    if (otherAnswers > 0) process.stderr.write(`warning: bombs answered otherwise than refused: ${JSON.stringify(bombed.byCode)}\n`);
    if (b.p99 / a.p99 > 1.5)
      process.stderr.write(`note: p99 under attack is ${(b.p99 / a.p99).toFixed(2)}× the p99 alone, over the goal of 1.5×\n`);

    const rows: Measurement[] = [
      { name: 'homepage alone: latency', unit: 'ms', p50: a.p50, p99: a.p99, mean: a.mean },
      { name: 'homepage alone: requests', unit: 'req/s', value: alone.latencies.length / (alone.elapsedMs / 1000) },
      { name: 'homepage under attack: latency', unit: 'ms', p50: b.p50, p99: b.p99, mean: b.mean },
      {
        name: 'homepage under attack: requests',
        unit: 'req/s',
        value: abused.latencies.length / (abused.elapsedMs / 1000),
      },
      { name: 'server event loop busy: alone', unit: '%', value: 100 * busyAlone },
      { name: 'server event loop busy: under attack', unit: '%', value: 100 * busyAbused },
      { name: 'server event loop delay: alone', unit: 'ms', p99: delayAlone.p99 },
      { name: 'server event loop delay: under attack', unit: 'ms', p99: delayAbused.p99 },
      { name: 'longest server event loop delay: alone', unit: 'ms', value: delayAlone.max },
      { name: 'longest server event loop delay: under attack', unit: 'ms', value: delayAbused.max },
      { name: 'longest GC pause: alone', unit: 'ms', value: gcAlone.longest },
      { name: 'longest GC pause: under attack', unit: 'ms', value: gcAbused.longest },
      { name: 'GC pauses over 100 ms: alone', unit: 'count', value: gcAlone.over100 },
      { name: 'GC pauses over 100 ms: under attack', unit: 'count', value: gcAbused.over100 },
      { name: 'under attack / alone: p50', unit: 'ratio', value: b.p50 / a.p50 },
      { name: 'under attack / alone: p99 (goal ≤ 1.5)', unit: 'ratio', value: b.p99 / a.p99 },
      { name: 'homepage answers other than data (both phases)', unit: 'count', value: failures(alone) + failures(abused) },
      { name: 'bombs sent', unit: 'req/s', value: bombTotal / (bombed.elapsedMs / 1000) },
      { name: 'bombs refused QUERY_TOO_COMPLEX', unit: 'count', value: count(bombed, 'QUERY_TOO_COMPLEX') },
      { name: 'bombs refused RATE_LIMITED', unit: 'count', value: count(bombed, 'RATE_LIMITED') },
      { name: 'bombs answered otherwise', unit: 'count', value: otherAnswers },
      { name: 'refusal under attack: QUERY_TOO_COMPLEX', unit: 'ms', mean: meanOf(bombed, 'QUERY_TOO_COMPLEX') },
      { name: 'refusal under attack: RATE_LIMITED', unit: 'ms', mean: meanOf(bombed, 'RATE_LIMITED') },
      ...Object.entries(single).map(([kind, r]): Measurement => ({
        name: `refusal one at a time: ${kind}`,
        unit: 'ms',
        ...percentiles(r.latencies),
      })),
    ];
    printReport(
      'abuse',
      {
        size: opts.size,
        duration: opts.duration,
        attackers: attackers.map((x) => x.name),
        connectionsPerAttacker: opts.connections,
        rateLimits: opts.rateLimits === 'off' ? 'off' : DEFAULT_SERVER_SETTINGS.requestsPerMinute,
        normalClient: { perSecond: opts.rate || 'back to back', profiles: normalIds.length },
        bombs: Object.keys(attackers[0]?.kinds ?? {}),
        cpus: os.cpus().length,
      },
      rows,
    );
  } finally {
    progress.stop();
    for (const app of apps) await app.close();
    await bench?.close();
  }
}

/** Runs a load plan in a worker thread, so that the client does not share the server's event loop. */
function load(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'abuse-load.js'), { workerData: plan });
    worker.once('message', (r: LoadResult) => void worker.terminate().then(() => resolve(r)));
    worker.once('error', reject);
  });
}

/** The code one request is answered with (`data` when it succeeds). */
/**
 * The server's garbage-collection pauses since the last `take`: a full collection of the
 * serving heap stops every request at once, so a phase's p99 depends on whether one fell in it.
 */
function gcPauses(): { take(): { longest: number; over100: number }; stop(): void } {
  let durations: number[] = [];
  const observer = new PerformanceObserver((list) => durations.push(...list.getEntries().map((e) => e.duration)));
  observer.observe({ entryTypes: ['gc'] });
  return {
    take() {
      const taken = { longest: Math.max(0, ...durations), over100: durations.filter((d) => d > 100).length };
      durations = [];
      return taken;
    },
    stop: () => observer.disconnect(),
  };
}

async function answerCode(url: string, body: string, authorization: string): Promise<string> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body });
  const json = (await res.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  return json.errors?.[0]?.extensions?.code ?? (json.data ? 'data' : `HTTP ${res.status}`);
}

main().catch((err) => {
  process.stderr.write(`${errorStack(err)}\n`);
  process.exit(1);
});
