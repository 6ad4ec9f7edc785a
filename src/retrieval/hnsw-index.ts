import { promises as fs } from 'node:fs';
import { HierarchicalNSW } from 'hnswlib-node';
import { BruteForceIndex, checkQuery, compareNeighbours, writeAtomically, type Neighbour, type VectorIndex } from './vector-index';

/**
 * Defaults measured with bench/hnsw.ts at k = 300 (what the collaborative source asks for) on the
 * ALS vectors the default world trains (`npm run bench -- hnsw --world`), ml-latest-small's and
 * clustered synthetic ones; docs/EVALUATION.md, "The served index", has the tables. hnswlib
 * searches with max(ef, k), so any ef below 300 behaves exactly like 300.
 */
export interface HnswOptions {
  /** Graph out-degree (level 0 keeps up to 2M links). hnswlib's default 16. */
  m?: number;
  /** Build beam. 400 rather than hnswlib's 200: the graph is built once, offline (about 2 s for 5,000 titles). */
  efConstruction?: number;
  /**
   * Query beam, ≥ k. 500: the world's vectors reach recall@300 0.99 already at 300; 500 keeps
   * 0.986 on 20,000 synthetic titles, where 400 gives 0.977.
   */
  ef?: number;
  /** Seeds hnswlib's level generator; with single-threaded inserts in label order the graph is reproducible. */
  seed?: number;
  /**
   * β of the norm-filling coordinate β·sqrt(maxNorm² − |x|²) appended to each title vector
   * (queries get 0 there, so inner products and answers are exact for any β; β only shapes the
   * graph). 1 is the full MIPS-to-nearest-neighbour reduction, 0 the raw inner product; each
   * starves the graph of links on some data (see HnswIndex). A list is calibrated at build: each
   * tried in turn until the graph finds what an exact scan finds. Absent: AUGMENTATIONS.
   */
  augmentation?: number | readonly number[];
  /**
   * Queries the calibration checks the graph with (vectors of `dim`, e.g. the trained profile
   * vectors, sampled evenly); absent, a sample of the title vectors themselves.
   */
  calibrationQueries?: Float32Array;
  /**
   * A filter that lets through at most this share of the titles is answered by scoring exactly
   * the titles it allows (0: never). hnswlib's filtered search visits about k / share nodes and
   * calls the filter from C++ for each; a kids profile's filter allows 5-18% of the world's
   * titles, and the graph search took 1.8 ms at p50 where the exact scan takes 0.4 ms. Not
   * stored in the index file.
   */
  exactScanBelowShare?: number;
}

export const HNSW_DEFAULTS: Required<Omit<HnswOptions, 'augmentation' | 'calibrationQueries'>> = {
  m: 16,
  efConstruction: 400,
  ef: 500,
  seed: 100,
  exactScanBelowShare: 0.25,
};

/**
 * β values a build tries in turn, keeping the first whose graph reaches CALIBRATION_RECALL on
 * the calibration queries (else the best). 0.6 was best or within 0.01 of best on the default
 * world's vectors, the served MovieLens ones and clustered synthetic ones; ALS tuned on
 * ml-latest-small (ν 0.75, λ 0.06: median title norm a ninth of the longest) splits the β 0.6
 * graph into a short-vector and a long-vector part, recall@300 0.52 at any ef, where β 0 reaches 0.997.
 */
export const AUGMENTATIONS = [0.6, 0, 1, 0.3] as const;
/** Recall@k against an exact scan that a calibrated graph must reach on its calibration queries. */
export const CALIBRATION_RECALL = 0.97;
const CALIBRATION_QUERIES = 50;
/** What the collaborative source asks for. */
const CALIBRATION_K = 300;

interface CalibrationQuery {
  /** At unit length, as search() asks the graph. */
  query: Float32Array;
  labels: Set<number>;
  /** The exact answer's last score, at unit length. */
  last: number;
}

/** Up to CALIBRATION_QUERIES non-zero vectors of `from`, evenly spaced, at unit length, with their exact answers. */
function calibrationQueries(from: Float32Array, dim: number, exact: BruteForceIndex): CalibrationQuery[] {
  const count = from.length / dim;
  const step = Math.max(1, count / CALIBRATION_QUERIES);
  const k = Math.min(CALIBRATION_K, exact.size);
  const out: CalibrationQuery[] = [];
  for (let at = step / 2; at < count && k > 0; at += step) {
    const row = from.subarray(Math.floor(at) * dim, (Math.floor(at) + 1) * dim);
    const norm = Math.hypot(...row);
    if (norm === 0) continue;
    const query = row.map((x) => x / norm);
    const answer = exact.search(query, k);
    out.push({ query, labels: new Set(answer.map((x) => x.label)), last: answer.at(-1)!.score });
  }
  return out;
}

/** Labels the filter is asked about to estimate its share (evenly spaced over the index). */
const SHARE_SAMPLE = 200;

/**
 * Approximate maximum-inner-product search with hnswlib's 'ip' space. hnswlib ranks by
 * distance = 1 - dot; queries are searched at unit length and scores scaled back, so they are
 * float32-precision inner products whatever the query's norm (at its own length, a query of norm
 * 1e-9 left every distance at 1.0 in float32 and its answer arbitrary).
 *
 * The graph is built with one extra coordinate per title, β·sqrt(maxNorm² − |x|²), and queries
 * get 0 there, so every inner product with a query is unchanged. Without it (β = 0, hnswlib on
 * raw inner products) the longest vectors are everyone's best neighbours; with β = 1 (every
 * title lifted to the longest one's norm, Bachrach et al. 2014) the graph is, in effect, a
 * Euclidean neighbour graph of the raw vectors, in which the shortest vectors are everyone's
 * nearest. Either way HNSW's neighbour selection, which drops a candidate that a kept neighbour
 * is closer to than the node itself, keeps the link to the hub and drops the others:
 *
 * - The default world's ALS title vectors spread their norms widely: max 3.5, median 0.61, 28%
 *   of titles under a tenth of the max, 441 of 5,000 exactly zero (titles nobody played: ALS
 *   solves them to 0). Their directions are diverse (64 dimensions, 25 genres; a title's cosine
 *   with the mean direction is 0.19 at the median). Under β = 1 a title of norm r is about r
 *   away from the near-zero titles and r·sqrt(2 − 2cos) from a same-norm title, so only titles
 *   within 60° of it are nearer than the near-zero core. Titles of at least a tenth of the max
 *   norm kept 4.0 level-0 links on average (of 32), 26% of them into the core: recall@300 0.665
 *   at ef 800, and raising ef only bought 0.868 at ef 2000.
 * - Clustered synthetic vectors (test/support/synthetic-vectors.ts: no near-zero vectors,
 *   directions set by 40 cluster centres) fail the other way under β = 0: the long vectors of a
 *   cluster are every member's best inner product, level-0 out-degree falls to 7.7 and one title
 *   has 1,510 in-links (recall@300 0.60 at 20,000 titles, ef 500).
 *
 * β = 0.6 keeps both kinds of hub from shadowing real neighbours: 22 links per title of at
 * least a tenth of the max norm, 6% into the core, at most 53 in-links; recall@300 0.998 on the
 * world's vectors (trained and folded-in profiles, with and without their filter), 1.000 on
 * ml-latest-small's, 0.99 on the synthetic ones (docs/EVALUATION.md, "The served index").
 * Other data can still split the β 0.6 graph (AUGMENTATIONS), so a build checks its graph
 * against exact answers and tries the next β when it misses them. The file layout is what it was (dim + 1 floats per title), so an index built with β = 1 by older
 * code loads and answers exactly-scored results, with its lower recall, until the next training.
 *
 * A filter that allows few titles (a kids profile's) is answered by an exact scan of the title
 * vectors instead (see exactScanBelowShare); they are kept beside the graph, and read back from
 * the index file on load.
 */
export class HnswIndex implements VectorIndex {
  private constructor(
    private readonly index: HierarchicalNSW,
    /** The same title vectors, for filters that allow too few titles for the graph to be quicker. */
    private readonly exact: BruteForceIndex,
    ef: number,
    private readonly exactScanBelowShare: number,
    /** The β the graph was built with (NaN for an index loaded from a file: the file does not say). */
    readonly augmentation = Number.NaN,
  ) {
    this.setEf(ef);
  }

  get dim(): number {
    return this.exact.dim;
  }

  get size(): number {
    return this.index.getCurrentCount();
  }

  get ef(): number {
    return this.index.getEf();
  }

  static build(
    vectors: Float32Array,
    dim: number,
    options: HnswOptions = {},
    onProgress?: (done: number, total: number) => void,
  ): HnswIndex {
    if (!Number.isInteger(dim) || dim <= 0) throw new Error(`dim must be a positive integer, got ${dim}`);
    if (vectors.length % dim !== 0) throw new Error(`${vectors.length} floats is not a whole number of ${dim}-d vectors`);
    // `??` rather than spreading, so an explicit `{ ef: undefined }` still means "default".
    const m = options.m ?? HNSW_DEFAULTS.m;
    const efConstruction = options.efConstruction ?? HNSW_DEFAULTS.efConstruction;
    const ef = options.ef ?? HNSW_DEFAULTS.ef;
    const seed = options.seed ?? HNSW_DEFAULTS.seed;
    const betas = typeof options.augmentation === 'number' ? [options.augmentation] : (options.augmentation ?? AUGMENTATIONS);
    for (const beta of betas) if (!(beta >= 0 && beta <= 1)) throw new Error(`augmentation must be within 0..1, got ${beta}`);
    const n = vectors.length / dim;
    const squaredNorms = new Float64Array(n);
    for (let i = 0; i < vectors.length; i++) squaredNorms[Math.floor(i / dim)] += vectors[i] * vectors[i];
    const maxSquaredNorm = squaredNorms.reduce((a, b) => Math.max(a, b), 0);
    const exact = new BruteForceIndex(vectors, dim);
    const share = options.exactScanBelowShare ?? HNSW_DEFAULTS.exactScanBelowShare;
    const queries = betas.length > 1 ? calibrationQueries(options.calibrationQueries ?? vectors, dim, exact) : [];
    let best: { index: HnswIndex; recall: number } | undefined;
    for (const [attempt, beta] of betas.entries()) {
      const index = new HierarchicalNSW('ip', dim + 1);
      index.initIndex({ maxElements: Math.max(1, n), m, efConstruction, randomSeed: seed });
      const every = Math.max(1, Math.floor(n / 100));
      for (let label = 0; label < n; label++) {
        // hnswlib-node 3.0.0 only accepts plain arrays; labels are row indexes so results map straight back.
        const point = Array.from(vectors.subarray(label * dim, (label + 1) * dim));
        point.push(beta * Math.sqrt(Math.max(0, maxSquaredNorm - squaredNorms[label])));
        index.addPoint(point, label);
        if (onProgress && ((label + 1) % every === 0 || label + 1 === n)) onProgress(attempt * n + label + 1, betas.length * n);
      }
      const built = new HnswIndex(index, exact, ef, share, beta);
      if (queries.length === 0) return built;
      const recall = built.recallOn(queries);
      if (!best || recall > best.recall) best = { index: built, recall };
      if (recall >= CALIBRATION_RECALL) break;
    }
    onProgress?.(betas.length * n, betas.length * n);
    return best!.index;
  }

  /** Mean recall@300 of the graph against the exact answers (ties at the last exact score count as found). */
  private recallOn(queries: readonly CalibrationQuery[]): number {
    let sum = 0;
    for (const { query, labels, last } of queries) {
      const found = this.nearest(query, 1, labels.size);
      sum += found.filter((x) => labels.has(x.label) || x.score >= last).length / labels.size;
    }
    return sum / queries.length;
  }

  /** ef is not stored in hnswlib's file (it reloads as 10), so it is passed again here. */
  static async load(file: string, dim: number, ef = HNSW_DEFAULTS.ef): Promise<HnswIndex> {
    // hnswlib takes dim from the constructor, not the file, and happily searches a mismatched
    // index with garbage distances; the header records the per-vector byte size, so check it.
    const fileDim = (await storedDim(file)) - 1;
    if (fileDim !== dim) throw new Error(`${file} holds ${fileDim}-d vectors, expected ${dim}`);
    const index = new HierarchicalNSW('ip', dim + 1);
    await index.readIndex(file);
    // The file holds the title vectors (with their extra coordinate): the exact scan reads them back.
    const n = index.getCurrentCount();
    const vectors = new Float32Array(n * dim);
    for (let label = 0; label < n; label++) vectors.set(index.getPoint(label).slice(0, dim), label * dim);
    return new HnswIndex(index, new BruteForceIndex(vectors, dim), ef, HNSW_DEFAULTS.exactScanBelowShare);
  }

  setEf(ef: number): void {
    if (!Number.isInteger(ef) || ef <= 0) throw new Error(`ef must be a positive integer, got ${ef}`);
    this.index.setEf(ef);
  }

  search(query: Float32Array, k: number, accept?: (label: number) => boolean): Neighbour[] {
    checkQuery(query, this.dim);
    // hnswlib throws when k exceeds maxElements; fewer allowed labels than k is fine (it returns what it finds).
    const want = Math.min(Math.floor(k), this.size);
    if (!(want > 0)) return [];
    // An exception thrown inside the filter callback aborts the whole Node process (the addon
    // calls it from C++ and cannot propagate it), so catch it here and rethrow after the search.
    let failure: { err: unknown } | undefined;
    const filter =
      accept &&
      ((label: number) => {
        if (failure) return false;
        try {
          return Boolean(accept(label));
        } catch (err) {
          failure = { err };
          return false;
        }
      });
    let norm = 0;
    for (let j = 0; j < this.dim; j++) norm += query[j] * query[j];
    norm = Math.sqrt(norm);
    const found =
      norm === 0
        ? this.firstAllowed(want, filter)
        : filter && this.selective(filter)
          ? this.exact.search(query, want, filter)
          : this.nearest(query, norm, want, filter);
    if (failure) throw failure.err;
    return found;
  }

  /** hnswlib's answer for the query scaled to unit length (1 - dot keeps its precision), scores scaled back. */
  private nearest(query: Float32Array, norm: number, want: number, filter?: (label: number) => boolean): Neighbour[] {
    const point = Array.from(query, (x) => x / norm);
    point.push(0); // the norm-filling coordinate: 0 keeps the inner product exact
    const { distances, neighbors } = this.index.searchKnn(point, want, filter);
    return neighbors.map((label, i) => ({ label, score: norm * (1 - distances[i]) })).sort(compareNeighbours);
  }

  /** Whether `accept` lets through at most exactScanBelowShare of an evenly spaced sample of labels. */
  private selective(accept: (label: number) => boolean): boolean {
    if (this.exactScanBelowShare <= 0) return false;
    const size = this.size; // read once: each read is a call into the addon
    const step = Math.max(1, size / SHARE_SAMPLE);
    let asked = 0;
    let allowed = 0;
    for (let at = step / 2; at < size; at += step, asked++) if (accept(Math.floor(at))) allowed++;
    return allowed <= this.exactScanBelowShare * asked;
  }

  /** A zero query scores every title 0, so the exact answer is the first allowed labels. */
  private firstAllowed(want: number, accept?: (label: number) => boolean): Neighbour[] {
    const out: Neighbour[] = [];
    const size = this.size;
    for (let label = 0; label < size && out.length < want; label++) if (!accept || accept(label)) out.push({ label, score: 0 });
    return out;
  }

  async save(file: string): Promise<void> {
    await writeAtomically(file, async (tmp) => {
      await this.index.writeIndex(tmp);
    });
  }
}

/**
 * Dimensionality recorded in an hnswlib index file. The header is six size_t fields
 * (offsetLevel0, maxElements, count, sizeDataPerElement, labelOffset, offsetData); the vector
 * occupies labelOffset - offsetData bytes of float32.
 */
async function storedDim(file: string): Promise<number> {
  const handle = await fs.open(file, 'r');
  try {
    const header = Buffer.alloc(48);
    const { bytesRead } = await handle.read(header, 0, 48, 0);
    if (bytesRead < 48) throw new Error(`${file} is not an hnswlib index (too short)`);
    const bytes = Number(header.readBigUInt64LE(32) - header.readBigUInt64LE(40));
    if (bytes <= 0 || bytes % 4 !== 0) throw new Error(`${file} is not an hnswlib index (bad header)`);
    return bytes / 4;
  } finally {
    await handle.close();
  }
}
