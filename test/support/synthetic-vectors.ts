import { Rng } from '../../src/shared/random';

/**
 * Stand-in for trained ALS title vectors, shared by test/vector-index.test.ts and bench/hnsw.ts
 * so the recall the test asserts and the recall the bench reports are about the same data.
 * Uniform random vectors would flatter or wrong-foot HNSW; real factors are clustered (genres,
 * audiences), of uneven size, and their norms vary with popularity, which matters for inner product.
 */
export interface ClusteredVectors {
  dim: number;
  /** Row-major n*dim title vectors. */
  vectors: Float32Array;
  /** Row-major queries*dim profile-like vectors drawn from the same clusters. */
  queries: Float32Array;
  /** Cluster of each title vector. */
  clusterOf: Int32Array;
  /** ~allowedShare of titles, whole clusters at a time (like a kids catalogue: a few genres, not a random sample). */
  allowed: Uint8Array;
}

export interface ClusteredVectorOptions {
  n: number;
  dim: number;
  queries: number;
  clusters?: number;
  allowedShare?: number;
  seed?: number;
}

export function clusteredVectors(options: ClusteredVectorOptions): ClusteredVectors {
  const { n, dim, queries, clusters = 40, allowedShare = 0.3, seed = 1 } = options;
  const rng = new Rng(`clustered-vectors:${seed}`);
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dim }, () => rng.normal()));
  // Some clusters are tighter than others, and some much bigger (popular genres).
  const spread = centres.map(() => 0.4 + 0.6 * rng.float());
  const weights = centres.map(() => rng.logNormal(0, 0.7));
  const draw = (out: Float32Array, row: number, c: number) => {
    // Norm varies per title (popular titles have longer factors in ALS).
    const norm = rng.logNormal(0, 0.35);
    for (let j = 0; j < dim; j++) out[row * dim + j] = norm * (centres[c][j] + spread[c] * rng.normal());
  };
  const vectors = new Float32Array(n * dim);
  const clusterOf = new Int32Array(n);
  for (let i = 0; i < n; i++) draw(vectors, i, (clusterOf[i] = rng.weightedIndex(weights)));

  // Allowed clusters are taken in a seeded order until their titles reach the requested share.
  const sizes = new Array<number>(clusters).fill(0);
  for (const c of clusterOf) sizes[c]++;
  const order = centres.map((_, c) => c);
  for (let i = clusters - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const allowedCluster = new Uint8Array(clusters);
  let covered = 0;
  for (const c of order) {
    if (covered >= allowedShare * n) break;
    allowedCluster[c] = 1;
    covered += sizes[c];
  }
  const allowed = new Uint8Array(n);
  for (let i = 0; i < n; i++) allowed[i] = allowedCluster[clusterOf[i]];

  const queryVectors = new Float32Array(queries * dim);
  for (let q = 0; q < queries; q++) draw(queryVectors, q, rng.weightedIndex(weights));
  return { dim, vectors, queries: queryVectors, clusterOf, allowed };
}

/** Fraction of `exact` labels that `approx` also returned: recall@k when exact holds the true top k. */
export function recall(approx: readonly { label: number }[], exact: readonly { label: number }[]): number {
  if (exact.length === 0) return 1;
  const found = new Set(approx.map((x) => x.label));
  return exact.filter((x) => found.has(x.label)).length / exact.length;
}
