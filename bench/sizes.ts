import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Command } from 'commander';
import { Authenticator } from '../src/auth/authenticator';
import { WORLD_SIZES, type WorldSize } from '../src/domain/dataset';
import { stageProgress } from '../src/shared/progress';
import { freePort, SERVER_ENTRY, stopProcess } from '../test/support/server-process';
import { percentiles, printReport, type Measurement } from './report';
import { PAGE_QUERY } from './page-query';
import { authorization } from './bench-auth';
import { residentBytes } from './process-cpu';
import { startFlags } from './server-settings';

/** A start gives up after this long without reaching ready (the large world takes about 16 minutes). */
const START_TIMEOUT_MS = 3 * 3600_000;

/**
 * What a start spends its time and memory on, by the line that opens each phase: log messages of
 * the start-up (src/setup/bootstrap.ts) and the lines progress prints when a stage is done
 * (src/shared/progress.ts; a stage's first line waits for 10% of it, its last does not). The first
 * rule that matches wins.
 */
const PHASES: { phase: Phase; opens: RegExp }[] = [
  { phase: 'similarity graph', opens: /^Writing the world to .*: done in/ },
  { phase: 'snapshot and store', opens: /^Building the title-similarity graph: done in/ },
  { phase: 'generation', opens: /generating the synthetic world/ },
  { phase: 'training', opens: /no model bundle: training/ },
  { phase: 'services', opens: /model bundle (written|loaded)/ },
  { phase: 'ready', opens: /Homepage API ready/ },
];
type Phase = 'opening' | 'generation' | 'similarity graph' | 'snapshot and store' | 'training' | 'services' | 'ready';

/**
 * One line of V8's --trace-gc: the isolate, then the heap in use before and after a collection, in
 * MB (a minor mark-sweep is not a full one). The main thread's isolate prints first; the ALS
 * worker thread's has a heap and a limit of its own.
 */
const GC_LINE = /\[\d+:(0x[0-9a-f]+)\].*?(Scavenge|(?<!Minor )Mark-Compact|Minor Mark-Sweep)[^\d]*([\d.]+) \([\d.]+\) -> ([\d.]+)/;

/** Servers running: stopped whatever happens to the bench. */
const running = new Set<ChildProcess>();

interface PhaseFigures {
  seconds: number;
  peakRssMb: number;
  /** Absent when no collection ran in the phase. */
  peakHeapMb?: number;
}

interface StartFigures {
  phases: Map<Phase, PhaseFigures>;
  /** Heap in use after the last full collection before ready (what the start kept, near enough). */
  heapAfterLastFullGcMb: number;
  rssAtReadyMb: number;
  url: string;
  child: ChildProcess;
}

/**
 * `npm run bench -- sizes [--sizes small,default,large] [--requests 50]`: for each world size, a
 * first `npm start` on an empty DATA_DIR, then a restart on the same folder, and homepage latency
 * over HTTP after the restart. Each phase's time, peak resident memory and peak V8 heap (the
 * heap in use before any collection, from --trace-gc, so it counts garbage not yet collected):
 * - opening: the process starts and opens its store (on a restart: reads the snapshot back) and
 *   its model bundle;
 * - generation: the world and its files; similarity graph; snapshot and store (the bulk load);
 * - training: the first bundle; services: what the server builds from the store and the bundle.
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
      await stopServer(first.child);
      progress.update(`${size}: first start`, 1, 1);
      progress.update(`${size}: restart`, 0, 1);
      const again = await startAndWatch(env);
      progress.update(`${size}: restart`, 1, 1);
      // Other profiles' pages first, unmeasured: the first pages of a process run cold code.
      await homepages(again.url, auth, opts.requests, opts.requests, (d) => progress.update(`${size}: warm-up`, d, opts.requests));
      const latencies = await homepages(again.url, auth, 0, opts.requests, (d) => progress.update(`${size}: homepages`, d, opts.requests));
      await stopServer(again.child);
      rows.push(...figuresOf(size, 'first start', first), ...figuresOf(size, 'restart', again), {
        name: `${size}: homepage over HTTP after the restart (${latencies.length} profiles)`,
        unit: 'ms',
        ...percentiles(latencies),
      });
    } catch (err) {
      // The sizes measured so far still print; this one says where it failed.
      process.stderr.write(`${size}: ${err instanceof Error ? err.message : String(err)}\n`);
      rows.push({ name: `${size}: FAILED (the error above)`, unit: '' });
    } finally {
      await Promise.all([...running].map(stopServer));
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
    { name: `${size}, ${start}: heap after the last full collection before ready`, unit: 'MB', value: f.heapAfterLastFullGcMb },
    { name: `${size}, ${start}: resident memory at ready`, unit: 'MB', value: f.rssAtReadyMb },
  );
  return rows;
}

/**
 * Starts the server as `npm start` does (its flags, the embedded store, one process, no
 * NODE_OPTIONS from this shell), and follows its phases until it is ready.
 */
async function startAndWatch(env: Record<string, string>): Promise<StartFigures> {
  const port = await freePort();
  const { NODE_OPTIONS: _ignored, ...inherited } = process.env;
  const child = spawn(process.execPath, [...startFlags(), '--trace-gc', SERVER_ENTRY], {
    env: { ...inherited, ...env, STORE: 'embedded', WORKERS: '1', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const phases = new Map<Phase, PhaseFigures>();
  let phase: Phase = 'opening';
  let phaseStarted = performance.now();
  let lastFullGcHeap = 0;
  let mainIsolate: string | undefined;
  const figures = (p: Phase) => phases.get(p) ?? phases.set(p, { seconds: 0, peakRssMb: 0 }).get(p)!;
  let samplingFailed: unknown;
  // Synchronous reads of /proc: a sample is charged to the phase it was taken in, and none overlaps another.
  const sample = () => {
    try {
      const peak = peakSinceLastSample(child.pid!);
      if (peak !== undefined) figures(phase).peakRssMb = Math.max(figures(phase).peakRssMb, peak / 2 ** 20);
    } catch (err) {
      samplingFailed ??= err;
    }
  };
  const enter = (next: Phase) => {
    if (next === phase) return;
    sample();
    figures(phase).seconds += (performance.now() - phaseStarted) / 1000;
    phase = next;
    phaseStarted = performance.now();
    figures(phase);
  };
  figures(phase);
  const sampler = setInterval(sample, 250);
  // The server's last words (not its GC lines): what a failed start is reported with.
  const tail: string[] = [];
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready in ${START_TIMEOUT_MS / 60_000} minutes:\n${tail.join('\n')}`)),
      START_TIMEOUT_MS,
    );
    const onLine = (line: string) => {
      const gc = GC_LINE.exec(line);
      if (gc) {
        mainIsolate ??= gc[1];
        if (gc[1] !== mainIsolate) return;
        figures(phase).peakHeapMb = Math.max(figures(phase).peakHeapMb ?? 0, Number(gc[3]));
        if (gc[2] === 'Mark-Compact') lastFullGcHeap = Number(gc[4]);
        return;
      }
      tail.push(line);
      if (tail.length > 30) tail.shift();
      const opened = PHASES.find((p) => p.opens.test(line));
      if (opened) enter(opened.phase);
      if (opened?.phase === 'ready') {
        clearTimeout(timer);
        resolve();
      }
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    // 'close', not 'exit': by then its output (a heap-limit message) has been read.
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`the server exited (${code ?? signal}) before it was ready, in ${phase}:\n${tail.join('\n')}`));
    });
  });
  try {
    await ready;
  } finally {
    clearInterval(sampler);
  }
  if (samplingFailed) throw samplingFailed;
  return {
    phases,
    heapAfterLastFullGcMb: lastFullGcHeap,
    rssAtReadyMb: ((await residentBytes(child.pid!)) ?? 0) / 2 ** 20,
    url: `http://127.0.0.1:${port}`,
    child,
  };
}

async function stopServer(child: ChildProcess): Promise<void> {
  await stopProcess(child);
  running.delete(child);
}

/**
 * The process's peak resident memory (bytes) since the last call, from /proc (Linux only;
 * elsewhere undefined): VmHWM, which writing 5 to clear_refs resets to the current size (proc(5)).
 */
function peakSinceLastSample(pid: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined; // it has exited
  }
  const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined; // it has exited
    // Without the reset every later peak would be the peak since start: say so instead.
    throw new Error(`cannot reset the peak resident memory of ${pid} (/proc/${pid}/clear_refs)`, { cause: err });
  }
  return kb === undefined ? undefined : Number(kb) * 1024;
}

/** One homepage for each of `n` profiles (the first profile of accounts a<skip+1>, a<skip+2>, …), one at a time. */
async function homepages(url: string, auth: Authenticator, skip: number, n: number, onDone: (done: number) => void): Promise<number[]> {
  const latencies: number[] = [];
  for (let k = skip + 1; k <= skip + n; k++) {
    const headers = { 'content-type': 'application/json', ...(await authorization(auth, { kind: 'account', accountId: `a${k}` })) };
    const started = performance.now();
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: PAGE_QUERY, variables: { id: `a${k}-p1` } }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: { message: string }[] };
    if (!body.data) throw new Error(`homepage of a${k}-p1 failed: ${JSON.stringify(body.errors)}`);
    latencies.push(performance.now() - started);
    onDone(k - skip);
  }
  return latencies;
}

main().catch(async (err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  await Promise.all([...running].map(stopServer));
  process.exit(1);
});
