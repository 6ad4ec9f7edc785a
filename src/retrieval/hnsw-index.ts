import { promises as fs } from 'node:fs';
import { HierarchicalNSW } from 'hnswlib-node';
import { checkQuery, compareNeighbours, writeAtomically, type Neighbour, type VectorIndex } from './vector-index';

/**
 * Defaults come from bench/hnsw.ts on clustered ALS-like vectors, k = 300 (what the collaborative
 * source asks for), 2 cores; recall@300 unfiltered / with a 30% cluster-shaped filter:
 *   5000 x 64:  efC 200, ef 400 -> 0.90 / 0.92;  efC 400, ef 800 -> 0.97 / 0.985  (0.27 ms)
 *   20000 x 64: efC 200, ef 800 -> 0.97 / 0.94;  efC 400, ef 800 -> 0.977 / 0.96 (0.26 ms)
 * hnswlib searches with max(ef, k), so any ef below 300 behaves exactly like 300, and ef must be
 * well above k to reach 0.95: ef 400 was the first guess and gave 0.90-0.95.
 */
export interface HnswOptions {
  /** Graph out-degree. 16 (hnswlib's default): 24-48 changed recall by <0.01 here, because the
   * neighbour-selection heuristic keeps fewer links than M on clustered data anyway. */
  m?: number;
  /** Build beam. 400 rather than hnswlib's 200: +0.01-0.02 recall (more with filters) for twice the
   * build time (0.6 s at 5000 titles, 2.8 s at 20000), which is paid offline. */
  efConstruction?: number;
  /** Query beam; must be ≥ k (~300) and is 800 because that is where recall@300 clears 0.95. */
  ef?: number;
  /** Seeds hnswlib's level generator; with single-threaded inserts in label order the graph is reproducible. */
  seed?: number;
}

export const HNSW_DEFAULTS: Required<HnswOptions> = { m: 16, efConstruction: 400, ef: 800, seed: 100 };

/**
 * Approximate maximum-inner-product search with hnswlib's 'ip' space. hnswlib ranks by
 * distance = 1 - dot; scores are converted back, so they are float32-precision inner products.
 *
 * Raw ALS vectors have uneven norms, and an HNSW graph built on raw inner products is poor
 * (long vectors become hubs, neighbourhoods stop meaning "similar"): on clustered test data
 * recall@300 was ~0.75 at ef=400. So every title vector gets one extra coordinate
 * sqrt(maxNorm² - |x|²), making all norms equal (Bachrach et al. 2014, the MIPS-to-nearest-
 * neighbour reduction), and queries get 0 there: inner products are unchanged, and the graph
 * is built over what is now an angular neighbourhood. The stored index is therefore dim + 1 wide.
 */
export class HnswIndex implements VectorIndex {
  private constructor(
    private readonly index: HierarchicalNSW,
    readonly dim: number,
    ef: number,
  ) {
    this.setEf(ef);
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
    const n = vectors.length / dim;
    const squaredNorms = new Float64Array(n);
    for (let i = 0; i < vectors.length; i++) squaredNorms[Math.floor(i / dim)] += vectors[i] * vectors[i];
    const maxSquaredNorm = squaredNorms.reduce((a, b) => Math.max(a, b), 0);
    const index = new HierarchicalNSW('ip', dim + 1);
    index.initIndex({ maxElements: Math.max(1, n), m, efConstruction, randomSeed: seed });
    const every = Math.max(1, Math.floor(n / 100));
    for (let label = 0; label < n; label++) {
      // hnswlib-node 3.0.0 only accepts plain arrays; labels are row indexes so results map straight back.
      const point = Array.from(vectors.subarray(label * dim, (label + 1) * dim));
      point.push(Math.sqrt(Math.max(0, maxSquaredNorm - squaredNorms[label])));
      index.addPoint(point, label);
      if (onProgress && ((label + 1) % every === 0 || label + 1 === n)) onProgress(label + 1, n);
    }
    return new HnswIndex(index, dim, ef);
  }

  /** ef is not stored in hnswlib's file (it reloads as 10), so it is passed again here. */
  static async load(file: string, dim: number, ef = HNSW_DEFAULTS.ef): Promise<HnswIndex> {
    // hnswlib takes dim from the constructor, not the file, and happily searches a mismatched
    // index with garbage distances; the header records the per-vector byte size, so check it.
    const fileDim = (await storedDim(file)) - 1;
    if (fileDim !== dim) throw new Error(`${file} holds ${fileDim}-d vectors, expected ${dim}`);
    const index = new HierarchicalNSW('ip', dim + 1);
    await index.readIndex(file);
    return new HnswIndex(index, dim, ef);
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
    const point = Array.from(query);
    point.push(0); // the norm-equalising coordinate: 0 keeps the inner product exact
    const { distances, neighbors } = this.index.searchKnn(point, want, filter);
    if (failure) throw failure.err;
    return neighbors.map((label, i) => ({ label, score: 1 - distances[i] })).sort(compareNeighbours);
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
