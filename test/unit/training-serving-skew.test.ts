import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../../graph/embedded/embedded-store';
import { watchStatesFrom } from '../../src/domain/watch-state';
import type { SimilarEdge } from '../../src/domain/types';
import { CatalogIndex } from '../../src/pipeline/catalog-index';
import { buildSimilarityGraph } from '../../src/similarity/similarity-graph';
import { FEATURE_COUNT, FEATURE_NAMES, normaliseRows } from '../../src/ranking/features/feature-spec';
import { HEADS } from '../../src/ranking/multitask-model';
import { OnnxScorer } from '../../src/ranking/onnx-scorer';
import { exportOnnx } from '../../src/ranking/onnx-export';
import { trainRanker } from '../../src/ranking/train-ranker';
import { impressionRows } from '../../src/training/training-rows';
import { type RankerRows } from '../../src/ranking/ranker-rows';
import { DEFAULT_ALS } from '../../src/retrieval/als';
import { CollaborativeModel } from '../../src/retrieval/collaborative-model';
import { DEFAULT_FEEDBACK } from '../../src/retrieval/implicit-feedback';
import { createServices } from '../../src/server/services';
import { SimilarityService } from '../../src/similarity/similarity-service';
import type { ModelBundle, RetrievalBundle } from '../../src/models/model-bundle';
import { buildRetrieval } from '../../src/training/train-retrieval';
import { wallClock } from '../../src/shared/time';
import { smallWorld } from '../support/app-harness';

/**
 * Training/serving skew: the row the training replay builds for a logged impression must be the
 * row the server computes when asked for that profile's homepage at that moment, from a store
 * holding exactly the events logged before it.
 */
describe('training/serving parity of ranker features', () => {
  const world = smallWorld();
  let before: RetrievalBundle;
  let rows: RankerRows;
  let edges: SimilarEdge[];
  let dir: string;

  beforeAll(async () => {
    const plays = [...world.playbacks].sort((a, b) => a.occurredAt - b.occurredAt);
    const windowStart = plays[Math.floor(plays.length * 0.75)].occurredAt;
    before = buildRetrieval(world.titles, watchStatesFrom(plays.filter((e) => e.occurredAt < windowStart)), {
      als: DEFAULT_ALS,
      feedback: DEFAULT_FEEDBACK,
    });
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'skew-'));
    // The similarity graph is static between trainings: replay and server read the same one.
    edges = buildSimilarityGraph(world.titles, world.playbacks);
    const graph = await EmbeddedStore.open(path.join(dir, 'graph'));
    await graph.bulkLoad({ ...world, playbacks: [], impressions: [] }, edges);
    const similarity = new SimilarityService({ store: graph, catalog: new CatalogIndex(world.titles, new Map()) });
    rows = await impressionRows(world, {
      windowStart,
      maxRequests: 1_000_000,
      seed: 1,
      models: { collaborative: new CollaborativeModel(before), neighbours: similarity.neighbours },
    });
    await graph.close();
  }, 120_000);

  afterAll(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('built labelled impression rows with every head represented', () => {
    expect(rows.logged.every((x) => x === 1)).toBe(true);
    expect(rows.n).toBeGreaterThan(1000);
    for (const head of ['click', 'finish', 'ret'] as const) {
      const labelled = [...rows.labels[head]].filter((y) => !Number.isNaN(y));
      expect(labelled.length).toBeGreaterThan(50);
      expect(labelled.some((y) => y === 1) && labelled.some((y) => y === 0)).toBe(true);
    }
  });

  /** Rows early, midway and late in the window, whose titles the candidate stage proposed. */
  function pickRows(): number[] {
    const col = (name: string) => FEATURE_NAMES.indexOf(name as (typeof FEATURE_NAMES)[number]);
    const proposed = [...rows.at.keys()].filter(
      (i) =>
        rows.rows[i * FEATURE_COUNT + col('source_collaborative')] === 1 &&
        rows.rows[i * FEATURE_COUNT + col('cross_content_similarity')] > 0,
    );
    return [proposed[5], proposed[Math.floor(proposed.length / 2)], proposed[proposed.length - 5]];
  }

  it('scores real rows with onnxruntime as the TypeScript forward pass does, within 1e-5', async () => {
    const ranker = trainRanker(rows, { seed: 1, epochs: 2 });
    const n = Math.min(rows.n, 2000);
    const x = normaliseRows(ranker.spec, rows.rows.subarray(0, n * FEATURE_COUNT), n);
    const scorer = await OnnxScorer.load(exportOnnx(ranker.model));
    try {
      const onnx = await scorer.score(x, n);
      const ts = ranker.model.forward(x, n);
      for (const head of HEADS) {
        let worst = 0;
        for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(onnx[head][i] - ts[head][i]));
        expect(worst).toBeLessThan(1e-5);
      }
    } finally {
      await scorer.release();
    }
  });

  it('serves the same feature row, for three logged impressions, as training built', async () => {
    const ranker = trainRanker(rows, { seed: 1, epochs: 2 });
    const bundle: ModelBundle = { ...before, ranker: { onnx: exportOnnx(ranker.model), spec: ranker.spec } };
    for (const [k, i] of pickRows().entries()) {
      const at = rows.at[i];
      const profile = world.profiles.find((p) => p.id === rows.profileIds[i])!;
      const account = world.accounts.find((a) => a.id === profile.accountId)!;
      const impression = world.impressions.find((e) => e.profileId === profile.id && e.titleId === rows.titleIds[i] && e.occurredAt >= at)!;
      // The server's store: exactly what was logged before the request.
      const store = await EmbeddedStore.open(path.join(dir, `at-${k}`));
      await store.bulkLoad(
        {
          ...world,
          playbacks: world.playbacks.filter((e) => e.occurredAt < at),
          impressions: world.impressions.filter((e) => e.occurredAt < at),
        },
        edges,
      );
      const services = await createServices(store, bundle, { clock: () => at });
      try {
        const localTime = wallClock(at, account.timeZone).toISOString().slice(0, 19);
        const req = await services.homepage.request(profile.id, { device: impression.device, localTime });
        const models = services.models.now;
        const candidates = await models.retrieval.generate(req);
        const title = candidates.find((c) => c.title.id === rows.titleIds[i])!.title;
        const served = await services.features.rows(
          req,
          candidates,
          { collaborative: models.collaborative, neighbours: services.similarity.neighbours },
          [title],
        );
        const trained = rows.rows.slice(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT);
        expect(Object.fromEntries(FEATURE_NAMES.map((n, j) => [n, served[j]]))).toEqual(
          Object.fromEntries(FEATURE_NAMES.map((n, j) => [n, trained[j]])),
        );
      } finally {
        await services.close();
        await store.close();
      }
    }
  }, 120_000);
});
