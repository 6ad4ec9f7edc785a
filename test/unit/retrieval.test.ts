import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readMovieLens } from '../../src/import/movielens';
import { DEFAULT_ALS, trainAls, type AlsFactors } from '../../src/retrieval/als';
import { CollaborativeModel } from '../../src/retrieval/collaborative-model';
import { HnswIndex } from '../../src/retrieval/hnsw-index';
import { DEFAULT_FEEDBACK } from '../../src/retrieval/implicit-feedback';
import { watchStatesFrom } from '../../src/domain/watch-state';
import { buildInteractions } from '../../src/retrieval/interactions';
import { BruteForceIndex } from '../../src/retrieval/vector-index';
import { FEATURE_COUNT, fitFeatureSpec } from '../../src/ranking/features/feature-spec';
import { DEFAULT_SHAPE, MultiTaskModel } from '../../src/ranking/multitask-model';
import { exportOnnx } from '../../src/ranking/onnx-export';
import { readBundle, writeBundle, type BundleManifest } from '../../src/models/model-bundle';
import { generateWorld } from '../../src/world/generate';
import { sharedDataFile } from '../support/fixture-data';

const ML = sharedDataFile('movielens-small');

/**
 * Trained vectors: ALS on ml-latest-small (9,742 titles) when present, else on the default
 * world (5,000 titles); recall@300 is only meaningful on a catalog much larger than 300.
 */
async function trainedVectors(): Promise<{ titleIds: string[]; factors: AlsFactors; profileIds: string[] }> {
  let titles, events;
  if (existsSync(path.join(ML, 'ratings.csv'))) {
    ({ titles, playbacks: events } = (await readMovieLens(ML)).data);
  } else {
    console.warn(`${ML} is absent: training the HNSW recall test's vectors on the default world instead`);
    ({ titles, playbacks: events } = generateWorld('default', 7));
  }
  const states = watchStatesFrom(events);
  const data = buildInteractions(states, titles.map((t) => t.id).sort(), DEFAULT_FEEDBACK);
  return { titleIds: data.titleIds, profileIds: data.profileIds, factors: trainAls(data.matrix, { ...DEFAULT_ALS, iterations: 8 }) };
}

describe('HNSW over trained ALS vectors', () => {
  let v: Awaited<ReturnType<typeof trainedVectors>>;
  let hnsw: HnswIndex;
  let exact: BruteForceIndex;
  const k = DEFAULT_ALS.factors;
  const query = (p: number) => v.factors.rowFactors.subarray(p * k, (p + 1) * k);
  const queries = () => Array.from({ length: 60 }, (_, i) => Math.floor((i * v.profileIds.length) / 60));

  beforeAll(async () => {
    v = await trainedVectors();
    hnsw = HnswIndex.build(v.factors.colFactors, k);
    exact = new BruteForceIndex(v.factors.colFactors, k);
  }, 120_000);

  const recall = (accept?: (label: number) => boolean) => {
    let sum = 0;
    for (const p of queries()) {
      const truth = new Set(exact.search(query(p), 300, accept).map((n) => n.label));
      const found = hnsw.search(query(p), 300, accept);
      if (accept) expect(found.every((n) => accept(n.label))).toBe(true);
      sum += found.filter((n) => truth.has(n.label)).length / truth.size;
    }
    return sum / queries().length;
  };

  it('finds at least 95% of the exact top 300 for profile vectors', () => {
    expect(recall()).toBeGreaterThanOrEqual(0.95);
  });

  it('keeps that recall with a filter applied inside the search (a 30% subset, as for kids)', () => {
    expect(recall((label) => label % 10 < 3)).toBeGreaterThanOrEqual(0.95);
  });

  it('answers identically after the model bundle is written and read back', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bundle-'));
    const manifest = {
      version: '20261126T000000Z-test',
      createdAt: '',
      dataHash: 'x',
      catalogFingerprint: 'x',
      trainedUntil: 0,
      als: { ...DEFAULT_ALS, iterations: 8 },
      feedback: DEFAULT_FEEDBACK,
      counts: { titles: v.titleIds.length, profiles: v.profileIds.length, interactions: 0 },
      seconds: { als: 0, hnsw: 0 },
    };
    const spec = fitFeatureSpec(new Float32Array(FEATURE_COUNT), 1);
    const written = await writeBundle(dir, {
      manifest: { ...manifest, ranker: { featureSpec: spec.version } as BundleManifest['ranker'] },
      ranker: { onnx: exportOnnx(MultiTaskModel.init({ inputDim: FEATURE_COUNT, ...DEFAULT_SHAPE }, 1)), spec },
      titleIds: v.titleIds,
      titleVectors: v.factors.colFactors,
      profileIds: v.profileIds,
      profileVectors: v.factors.rowFactors,
      index: hnsw,
    });
    const back = await readBundle(written);
    expect(back.titleVectors).toEqual(v.factors.colFactors);
    expect(back.profileIds).toEqual(v.profileIds);
    expect(back.ranker.spec).toEqual(spec);
    for (const p of queries().slice(0, 20)) expect(back.index.search(query(p), 300)).toEqual(hnsw.search(query(p), 300));
    await fs.rm(dir, { recursive: true, force: true });
  });
});

describe('collaborative model', () => {
  it('has no vector for a history of titles it has no vectors for, rather than a zero vector', () => {
    const k = 4;
    const model = new CollaborativeModel({
      manifest: { trainedUntil: 0, als: { ...DEFAULT_ALS, factors: k }, feedback: DEFAULT_FEEDBACK },
      titleIds: ['a', 'b'],
      titleVectors: Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]),
      profileIds: [],
      profileVectors: new Float32Array(0),
      index: HnswIndex.build(Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]), k),
    });
    const watch = (titleId: string, lastAt: number) => ({
      profileId: 'p',
      titleId,
      progress: 1,
      plays: 1,
      firstAt: lastAt,
      lastAt,
      completed: true,
    });
    expect(model.vectorFor('p', [watch('new-title', 10)])).toBeNull();
    const v = model.vectorFor('p', [watch('a', 10)])!;
    expect(model.nearest(v, 1, () => true)[0].titleId).toBe('a');
    // A newer play changes the history, so the cached fold-in is not reused.
    const w = model.vectorFor('p', [watch('a', 10), watch('b', 20), watch('b', 20)])!;
    expect(w).not.toEqual(v);
  });
});
