import 'reflect-metadata';
import { Command } from 'commander';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../graph/embedded/embedded-store';
import { loadDataset } from '../src/catalog/load-dataset';
import { stageProgress } from '../src/shared/progress';
import { projectRoot } from '../src/shared/paths';
import { readMovieLens } from '../src/import/movielens';
import { DEFAULT_ALS, trainAls } from '../src/retrieval/als';
import { DEFAULT_FEEDBACK } from '../src/retrieval/implicit-feedback';
import { watchStatesFrom } from '../src/domain/watch-state';
import { buildInteractions } from '../src/retrieval/interactions';
import { createServices } from '../src/server/services';
import { DEFAULT_RANKER_TRAINING } from '../src/models/bundle-options';
import { trainBundle } from '../src/training/train-bundle';
import { generateWorld, observable } from '../src/world/generate';
import { percentiles, printReport, type Measurement } from './report';
import { errorStack } from '../src/shared/error-message';

/**
 * `npm run bench -- retrieval [--requests 1000]`: ALS training time on the default world and on
 * ml-latest-small (when present), and candidate generation per homepage (all sources, union of
 * about 300) on the default world, p50/p99.
 */
async function main(): Promise<void> {
  const opts = new Command('bench retrieval')
    .description('ALS training time (default world, ml-latest-small), HNSW build, candidate generation per homepage p50/p99')
    .option('--requests <n>', 'candidate generations to time', (v) => Number.parseInt(v, 10), 1000)
    .option('--movielens <dir>', 'MovieLens folder', path.join(projectRoot(), '..', 'shared', 'data', 'movielens-small'))
    .parse()
    .opts<{ requests: number; movielens: string }>();
  const progress = stageProgress();
  const rows: Measurement[] = [];
  const timeAls = (name: string, events: Parameters<typeof watchStatesFrom>[0], titleIds: string[]) => {
    const states = watchStatesFrom(events);
    const data = buildInteractions(states, titleIds, DEFAULT_FEEDBACK);
    const started = performance.now();
    trainAls(data.matrix, DEFAULT_ALS, (d, n) => progress.update(`als ${name}`, d, n));
    const seconds = (performance.now() - started) / 1000;
    rows.push({ name: `ALS training, ${name} (${data.matrix.colIdx.length} interactions)`, unit: 's', value: seconds });
    rows.push({ name: `ALS training, ${name}`, unit: 's/iteration', value: seconds / DEFAULT_ALS.iterations });
  };
  const world = observable(generateWorld('default', 7, progress.update));
  timeAls('default world', world.playbacks, world.titles.map((t) => t.id).sort());
  if (existsSync(path.join(opts.movielens, 'ratings.csv'))) {
    const { data } = await readMovieLens(opts.movielens);
    timeAls('ml-latest-small', data.playbacks, data.titles.map((t) => t.id).sort());
  } else {
    process.stderr.write(`${opts.movielens} is absent: no MovieLens timing\n`);
  }

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-retrieval-'));
  const store = await EmbeddedStore.open(dir);
  await loadDataset(store, world, progress.update);
  const bundle = await trainBundle(
    store,
    { als: DEFAULT_ALS, feedback: DEFAULT_FEEDBACK, ranker: DEFAULT_RANKER_TRAINING },
    progress.update,
  );
  rows.push({ name: 'HNSW build (5,000 title vectors)', unit: 's', value: bundle.manifest.seconds.hnsw });
  const services = await createServices(store, bundle);
  const ids = world.profiles.map((p) => p.id);
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < opts.requests; i++) {
    const req = await services.homepage.request(ids[(i * 7919) % ids.length], { device: 'TV' });
    const started = performance.now();
    total += (await services.models.now.retrieval.generate(req)).length;
    times.push(performance.now() - started);
    progress.update('candidates', i + 1, opts.requests);
  }
  progress.stop();
  rows.push({ name: 'candidate generation per homepage (all sources)', unit: 'ms', ...percentiles(times) });
  rows.push({ name: 'candidates per homepage', unit: 'titles', value: total / opts.requests });
  await services.close();
  await store.close();
  await fs.rm(dir, { recursive: true, force: true });
  printReport(
    'retrieval',
    { requests: opts.requests, cpus: os.cpus().length, factors: DEFAULT_ALS.factors, iterations: DEFAULT_ALS.iterations },
    rows,
  );
}

main().catch((err) => {
  process.stderr.write(`${errorStack(err)}\n`);
  process.exit(1);
});
