import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { Authenticator } from '../src/auth/authenticator';
import { WORLD_SIZES, type WorldSize } from '../src/domain/dataset';
import { stageProgress } from '../src/shared/progress';
import { freePort, SERVER_ENTRY, stopProcess } from '../test/support/server-process';
import { percentiles, printReport, type Measurement } from './report';
import { peakResidentBytes } from './process-cpu';

/** The README's homepage query: rows, titles, artwork, reasons. */
const QUERY = `query($id: ID!) { homepage(profileId: $id, context: { device: TV }) {
  requestId rows { id kind displayTitle reason items { title { id name } artwork { url } reason } } } }`;

/** `npm start`'s V8 flags (package.json), so the heap limit is the one a user meets. */
const START_FLAGS = ['--max-semi-space-size=64'];

/**
 * What a start spends its time and memory on, by the line that opens each phase: progress stage
 * names (src/shared/progress.ts) and log messages of the start-up (src/setup/bootstrap.ts).
 */
const PHASES: { phase: Phase; opens: RegExp }[] = [
  { phase: 'generate', opens: /generating the synthetic world|^Generating the world|^Writing the world/ },
  { phase: 'load', opens: /^Building the title-similarity graph|^Loading the store/ },
  { phase: 'train', opens: /no model bundle: training/ },
  { phase: 'services', opens: /model bundle (written|loaded)/ },
  { phase: 'ready', opens: /Homepage API ready/ },
];
type Phase = 'open' | 'generate' | 'load' | 'train' | 'services' | 'ready';

/** One line of V8's --trace-gc: the heap in use before and after a collection, in MB. */
const GC_LINE = /(Scavenge|Mark-Compact|Mark-Sweep)[^\d]*([\d.]+) \([\d.]+\) -> ([\d.]+)/;

interface PhaseFigures {
  seconds: number;
  peakRssMb: number;
  peakHeapMb: number;
}

interface StartFigures {
  phases: Map<Phase, PhaseFigures>;
  /** Heap in use after the last full collection before ready, and resident memory at ready. */
  heapAtReadyMb: number;
  rssAtReadyMb: number;
  url: string;
  stop: () => Promise<void>;
}

/**
 * `npm run bench -- sizes [--sizes small,default,large] [--requests 50]`: for each world size, a
 * first `npm start` on an empty DATA_DIR (generation, load, training, start-up), then a restart
 * on the same folder (the snapshot and bundle read back), each phase's time, peak resident
 * memory and peak V8 heap (from --trace-gc), and homepage latency over HTTP after the restart.
 * Every start runs with `npm start`'s flags, so a world that does not fit the default heap fails here.
 */
async function main(): Promise<void> {
  const opts = new Command('bench sizes')
    .description('time and memory of generation, load, training, start-up and a homepage, per world size')
    .option('--sizes <list>', 'world sizes, in order', (v) => v.split(',') as WorldSize[], ['small', 'default', 'large'])
    .option(
      '--requests <n>',
      'homepages measured after the restart, one per profile, after as many others unmeasured',
      (v) => Number.parseInt(v, 10),
      50,
    )
    .parse()
    .opts<{ sizes: WorldSize[]; requests: number }>();
  for (const size of opts.sizes) if (!WORLD_SIZES.includes(size)) throw new Error(`unknown size ${size}: ${WORLD_SIZES.join(', ')}`);
  const progress = stageProgress();
  const rows: Measurement[] = [];
  const secret = randomBytes(32).toString('base64url');
  const auth = new Authenticator({ secret, anonymousCatalog: false });
  for (const size of opts.sizes) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), `bench-sizes-${size}-`));
    const env = { DATA_DIR: dir, WORLD_SIZE: size, AUTH_SECRET: secret, MODEL_POLL_SECONDS: '0', RATE_LIMIT_ACCOUNT: '1000000' };
    try {
      progress.update(`${size}: first start`, 0, 1);
      const first = await startAndWatch(env);
      await first.stop();
      progress.update(`${size}: first start`, 1, 1);
      progress.update(`${size}: restart`, 0, 1);
      const again = await startAndWatch(env);
      progress.update(`${size}: restart`, 1, 1);
      // Other profiles' pages first, unmeasured: the first pages of a process run cold code.
      await homepages(again.url, auth, opts.requests, opts.requests, (d) => progress.update(`${size}: warm-up`, d, opts.requests));
      const latencies = await homepages(again.url, auth, 0, opts.requests, (d) => progress.update(`${size}: homepages`, d, opts.requests));
      await again.stop();
      rows.push(...figuresOf(size, 'first start', first), ...figuresOf(size, 'restart', again), {
        name: `${size}: homepage over HTTP after the restart (${latencies.length} profiles)`,
        unit: 'ms',
        ...percentiles(latencies),
      });
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
  progress.stop();
  printReport(
    'sizes',
    { sizes: opts.sizes, requests: opts.requests, cpus: os.availableParallelism(), totalMemGb: os.totalmem() / 2 ** 30 },
    rows,
  );
}

function figuresOf(size: WorldSize, start: string, f: StartFigures): Measurement[] {
  const rows: Measurement[] = [];
  for (const [phase, p] of f.phases) {
    if (phase === 'ready') continue;
    rows.push(
      { name: `${size}, ${start}: ${phase} time`, unit: 's', value: p.seconds },
      { name: `${size}, ${start}: ${phase} peak resident memory`, unit: 'MB', value: p.peakRssMb },
      { name: `${size}, ${start}: ${phase} peak heap`, unit: 'MB', value: p.peakHeapMb },
    );
  }
  const total = [...f.phases].filter(([phase]) => phase !== 'ready').reduce((s, [, p]) => s + p.seconds, 0);
  rows.push(
    { name: `${size}, ${start}: until ready`, unit: 's', value: total },
    { name: `${size}, ${start}: heap in use at ready (after a full collection)`, unit: 'MB', value: f.heapAtReadyMb },
    { name: `${size}, ${start}: resident memory at ready`, unit: 'MB', value: f.rssAtReadyMb },
  );
  return rows;
}

/** Starts the server as `npm start` does, and follows its phases until it is ready. */
async function startAndWatch(env: Record<string, string>): Promise<StartFigures> {
  const port = await freePort();
  const child = spawn(process.execPath, [...START_FLAGS, '--trace-gc', SERVER_ENTRY], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const phases = new Map<Phase, PhaseFigures>();
  let phase: Phase = 'open';
  let phaseStarted = performance.now();
  let lastFullGcHeap = 0;
  const current = () => phases.get(phase) ?? phases.set(phase, { seconds: 0, peakRssMb: 0, peakHeapMb: 0 }).get(phase)!;
  current();
  const enter = (next: Phase) => {
    if (next === phase) return;
    current().seconds += (performance.now() - phaseStarted) / 1000;
    phase = next;
    phaseStarted = performance.now();
    current();
  };
  const sampler = setInterval(() => {
    // The peak since the last sample (VmHWM), so a phase between two samples is not missed.
    void peakResidentBytes(child.pid!, true).then((bytes) => {
      if (bytes !== undefined) current().peakRssMb = Math.max(current().peakRssMb, bytes / 2 ** 20);
    });
  }, 250);
  const tail: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const onLine = (line: string) => {
      tail.push(line);
      if (tail.length > 40) tail.shift();
      const gc = GC_LINE.exec(line);
      if (gc) {
        current().peakHeapMb = Math.max(current().peakHeapMb, Number(gc[2]));
        if (gc[1] !== 'Scavenge') lastFullGcHeap = Number(gc[3]);
        return;
      }
      const opened = PHASES.find((p) => p.opens.test(line));
      if (opened) enter(opened.phase);
      if (opened?.phase === 'ready') resolve();
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('exit', (code, signal) =>
      reject(new Error(`the server exited (${code ?? signal}) before it was ready:\n${tail.join('\n')}`)),
    );
  });
  try {
    await ready;
  } finally {
    clearInterval(sampler);
  }
  const rss = (await peakResidentBytes(child.pid!, false)) ?? 0;
  return {
    phases,
    heapAtReadyMb: lastFullGcHeap,
    rssAtReadyMb: rss / 2 ** 20,
    url: `http://127.0.0.1:${port}`,
    stop: () => stopProcess(child),
  };
}

/** One homepage for each of `n` profiles (the first profile of accounts a<skip+1>, a<skip+2>, …), one at a time. */
async function homepages(url: string, auth: Authenticator, skip: number, n: number, onDone: (done: number) => void): Promise<number[]> {
  const latencies: number[] = [];
  for (let k = skip + 1; k <= skip + n; k++) {
    const headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${await auth.sign({ kind: 'account', accountId: `a${k}` }, 600)}`,
    };
    const started = performance.now();
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: QUERY, variables: { id: `a${k}-p1` } }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: { message: string }[] };
    if (!body.data) throw new Error(`homepage of a${k}-p1 failed: ${JSON.stringify(body.errors)}`);
    latencies.push(performance.now() - started);
    onDone(k - skip);
  }
  return latencies;
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
