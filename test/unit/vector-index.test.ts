import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AUGMENTATIONS, CALIBRATION_RECALL, HnswIndex } from '../../src/retrieval/hnsw-index';
import { clusteredVectors, recall } from '../support/synthetic-vectors';
import { BruteForceIndex, type Neighbour, type VectorIndex } from '../../src/retrieval/vector-index';
import { Rng } from '../../src/shared/random';

const K = 300;
const row = (m: Float32Array, dim: number, i: number) => m.subarray(i * dim, (i + 1) * dim);

/** The obviously-correct answer: score everything, sort everything. */
function naiveTopK(vectors: Float32Array, dim: number, query: Float32Array, k: number, accept = (_: number) => true): Neighbour[] {
  const all: Neighbour[] = [];
  for (let label = 0; label < vectors.length / dim; label++) {
    let score = 0;
    for (let j = 0; j < dim; j++) score += query[j] * vectors[label * dim + j];
    if (accept(label)) all.push({ label, score });
  }
  return all.sort((a, b) => b.score - a.score || a.label - b.label).slice(0, k);
}

function randomVectors(rng: Rng, n: number, dim: number): Float32Array {
  return Float32Array.from({ length: n * dim }, () => rng.normal());
}

describe('BruteForceIndex', () => {
  const dim = 8;
  const rng = new Rng('brute-force');
  const vectors = randomVectors(rng, 500, dim);
  // Three copies of one long row are the query's top 3 with exactly tied scores: they must come out by label.
  for (let j = 0; j < dim; j++) vectors[3 * dim + j] *= 10;
  vectors.copyWithin(7 * dim, 3 * dim, 4 * dim);
  vectors.copyWithin(400 * dim, 3 * dim, 4 * dim);
  const index = new BruteForceIndex(vectors, dim);
  const queries = [row(vectors, dim, 3).slice(), ...Array.from({ length: 20 }, () => randomVectors(rng, 1, dim))];

  it('returns the exact top k, best first, ties by label', () => {
    for (const q of queries) {
      for (const k of [1, 10, 123, 500]) expect(index.search(q, k)).toEqual(naiveTopK(vectors, dim, q, k));
    }
    expect(index.search(queries[0], 3).map((n) => n.label)).toEqual([3, 7, 400]);
  });

  it('only returns labels the filter allows, still exact', () => {
    const accept = (label: number) => label % 3 === 0;
    for (const q of queries) {
      const got = index.search(q, 50, accept);
      expect(got).toEqual(naiveTopK(vectors, dim, q, 50, accept));
      expect(got.every((n) => accept(n.label))).toBe(true);
    }
  });

  it('rejects a query of the wrong dimension', () => {
    expect(() => index.search(new Float32Array(dim + 1), 5)).toThrow(/dimensions/);
  });
});

describe('HnswIndex against brute force on clustered ALS-like vectors', () => {
  const dim = 32;
  const data = clusteredVectors({ n: 5000, dim, queries: 50, clusters: 40, allowedShare: 0.3, seed: 11 });
  const queries = Array.from({ length: 50 }, (_, q) => row(data.queries, dim, q));
  const kids = (label: number) => data.allowed[label] === 1;
  const exact = new BruteForceIndex(data.vectors, dim);
  let hnsw: HnswIndex;
  let dir: string;

  beforeAll(async () => {
    hnsw = HnswIndex.build(data.vectors, dim, { seed: 5 });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'vector-index-'));
  });
  afterAll(() => fs.rm(dir, { recursive: true, force: true }));

  const meanRecall = (index: VectorIndex, accept?: (label: number) => boolean) =>
    queries.reduce((sum, q) => sum + recall(index.search(q, K, accept), exact.search(q, K, accept)), 0) / queries.length;

  it(`recall@${K} is at least 0.95 with default options`, () => {
    const r = meanRecall(hnsw);
    process.stdout.write(`hnsw recall@${K} (ef ${hnsw.ef}): ${r.toFixed(4)}\n`);
    expect(r).toBeGreaterThanOrEqual(0.95);
  });

  it(`recall@${K} within a ~30% "kids" subset is at least 0.95, and every result is allowed`, () => {
    const share = data.allowed.reduce((a, b) => a + b, 0) / exact.size;
    expect(share).toBeGreaterThan(0.25);
    expect(share).toBeLessThan(0.4);
    const r = meanRecall(hnsw, kids);
    process.stdout.write(`hnsw filtered recall@${K} (share ${share.toFixed(2)}): ${r.toFixed(4)}\n`);
    expect(r).toBeGreaterThanOrEqual(0.95);
    for (const q of queries) expect(hnsw.search(q, K, kids).every((n) => kids(n.label))).toBe(true);
  });

  it('scores are inner products, sorted best first with ties by label', () => {
    for (const q of queries.slice(0, 5)) {
      const got = hnsw.search(q, K);
      const truth = new Map(naiveTopK(data.vectors, dim, q, exact.size).map((n) => [n.label, n.score]));
      for (const n of got) expect(n.score).toBeCloseTo(truth.get(n.label)!, 3);
      for (let i = 1; i < got.length; i++) {
        const [a, b] = [got[i - 1], got[i]];
        expect(a.score > b.score || (a.score === b.score && a.label < b.label)).toBe(true);
      }
    }
  });

  it('calibrates β at build: a β whose graph misses the exact answers is passed over for the next', () => {
    // On these clustered vectors the raw inner-product graph (β 0) strands long vectors' neighbours.
    const raw = HnswIndex.build(data.vectors, dim, { seed: 5, augmentation: 0 });
    expect(meanRecall(raw)).toBeLessThan(CALIBRATION_RECALL);
    const calibrated = HnswIndex.build(data.vectors, dim, { seed: 5, augmentation: [0, 0.6] });
    expect(calibrated.augmentation).toBe(0.6);
    expect(meanRecall(calibrated)).toBeGreaterThanOrEqual(CALIBRATION_RECALL);
    // The default list starts at 0.6, which these vectors keep.
    expect(hnsw.augmentation).toBe(AUGMENTATIONS[0]);
  });

  it('is deterministic for a seed', () => {
    const again = HnswIndex.build(data.vectors, dim, { seed: 5 });
    for (const q of queries.slice(0, 10)) expect(again.search(q, K)).toEqual(hnsw.search(q, K));
  });

  it('answers identically after save and load, for both index types', async () => {
    const bfFile = path.join(dir, 'titles.bf');
    const hnswFile = path.join(dir, 'titles.hnsw');
    await exact.save(bfFile);
    await hnsw.save(hnswFile);
    expect((await fs.readdir(dir)).sort()).toEqual(['titles.bf', 'titles.hnsw']); // no temp files left
    const bf2 = await BruteForceIndex.load(bfFile, dim);
    const hnsw2 = await HnswIndex.load(hnswFile, dim, hnsw.ef);
    expect([bf2.size, hnsw2.size, hnsw2.ef]).toEqual([exact.size, hnsw.size, hnsw.ef]);
    for (const q of queries) {
      expect(bf2.search(q, K)).toEqual(exact.search(q, K));
      expect(hnsw2.search(q, K)).toEqual(hnsw.search(q, K));
      expect(hnsw2.search(q, K, kids)).toEqual(hnsw.search(q, K, kids));
      // A selective filter is answered from the title vectors, which load reads back from the file.
      expect(hnsw2.search(q, K, (label) => label % 10 === 3)).toEqual(hnsw.search(q, K, (label) => label % 10 === 3));
    }
    // hnswlib itself would load a file with the wrong dimension and return garbage.
    await expect(HnswIndex.load(hnswFile, dim + 1)).rejects.toThrow(/32-d/);
    await expect(BruteForceIndex.load(bfFile, dim + 1)).rejects.toThrow(/32-d/);
    await expect(BruteForceIndex.load(hnswFile)).rejects.toThrow(/not a BruteForceIndex/);
  });

  it('returns every allowed label when k exceeds the allowed set or the index, without throwing', () => {
    const few = new Set([4, 17, 999, 2500, 4999]);
    const accept = (label: number) => few.has(label);
    for (const index of [exact, hnsw] as VectorIndex[]) {
      const got = index.search(queries[0], K, accept);
      expect(got.map((n) => n.label).sort((a, b) => a - b)).toEqual([...few]);
      expect(index.search(queries[0], K, () => false)).toEqual([]);
      expect(index.search(queries[0], exact.size + 10)).toHaveLength(exact.size);
      expect(index.search(queries[0], 0)).toEqual([]);
    }
  });

  it('answers a filter that allows few titles (a kids profile) exactly, by scoring the titles it allows', () => {
    const tenth = (label: number) => label % 10 === 3;
    for (const q of queries.slice(0, 10)) expect(hnsw.search(q, K, tenth)).toEqual(exact.search(q, K, tenth));
  });

  it(`keeps recall@${K} at 0.95 within the ~30% subset when the graph answers every filter`, () => {
    const graphOnly = HnswIndex.build(data.vectors, dim, { seed: 5, exactScanBelowShare: 0 });
    expect(meanRecall(graphOnly, kids)).toBeGreaterThanOrEqual(0.95);
    const tenth = (label: number) => label % 10 === 3;
    expect(meanRecall(graphOnly, tenth)).toBeGreaterThanOrEqual(0.95);
  });

  it('ranks a query of tiny norm as well as the same query at full length (1 - dot keeps no digits of a 1e-12 score)', () => {
    for (const q of queries.slice(0, 5)) {
      const tiny = q.map((x) => x * 1e-12);
      const [a, b] = [hnsw.search(tiny, K), hnsw.search(q, K)];
      expect(a.map((n) => n.label)).toEqual(b.map((n) => n.label));
      for (let i = 0; i < a.length; i++) expect(a[i].score).toBeCloseTo(b[i].score * 1e-12, 15);
    }
  });

  it('answers a zero query with the first allowed labels, all scoring 0, as exact search does', () => {
    const zero = new Float32Array(dim);
    expect(hnsw.search(zero, 5)).toEqual(exact.search(zero, 5));
    expect(hnsw.search(zero, 5, kids)).toEqual(exact.search(zero, 5, kids));
  });

  it('loads and answers with an index built as older code built it (every title lifted to the longest norm)', async () => {
    const file = path.join(dir, 'older.hnsw');
    const older = HnswIndex.build(data.vectors, dim, { seed: 5, augmentation: 1 });
    await older.save(file);
    const back = await HnswIndex.load(file, dim);
    expect(back.size).toBe(exact.size);
    for (const q of queries.slice(0, 10)) {
      const got = back.search(q, K);
      expect(got).toEqual(older.search(q, K));
      const truth = new Map(naiveTopK(data.vectors, dim, q, exact.size).map((n) => [n.label, n.score]));
      for (const n of got) expect(n.score).toBeCloseTo(truth.get(n.label)!, 3);
    }
    await fs.rm(file);
  });

  it('turns an exception thrown by the filter into a thrown error instead of aborting the process', () => {
    const boom = () => {
      throw new Error('filter failed');
    };
    expect(() => hnsw.search(queries[0], 10, boom)).toThrow('filter failed');
    const failsLate = (label: number) => {
      if (label > 2500) throw new Error('filter failed late');
      return label % 2 === 0;
    };
    expect(() => hnsw.search(queries[0], 10, failsLate)).toThrow('filter failed late');
    expect(() => hnsw.search(new Float32Array(dim), 10, boom)).toThrow('filter failed');
    expect(hnsw.search(queries[0], 10)).toHaveLength(10);
  });
});
