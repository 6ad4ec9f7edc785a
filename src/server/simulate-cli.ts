import { Command, CommanderError, Option } from 'commander';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/config';
import { WORLD_SIZES, type WorldSize } from '../domain/dataset';
import type { NewExperimentInput } from '../experiments/experiment-input';
import { errorMessage } from '../shared/error-message';
import { createLogger } from '../shared/logger';
import { stageProgress } from '../shared/progress';
import { DAY_MS } from '../shared/time';
import { writeOutput } from '../simulation/output';
import { simulate } from '../simulation/simulator';
import { summarise, summaryTable } from '../simulation/summary';
import { DEFAULT_WORLD_END } from '../world/sizes';
import { textTable } from '../shared/text-table';
import { RESULTS_QUERY } from './experiment-queries';
import { httpHost, inProcessHost, type SimulationHost } from './simulation-host';

export interface SimulateOptions {
  days: number;
  profiles?: number;
  seed: number;
  size: WorldSize;
  experiment?: string;
  experiments?: string;
  out: string;
  url?: string;
  retrainEvery: number;
  /** Runs seeds seed … seed + repetitions − 1 (in process) and writes how often each experiment's primary metric came out significant. */
  repetitions: number;
}

/**
 * `npm run simulate -- [--days 7] [--profiles N] [--seed 1] [--size small] [--experiments FILE]
 * [--experiment ID] [--out DIR] [--url URL] [--retrain-every 1]`: simulated viewers use the API
 * (in process on a fresh world by default, or a running server with --url), experiments in FILE
 * are created and started first, and the run's tables, charts and the experiments' reports go to DIR.
 */
export async function runSimulation(
  o: SimulateOptions,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<{ table: string; dir: string }> {
  if (o.repetitions > 1) return repeatSimulation(o, env, log);
  return simulateOnce(o, env, log);
}

interface Report {
  sampleRatio: { mismatch: boolean } | null;
  metrics: { metric: string; variant: string; difference: number; low: number | null; high: number | null; significant: boolean }[];
}

/**
 * The same simulation for `repetitions` seeds (a new world and new viewers each), then per
 * experiment how many runs found its primary metric significant and how many flagged a sample
 * ratio mismatch: an A/A run this way should flag about 5% and never mismatch.
 */
async function repeatSimulation(
  o: SimulateOptions,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<{ table: string; dir: string }> {
  const definitions = o.experiments ? (JSON.parse(await fs.readFile(o.experiments, 'utf8')) as NewExperimentInput[]) : [];
  const runs: { seed: number; reports: Record<string, Report> }[] = [];
  for (let k = 0; k < o.repetitions; k++) {
    const seed = o.seed + k;
    const dir = path.join(o.out, `seed-${seed}`);
    await simulateOnce({ ...o, seed, out: dir, repetitions: 1 }, env, log);
    runs.push({ seed, reports: JSON.parse(await fs.readFile(path.join(dir, 'reports.json'), 'utf8')) as Record<string, Report> });
    log(`repetition ${k + 1}/${o.repetitions} (seed ${seed}) done`);
  }
  const rows = definitions.map((d) => {
    const primary = runs.map((r) => r.reports[d.id].metrics.filter((m) => m.metric === d.primaryMetric));
    const significant = primary.filter((ms) => ms.some((m) => m.significant)).length;
    const mismatches = runs.filter((r) => r.reports[d.id].sampleRatio?.mismatch).length;
    return { experiment: d.id, metric: d.primaryMetric, runs: runs.length, significant, share: significant / runs.length, mismatches };
  });
  await fs.writeFile(path.join(o.out, 'repetitions.json'), `${JSON.stringify({ parameters: o, rows, runs }, null, 2)}\n`);
  const table = textTable(
    ['experiment', 'primary metric', 'runs', 'significant', 'share', 'SRM flagged'],
    rows.map((r) => [r.experiment, r.metric, String(r.runs), String(r.significant), r.share.toFixed(3), String(r.mismatches)]),
  );
  await fs.writeFile(path.join(o.out, 'repetitions.txt'), `${table}\n`);
  return { table, dir: o.out };
}

async function simulateOnce(
  o: SimulateOptions,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<{ table: string; dir: string }> {
  const config = loadConfig(env);
  const progress = stageProgress();
  const start = DEFAULT_WORLD_END;
  let host: SimulationHost | undefined;
  try {
    host = o.url
      ? await httpHost({ url: o.url, config })
      : await inProcessHost({ size: o.size, seed: o.seed, start, config, logger: createLogger('warn'), onProgress: progress.update });
    const definitions = o.experiments ? (JSON.parse(await fs.readFile(o.experiments, 'utf8')) as NewExperimentInput[]) : [];
    for (const input of definitions) {
      await host.asAdmin(`mutation Create($input: NewExperimentInput!) { createExperiment(input: $input) { id } }`, { input }, start);
      await host.asAdmin(`mutation Start($id: ID!) { startExperiment(id: $id) { id } }`, { id: input.id }, start);
    }
    const tallied = o.experiment ?? definitions[0]?.id;
    const unit = definitions.find((d) => d.id === tallied)?.unit ?? 'ACCOUNT';
    const h = host;
    const tally = await simulate({
      world: h.world,
      client: h.client,
      days: o.days,
      profiles: o.profiles,
      seed: o.seed,
      start,
      experiments: tallied ? [{ id: tallied, unit }] : [],
      endOfDay: async (day) => {
        progress.update('simulated days', day + 1, o.days);
        if (h.retrain && o.retrainEvery > 0 && (day + 1) % o.retrainEvery === 0 && day + 1 < o.days)
          await h.retrain(start + (day + 1) * DAY_MS);
      },
    });
    const end = start + o.days * DAY_MS;
    const reports: Record<string, unknown> = {};
    for (const id of new Set([...definitions.map((d) => d.id), ...(tallied ? [tallied] : [])]))
      reports[id] = (await h.asAdmin<{ experimentResults: unknown }>(RESULTS_QUERY, { id }, end)).experimentResults;
    const summary = summarise(tally, o.days, h.world.titles.length);
    const written = await writeOutput(o.out, summary, { parameters: { ...o, experiments: definitions.map((d) => d.id) }, reports });
    log(`wrote ${written.files.join(', ')} to ${written.dir}`);
    return { table: summaryTable(summary), dir: written.dir };
  } finally {
    progress.stop();
    await host?.close();
  }
}

const positiveInt = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, got ${JSON.stringify(v)}`);
  return n;
};

export function parseSimulateArgs(argv: readonly string[]): SimulateOptions {
  return new Command('simulate')
    .description('Simulated viewers use the API for some days; experiments run on them; tables, charts and reports are written.')
    .option('--days <n>', 'simulated days', positiveInt('--days'), 7)
    .option('--profiles <n>', 'profiles taking part (the first by id; all of the world by default)', positiveInt('--profiles'))
    .option('--seed <n>', 'seed of the world (in process) and of the viewers', positiveInt('--seed'), 1)
    .addOption(new Option('--size <size>', 'world size (in process)').choices(WORLD_SIZES).default('small'))
    .option('--experiments <file>', 'a JSON array of NewExperimentInput: created and started before day 0')
    .option('--experiment <id>', 'the experiment whose variants the tables group units by (default: the first of --experiments)')
    .option('--out <dir>', 'where the report goes', path.join('simulation-output', 'latest'))
    .option('--url <url>', "a running server's GraphQL endpoint (its DATA_DIR must be readable here); in process when absent")
    .option(
      '--retrain-every <days>',
      'retrain the model bundle every so many simulated days (in process; 0: never)',
      positiveInt('--retrain-every'),
      1,
    )
    .option(
      '--repetitions <n>',
      'run seeds seed … seed+n−1 and count how often each primary metric is significant (A/A checks)',
      positiveInt('--repetitions'),
      1,
    )
    .exitOverride()
    .parse([...argv], { from: 'user' })
    .opts<SimulateOptions>();
}

if (require.main === module) {
  // Parsed inside the chain, so that --help and a bad option (CommanderErrors) end in the catch below.
  Promise.resolve()
    .then(() => runSimulation(parseSimulateArgs(process.argv.slice(2)), process.env, (line) => process.stderr.write(`${line}\n`)))
    .then(({ table }) => process.stdout.write(`${table}\n`))
    .catch((err) => {
      if (err instanceof CommanderError) process.exit(err.exitCode);
      process.stderr.write(`simulate: ${errorMessage(err)}\n`);
      process.exit(1);
    });
}
