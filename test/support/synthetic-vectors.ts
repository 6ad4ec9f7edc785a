import type { Dataset } from '../../src/domain/dataset';
import type { MaturityTier, WatchState } from '../../src/domain/types';
import { watchStatesFrom } from '../../src/domain/watch-state';
import { proposable } from '../../src/pipeline/candidates';
import type { HomepageRequest } from '../../src/pipeline/request';
import { DEFAULT_ALS, trainAls, type AlsOptions } from '../../src/retrieval/als';
import { FoldIn } from '../../src/retrieval/fold-in';
import { DEFAULT_FEEDBACK, interactionStrength, type FeedbackOptions } from '../../src/retrieval/implicit-feedback';
import { buildInteractions } from '../../src/retrieval/interactions';
import { Rng } from '../../src/shared/random';

/**
 * Vectors for measuring HNSW recall, shared by the tests (test/unit/vector-index.test.ts,
 * test/unit/retrieval.test.ts) and bench/hnsw.ts so the recall a test asserts and the recall the
 * bench reports are about the same data: clustered synthetic ones (fast, any size), and the
 * vectors a model bundle actually trains (servedVectors, below), which are what matter.
 *
 * Clustered vectors are a stand-in: uniform random vectors would flatter or wrong-foot HNSW;
 * real factors are clustered (genres, audiences), of uneven size, and their norms vary with
 * popularity, which matters for inner product. They are not the whole story: the default world's
 * ALS vectors spread their norms far wider (a tenth of titles exactly zero), which broke an index
 * tuned on these alone (src/retrieval/hnsw-index.ts).
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

/**
 * Recall@k that counts ties as found: an approximate answer is right when it returns a label of
 * the exact top k, or one whose exact score equals the k-th (titles nobody watched all score
 * exactly 0, and the exact top k takes the lowest labels among them). `score` gives a label's
 * exact score, computed as BruteForceIndex does so equal scores are equal numbers.
 */
export function recallWithTies(
  approx: readonly { label: number }[],
  exact: readonly { label: number; score: number }[],
  score: (label: number) => number,
): number {
  if (exact.length === 0) return 1;
  const inExact = new Set(exact.map((x) => x.label));
  const kth = exact[exact.length - 1].score;
  const right = approx.filter((x) => inExact.has(x.label) || score(x.label) >= kth).length;
  return Math.min(right, exact.length) / exact.length;
}

/** The inner product as BruteForceIndex computes it (float64 sum in dimension order). */
export function innerProduct(query: Float32Array, vectors: Float32Array, label: number): number {
  const dim = query.length;
  let s = 0;
  for (let j = 0; j < dim; j++) s += query[j] * vectors[label * dim + j];
  return s;
}

/** One query of a recall measurement: a profile vector and, when the source filters, its filter. */
export interface RecallQuery {
  vector: Float32Array;
  accept?: (label: number) => boolean;
}

/** Title vectors trained as a model bundle trains them, and the queries the collaborative source would send. */
export interface ServedVectors {
  source: string;
  dim: number;
  /** The dataset's titles in the bundle's order, and their row-major vectors. */
  titleIds: string[];
  titleVectors: Float32Array;
  /** Trained profiles (those with a watch of a known title) and their row-major vectors. */
  profileIds: string[];
  profileVectors: Float32Array;
  /** Named query sets: trained and folded-in profile vectors, unfiltered and with the profile's own filter. */
  sets: { name: string; queries: RecallQuery[] }[];
}

export interface ServedVectorOptions {
  /** Profiles per query set, taken evenly from the trained profiles (and from kids profiles for the kids sets). */
  queries: number;
  als?: AlsOptions;
  feedback?: FeedbackOptions;
}

/**
 * The vectors the served index holds and the queries it answers, for `data`: watch states, the
 * interaction matrix and ALS exactly as src/training/train-retrieval.ts builds a bundle's (the
 * dataset's title order, DEFAULT_ALS unless told otherwise, so a retuned ALS is what gets
 * measured); trained profile vectors, and vectors folded in (src/retrieval/fold-in.ts, as
 * CollaborativeModel does) from the latest half of each sampled profile's watches (a vector
 * training never saw; from the whole history a fold-in gives back about the trained one).
 * Filtered sets use the collaborative source's own filter, `proposable`: the profile's maturity
 * limit, its finished titles, nothing unreleased at the end of the data. The first sets take
 * profiles evenly from everyone (mostly adults, whose filter lets most titles through), the kids
 * sets from kids profiles only (their filter lets 5-18% of the world's titles through).
 */
export function servedVectors(
  source: string,
  data: Pick<Dataset, 'titles' | 'profiles' | 'playbacks'>,
  options: ServedVectorOptions,
): ServedVectors {
  const als = options.als ?? DEFAULT_ALS;
  const feedback = options.feedback ?? DEFAULT_FEEDBACK;
  const states = watchStatesFrom(data.playbacks);
  const titleIds = data.titles.map((t) => t.id);
  const interactions = buildInteractions(states, titleIds, feedback);
  const { rowFactors, colFactors, factors: k } = trainAls(interactions.matrix, als);
  const column = new Map(interactions.titleIds.map((id, i) => [id, i]));
  const now = data.playbacks.reduce((m, e) => Math.max(m, e.occurredAt), 0);

  const watchOf = new Map<string, WatchState[]>();
  for (const w of states) {
    if (!column.has(w.titleId)) continue;
    const list = watchOf.get(w.profileId);
    if (list) list.push(w);
    else watchOf.set(w.profileId, [w]);
  }
  const limitOf = new Map<string, MaturityTier>(data.profiles.map((p) => [p.id, p.maturityLimit]));
  const row = new Map(interactions.profileIds.map((id, r) => [id, r]));
  const foldIn = new FoldIn(colFactors, k, als);

  const trained = (id: string) => rowFactors.subarray(row.get(id)! * k, (row.get(id)! + 1) * k);
  const foldedIn = (id: string) => {
    const all = watchOf.get(id)!;
    const recent = [...all].sort((a, b) => b.lastAt - a.lastAt || (a.titleId < b.titleId ? -1 : 1)).slice(0, Math.ceil(all.length / 2));
    const asOf = recent.reduce((m, w) => Math.max(m, w.lastAt), 0);
    return foldIn.solve(
      recent.map((w) => column.get(w.titleId)!),
      recent.map((w) => interactionStrength(w, asOf, feedback)),
    );
  };
  const completed = (id: string) =>
    new Set(
      watchOf
        .get(id)!
        .filter((w) => w.completed)
        .map((w) => w.titleId),
    );
  const filterOf = (id: string) => {
    const ok = proposable({
      profile: { maturityLimit: limitOf.get(id) ?? 'ADULTS' },
      signals: { completed: completed(id), rejected: new Set() },
      account: { country: 'US' },
      context: { now },
    } as unknown as HomepageRequest);
    return (label: number) => ok(data.titles[label]);
  };
  const evenly = (ids: string[]) => {
    const n = Math.min(options.queries, ids.length);
    return Array.from({ length: n }, (_, i) => ids[Math.floor((i * ids.length) / n)]);
  };
  const everyone = evenly(interactions.profileIds);
  const kids = evenly(interactions.profileIds.filter((id) => (limitOf.get(id) ?? 'ADULTS') !== 'ADULTS'));
  const sets: ServedVectors['sets'] = [
    { name: 'trained, unfiltered', queries: everyone.map((id) => ({ vector: trained(id) })) },
    { name: 'folded-in, unfiltered', queries: everyone.map((id) => ({ vector: foldedIn(id) })) },
    { name: 'trained, own filter', queries: everyone.map((id) => ({ vector: trained(id), accept: filterOf(id) })) },
    { name: 'folded-in, own filter', queries: everyone.map((id) => ({ vector: foldedIn(id), accept: filterOf(id) })) },
  ];
  // MovieLens has no maturity data, so no kids profiles.
  if (kids.length > 0)
    sets.push(
      { name: 'trained, kids profiles, own filter', queries: kids.map((id) => ({ vector: trained(id), accept: filterOf(id) })) },
      { name: 'folded-in, kids profiles, own filter', queries: kids.map((id) => ({ vector: foldedIn(id), accept: filterOf(id) })) },
    );
  return {
    source,
    dim: k,
    titleIds: interactions.titleIds,
    titleVectors: colFactors,
    profileIds: interactions.profileIds,
    profileVectors: rowFactors,
    sets,
  };
}

/** Fraction of `exact` labels that `approx` also returned: recall@k when exact holds the true top k. */
export function recall(approx: readonly { label: number }[], exact: readonly { label: number }[]): number {
  if (exact.length === 0) return 1;
  const found = new Set(approx.map((x) => x.label));
  return exact.filter((x) => found.has(x.label)).length / exact.length;
}
