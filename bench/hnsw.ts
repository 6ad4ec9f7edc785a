import { Command } from 'commander';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readMovieLens } from '../src/import/movielens';
import { stageProgress } from '../src/shared/progress';
import { HNSW_DEFAULTS, HnswIndex } from '../src/retrieval/hnsw-index';
import { DEFAULT_ALS, type AlsOptions } from '../src/retrieval/als';
import { generateWorld } from '../src/world/generate';
import { sharedDataFile } from '../test/support/fixture-data';
import { clusteredVectors, innerProduct, recallWithTies, servedVectors, type RecallQuery } from '../test/support/synthetic-vectors';
import { BruteForceIndex, type Neighbour, type VectorIndex } from '../src/retrieval/vector-index';
import { Rng } from '../src/shared/random';
import { percentiles, printReport, type Measurement } from './report';
import { errorStack } from '../src/shared/error-message';

interface Options {
  n: number;
  dim: number;
  queries: number;
  k: number;
  m: number;
  efConstruction: number;
  /** β values, one index each; undefined: the index calibrates its own. */
  augmentation: (number | undefined)[];
  als?: Partial<AlsOptions>;
  exactScanBelow: number;
  efs: number[];
  seed: number;
  vectors?: string;
  world?: boolean;
  movielens?: string | true;
}

interface Workload {
  vectors: Float32Array;
  dim: number;
  /** Named query sets, each measured on its own (latency and recall). */
  sets: { name: string; queries: RecallQuery[] }[];
  source: string;
}

/**
 * `npm run bench -- hnsw [--world | --movielens [DIR] | --vectors FILE | --n 5000 --dim 64]`:
 * HNSW build time, then per ef and query set the query latency and recall@k against brute force
 * (ties at the k-th score count as found). --world and --movielens train the vectors a model
 * bundle serves (DEFAULT_ALS) and query them with trained and folded-in profile vectors, with
 * and without the profile's own filter; the default is clustered synthetic vectors.
 * `--augmentation 1 --efs 800` builds and searches the index as older code did (the full
 * norm-equalising coordinate, ef 800); `--exact-scan-below 0` measures the graph alone on
 * filters that the served index answers by an exact scan.
 */
async function main(): Promise<void> {
  const int = (v: string) => Number.parseInt(v, 10);
  const opts = new Command('bench hnsw')
    .description('HNSW build time, then per ef the query latency and recall@k against brute force')
    .option('--world', "the default world's served ALS vectors (seed --seed) and its profiles as queries")
    .option('--movielens [dir]', "ml-latest-small's served ALS vectors and its profiles as queries")
    .option('--vectors <file>', 'title vectors saved by BruteForceIndex.save instead of synthetic ones')
    .option('--n <n>', 'synthetic title vectors', int, 5000)
    .option('--dim <dim>', 'synthetic vector dimension', int, 64)
    .option('--queries <n>', 'queries per set (profiles, for --world and --movielens)', int, 500)
    .option('--k <k>', 'neighbours per query (the collaborative source asks for ~300)', int, 300)
    .option('--m <m>', 'HNSW out-degree', int, HNSW_DEFAULTS.m)
    .option('--ef-construction <n>', 'HNSW build beam', int, HNSW_DEFAULTS.efConstruction)
    .option(
      '--augmentation <list>',
      'β of the norm-filling coordinate (1: the full MIPS reduction, 0: none, calibrated: chosen at build); a list builds one index each',
      (v) => v.split(',').map((x) => (x === 'calibrated' ? undefined : Number(x))),
      [undefined],
    )
    .option('--als <json>', 'ALS options over DEFAULT_ALS for --world and --movielens, e.g. a tuned {"regularizationExponent":0.75}', (v) =>
      JSON.parse(v),
    )
    .option(
      '--exact-scan-below <share>',
      'filters letting through at most this share of titles are answered exactly (0: the graph always)',
      Number,
      HNSW_DEFAULTS.exactScanBelowShare,
    )
    .option('--efs <list>', 'query beams to measure, comma-separated', (v) => v.split(',').map(int), [300, 400, 500, 600, 800])
    .option('--seed <n>', 'data and graph seed (the world seed for --world)', int, 7)
    .parse()
    .opts<Options>();
  const progress = stageProgress();
  const work = opts.world
    ? world(opts, progress.update)
    : opts.movielens
      ? await movieLens(opts)
      : opts.vectors
        ? await fromFile(opts)
        : synthetic(opts);
  const { dim, vectors } = work;

  const exact = new BruteForceIndex(vectors, dim);
  const rows: Measurement[] = [];
  const truths = work.sets.map((set) => {
    const bf = timed(exact, set.queries, opts.k);
    rows.push({ name: `brute force k=${opts.k}, ${set.name}`, unit: 'ms', ...percentiles(bf.ms) });
    return bf.results;
  });
  progress.update('brute force', 1, 1);

  for (const beta of opts.augmentation) {
    // With one β the rows keep their plain names; a sweep names each row's β.
    const at = opts.augmentation.length > 1 ? `β=${beta ?? 'calibrated'} ` : '';
    const t = performance.now();
    const hnsw = HnswIndex.build(
      vectors,
      dim,
      { m: opts.m, efConstruction: opts.efConstruction, augmentation: beta, exactScanBelowShare: opts.exactScanBelow, seed: opts.seed },
      (done, total) => progress.update(`hnsw build ${at}`.trim(), done, total),
    );
    rows.push(
      { name: `hnsw ${at}build`, unit: 's', value: (performance.now() - t) / 1000 },
      { name: `hnsw ${at}β built with`, unit: 'β', value: hnsw.augmentation },
    );
    for (const [i, ef] of opts.efs.entries()) {
      hnsw.setEf(ef);
      work.sets.forEach((set, s) => {
        const got = timed(hnsw, set.queries, opts.k);
        const recall =
          got.results.reduce(
            (sum, found, q) => sum + recallWithTies(found, truths[s][q], (label) => innerProduct(set.queries[q].vector, vectors, label)),
            0,
          ) / got.results.length;
        rows.push(
          { name: `hnsw ${at}ef=${ef} k=${opts.k}, ${set.name}`, unit: 'ms', ...percentiles(got.ms) },
          { name: `hnsw ${at}ef=${ef} recall@${opts.k}, ${set.name}`, unit: 'recall', value: recall },
        );
      });
      progress.update(`ef sweep ${at}`.trim(), i + 1, opts.efs.length);
    }
  }
  progress.stop();
  printReport(
    'hnsw',
    {
      source: work.source,
      n: exact.size,
      dim,
      queries: Object.fromEntries(work.sets.map((s) => [s.name, s.queries.length])),
      k: opts.k,
      m: opts.m,
      efConstruction: opts.efConstruction,
      augmentation: opts.augmentation.map((b) => b ?? 'calibrated'),
      als: { ...DEFAULT_ALS, ...opts.als },
      exactScanBelowShare: opts.exactScanBelow,
      cpus: os.cpus().length,
    },
    rows,
  );
}

/** Latency per query after a warm-up pass (the first calls pay for JIT and cold caches). */
function timed(index: VectorIndex, queries: RecallQuery[], k: number) {
  for (const q of queries.slice(0, 20)) index.search(q.vector, k, q.accept);
  const ms: number[] = [];
  const results: Neighbour[][] = [];
  for (const q of queries) {
    const t = performance.now();
    results.push(index.search(q.vector, k, q.accept));
    ms.push(performance.now() - t);
  }
  return { ms, results };
}

function world(opts: Options, onProgress: (stage: string, done: number, total: number) => void): Workload {
  const data = generateWorld('default', opts.seed, onProgress);
  onProgress('als', 0, 1);
  const served = servedVectors(`default world, seed ${opts.seed}`, data, { queries: opts.queries, als: { ...DEFAULT_ALS, ...opts.als } });
  onProgress('als', 1, 1);
  return { vectors: served.titleVectors, dim: served.dim, sets: served.sets, source: served.source };
}

async function movieLens(opts: Options): Promise<Workload> {
  const dir = opts.movielens === true ? sharedDataFile('movielens-small') : opts.movielens!;
  if (!existsSync(path.join(dir, 'ratings.csv'))) throw new Error(`${dir} holds no ratings.csv`);
  const served = servedVectors(path.basename(dir), (await readMovieLens(dir)).data, {
    queries: opts.queries,
    als: { ...DEFAULT_ALS, ...opts.als },
  });
  return { vectors: served.titleVectors, dim: served.dim, sets: served.sets, source: served.source };
}

function synthetic(opts: Options): Workload {
  const data = clusteredVectors({ n: opts.n, dim: opts.dim, queries: opts.queries, allowedShare: 0.3, seed: opts.seed });
  const queries = Array.from({ length: opts.queries }, (_, q) => data.queries.subarray(q * opts.dim, (q + 1) * opts.dim));
  const accept = (label: number) => data.allowed[label] === 1;
  return {
    vectors: data.vectors,
    dim: opts.dim,
    sets: [
      { name: 'unfiltered', queries: queries.map((vector) => ({ vector })) },
      { name: '30% cluster filter', queries: queries.map((vector) => ({ vector, accept })) },
    ],
    source: 'synthetic clusters',
  };
}

/**
 * Saved title vectors carry no profiles, so queries are sums of a few random titles (roughly
 * what folding in a short viewing history gives) and the filter is a seeded random 30%.
 */
async function fromFile(opts: Options): Promise<Workload> {
  const loaded = await BruteForceIndex.load(opts.vectors!);
  const { vectors, dim, size } = loaded;
  const rng = new Rng(`bench-hnsw:${opts.seed}`);
  const queries = Array.from({ length: opts.queries }, () => {
    const q = new Float32Array(dim);
    for (let t = 0; t < 5; t++) {
      const label = rng.int(0, size - 1);
      for (let j = 0; j < dim; j++) q[j] += vectors[label * dim + j];
    }
    return q;
  });
  const allowed = Uint8Array.from({ length: size }, () => (rng.chance(0.3) ? 1 : 0));
  const accept = (label: number) => allowed[label] === 1;
  return {
    vectors,
    dim,
    sets: [
      { name: 'unfiltered', queries: queries.map((vector) => ({ vector })) },
      { name: '30% random filter', queries: queries.map((vector) => ({ vector, accept })) },
    ],
    source: opts.vectors!,
  };
}

main().catch((err) => {
  process.stderr.write(`${errorStack(err)}\n`);
  process.exit(1);
});
