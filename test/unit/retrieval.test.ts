import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readMovieLens } from '../../src/import/movielens';
import { DEFAULT_ALS } from '../../src/retrieval/als';
import { CollaborativeModel } from '../../src/retrieval/collaborative-model';
import { HnswIndex } from '../../src/retrieval/hnsw-index';
import { DEFAULT_FEEDBACK } from '../../src/retrieval/implicit-feedback';
import type { ItemNeighbours } from '../../src/retrieval/item-item';
import { DEFAULT_ITEM_MODEL } from '../../src/retrieval/item-model';
import { BruteForceIndex } from '../../src/retrieval/vector-index';
import { readBundle, writeBundle, type BundleManifest } from '../../src/models/model-bundle';
import { FEATURE_COUNT, fitFeatureSpec } from '../../src/ranking/features/feature-spec';
import { DEFAULT_SHAPE, MultiTaskModel } from '../../src/ranking/multitask-model';
import { exportOnnx } from '../../src/ranking/onnx-export';
import { generateWorld } from '../../src/world/generate';
import { sharedDataFile } from '../support/fixture-data';
import { innerProduct, recallWithTies, servedVectors, type ServedVectors } from '../support/synthetic-vectors';

const ML = sharedDataFile('movielens-small');
/** What the collaborative source asks the index for. */
const K = 300;
/** Profiles per query set. */
const QUERIES = 60;

/**
 * Recall@300 of the served index against exact inner-product search, on the vectors a bundle
 * trains (DEFAULT_ALS, whatever it is now) and with the index options a bundle uses (the
 * defaults), for trained and folded-in profile vectors, with and without the collaborative
 * source's own filter. The world is what `npm start` serves; MovieLens is an extra case.
 */
function servedIndexRecall(name: string, vectors: () => Promise<ServedVectors>) {
  describe(`the served HNSW index over ${name}`, () => {
    let v: ServedVectors;
    let hnsw: HnswIndex;
    let exact: BruteForceIndex;

    beforeAll(async () => {
      v = await vectors();
      hnsw = HnswIndex.build(v.titleVectors, v.dim);
      exact = new BruteForceIndex(v.titleVectors, v.dim);
    }, 600_000);

    it(`finds at least 95% of the exact top ${K} for every query set, each answer within the filter`, () => {
      const results = v.sets.map((set) => {
        const recalls = set.queries.map(({ vector, accept }) => {
          const found = hnsw.search(vector, K, accept);
          if (accept) expect(found.filter((n) => !accept(n.label))).toEqual([]);
          return recallWithTies(found, exact.search(vector, K, accept), (label) => innerProduct(vector, v.titleVectors, label));
        });
        return {
          set: set.name,
          profiles: recalls.length,
          mean: recalls.reduce((a, b) => a + b, 0) / recalls.length,
          lowest: Math.min(...recalls),
        };
      });
      const lines = results.map((r) => `${r.set}: ${r.mean.toFixed(3)} (lowest ${r.lowest.toFixed(3)}, ${r.profiles} profiles)`);
      process.stdout.write(`${v.source}, recall@${K} at ef ${hnsw.ef}:\n  ${lines.join('\n  ')}\n`);
      expect(results.every((r) => r.profiles > 0)).toBe(true);
      expect(results.filter((r) => r.mean < 0.95)).toEqual([]);
    });

    it('answers identically after the index is saved and loaded', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'served-index-'));
      try {
        const file = path.join(dir, 'title-index.hnsw');
        await hnsw.save(file);
        const back = await HnswIndex.load(file, v.dim);
        for (const set of v.sets)
          for (const { vector, accept } of set.queries.slice(0, 10))
            expect(back.search(vector, K, accept)).toEqual(hnsw.search(vector, K, accept));
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });

    it('answers identically after the model bundle is written and read back', async () => {
      const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bundle-'));
      try {
        const spec = fitFeatureSpec(new Float32Array(FEATURE_COUNT), 1);
        const written = await writeBundle(dir, {
          manifest: {
            version: '20261126T000000Z-test',
            createdAt: '',
            dataHash: 'x',
            catalogFingerprint: 'x',
            trainedUntil: 0,
            als: DEFAULT_ALS,
            feedback: DEFAULT_FEEDBACK,
            itemModel: DEFAULT_ITEM_MODEL,
            counts: { titles: v.titleIds.length, profiles: v.profileIds.length, interactions: 0 },
            seconds: { als: 0, hnsw: 0, itemModel: 0 },
            ranker: { featureSpec: spec.version } as BundleManifest['ranker'],
          },
          ranker: { onnx: exportOnnx(MultiTaskModel.init({ inputDim: FEATURE_COUNT, ...DEFAULT_SHAPE }, 1)), spec },
          titleIds: v.titleIds,
          titleVectors: v.titleVectors,
          profileIds: v.profileIds,
          profileVectors: v.profileVectors,
          index: hnsw,
          itemNeighbours: noItemNeighbours(v.titleIds),
        });
        const back = await readBundle(written);
        expect(back.titleVectors).toEqual(v.titleVectors);
        expect(back.profileIds).toEqual(v.profileIds);
        expect(back.ranker.spec).toEqual(spec);
        for (const set of v.sets)
          for (const { vector, accept } of set.queries.slice(0, 10))
            expect(back.index.search(vector, K, accept)).toEqual(hnsw.search(vector, K, accept));
      } finally {
        await fs.rm(dir, { recursive: true, force: true });
      }
    });
  });
}

/** An item→item model with no neighbours: these tests are about the ALS vectors and their index. */
function noItemNeighbours(titleIds: string[]): ItemNeighbours {
  return {
    titleIds,
    rowPtr: new Int32Array(titleIds.length + 1),
    colIdx: new Int32Array(0),
    weight: new Float32Array(0),
    input: 'strength',
  };
}

servedIndexRecall("the default world's vectors", () =>
  Promise.resolve(servedVectors('default world, seed 7', generateWorld('default', 7), { queries: QUERIES })),
);

if (existsSync(path.join(ML, 'ratings.csv'))) {
  servedIndexRecall("ml-latest-small's vectors", async () =>
    servedVectors('ml-latest-small', (await readMovieLens(ML)).data, { queries: QUERIES }),
  );
} else {
  it.skip(`the served HNSW index over ml-latest-small's vectors (${ML} is absent)`, () => {});
}

describe('collaborative model', () => {
  it('has no vector for a history of titles it has no vectors for, rather than a zero vector', () => {
    const k = 4;
    const model = new CollaborativeModel({
      manifest: { trainedUntil: 0, als: { ...DEFAULT_ALS, factors: k }, feedback: DEFAULT_FEEDBACK, itemModel: DEFAULT_ITEM_MODEL },
      titleIds: ['a', 'b'],
      titleVectors: Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]),
      profileIds: [],
      profileVectors: new Float32Array(0),
      index: HnswIndex.build(Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]), k),
      itemNeighbours: noItemNeighbours(['a', 'b']),
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
    expect(model.nearest(v, 1, model.titleIds, () => true)[0].title).toBe('a');
    // A newer play changes the history, so the cached fold-in is not reused.
    const w = model.vectorFor('p', [watch('a', 10), watch('b', 20), watch('b', 20)])!;
    expect(w).not.toEqual(v);
  });
});
