import { Command } from 'commander';
import os from 'node:os';
import { stageProgress } from '../src/shared/progress';
import { HNSW_DEFAULTS, HnswIndex } from '../src/retrieval/hnsw-index';
import { clusteredVectors, recall } from '../test/support/synthetic-vectors';
import { BruteForceIndex, type Neighbour, type VectorIndex } from '../src/retrieval/vector-index';
import { Rng } from '../src/shared/random';
import { percentiles, printReport, type Measurement } from './report';
import { errorStack } from '../src/shared/error-message';

// 600 is not in the original sweep; it sits between the old default (400) and the new one (800).
const EFS = [50, 100, 200, 300, 400, 600, 800];

interface Options {
  n: number;
  dim: number;
  queries: number;
  k: number;
  m: number;
  efConstruction: number;
  seed: number;
  vectors?: string;
}

interface Workload {
  vectors: Float32Array;
  dim: number;
  queries: Float32Array[];
  /** ~30% of labels, standing in for a maturity filter such as a kids profile. */
  allowed: Uint8Array;
  source: string;
}

/**
 * `npm run bench -- hnsw [--n 5000 --dim 64 --queries 500] [--vectors FILE]`: HNSW build time,
 * then per ef the query latency (k, and k with a 30% filter) and recall@k against brute force.
 */
async function main(): Promise<void> {
  const int = (v: string) => Number.parseInt(v, 10);
  const opts = new Command('bench hnsw')
    .description('HNSW build time, then per ef the query latency and recall@k against brute force')
    .option('--n <n>', 'synthetic title vectors', int, 5000)
    .option('--dim <dim>', 'synthetic vector dimension', int, 64)
    .option('--queries <n>', 'queries per measurement', int, 500)
    .option('--k <k>', 'neighbours per query (the collaborative source asks for ~300)', int, 300)
    .option('--m <m>', 'HNSW out-degree', int, HNSW_DEFAULTS.m)
    .option('--ef-construction <n>', 'HNSW build beam', int, HNSW_DEFAULTS.efConstruction)
    .option('--seed <n>', 'data and graph seed', int, 7)
    .option('--vectors <file>', 'title vectors saved by BruteForceIndex.save instead of synthetic ones')
    .parse()
    .opts<Options>();
  const work = opts.vectors ? await fromFile(opts) : synthetic(opts);
  const { dim, queries, allowed } = work;
  const accept = (label: number) => allowed[label] === 1;
  const progress = stageProgress();

  const exact = new BruteForceIndex(work.vectors, dim);
  const t = performance.now();
  const hnsw = HnswIndex.build(work.vectors, dim, { m: opts.m, efConstruction: opts.efConstruction, seed: opts.seed }, (done, total) =>
    progress.update('hnsw build', done, total),
  );
  const buildSeconds = (performance.now() - t) / 1000;

  const bf = timed(exact, queries, opts.k);
  const bfFiltered = timed(exact, queries, opts.k, accept);
  progress.update('brute force', 1, 1);
  const rows: Measurement[] = [
    { name: 'hnsw build', unit: 's', value: buildSeconds },
    { name: `brute force k=${opts.k}`, unit: 'ms', ...percentiles(bf.ms) },
    { name: `brute force k=${opts.k}, 30% filter`, unit: 'ms', ...percentiles(bfFiltered.ms) },
  ];
  for (const [i, ef] of EFS.entries()) {
    hnsw.setEf(ef);
    const plain = timed(hnsw, queries, opts.k);
    const filtered = timed(hnsw, queries, opts.k, accept);
    const meanRecall = (got: Neighbour[][], want: Neighbour[][]) => got.reduce((s, g, q) => s + recall(g, want[q]), 0) / got.length;
    rows.push(
      { name: `hnsw ef=${ef} k=${opts.k}`, unit: 'ms', ...percentiles(plain.ms) },
      { name: `hnsw ef=${ef} k=${opts.k}, 30% filter`, unit: 'ms', ...percentiles(filtered.ms) },
      { name: `hnsw ef=${ef} recall@${opts.k}`, unit: 'recall', value: meanRecall(plain.results, bf.results) },
      { name: `hnsw ef=${ef} recall@${opts.k}, 30% filter`, unit: 'recall', value: meanRecall(filtered.results, bfFiltered.results) },
    );
    progress.update('ef sweep', i + 1, EFS.length);
  }
  progress.stop();
  const share = allowed.reduce((a, b) => a + b, 0) / exact.size;
  printReport(
    'hnsw',
    {
      source: work.source,
      n: exact.size,
      dim,
      queries: queries.length,
      k: opts.k,
      m: opts.m,
      efConstruction: opts.efConstruction,
      filterShare: share,
      cpus: os.cpus().length,
    },
    rows,
  );
}

/** Latency per query after a warm-up pass (the first calls pay for JIT and cold caches). */
function timed(index: VectorIndex, queries: Float32Array[], k: number, accept?: (label: number) => boolean) {
  for (const q of queries.slice(0, 20)) index.search(q, k, accept);
  const ms: number[] = [];
  const results: Neighbour[][] = [];
  for (const q of queries) {
    const t = performance.now();
    results.push(index.search(q, k, accept));
    ms.push(performance.now() - t);
  }
  return { ms, results };
}

function synthetic(opts: Options): Workload {
  const data = clusteredVectors({ n: opts.n, dim: opts.dim, queries: opts.queries, allowedShare: 0.3, seed: opts.seed });
  const queries = Array.from({ length: opts.queries }, (_, q) => data.queries.subarray(q * opts.dim, (q + 1) * opts.dim));
  return { vectors: data.vectors, dim: opts.dim, queries, allowed: data.allowed, source: 'synthetic clusters' };
}

/**
 * Real title vectors carry no cluster labels, so queries are sums of a few random titles (roughly
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
  return { vectors, dim, queries, allowed, source: opts.vectors! };
}

main().catch((err) => {
  process.stderr.write(`${errorStack(err)}\n`);
  process.exit(1);
});
