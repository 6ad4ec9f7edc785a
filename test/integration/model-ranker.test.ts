import { FEATURE_COUNT } from '../../src/ranking/features/feature-spec';
import { ModelRanker } from '../../src/ranking/model-ranker';
import { OnnxScorer } from '../../src/ranking/onnx-scorer';
import { HeuristicRanker } from '../../src/ranking/heuristic-ranker';
import { DEFAULT_UTILITY, utility, type UtilityWeights } from '../../src/pipeline/utility';
import { startHarness, type AppHarness } from '../support/app-harness';

describe('the served ranker', () => {
  let app: AppHarness;
  beforeAll(async () => {
    app = await startHarness();
  }, 120_000);
  afterAll(() => app.close());

  async function ranked(weights?: UtilityWeights) {
    const profile = app.world.profiles.find((p) => !p.isKids)!;
    const req = await app.services.homepage.request(profile.id, { device: 'TV', localTime: '2026-11-27T20:00' });
    const models = app.services.models.now;
    return models.ranker.rank(req, await models.retrieval.generate(req), weights);
  }

  it('scores every candidate with the three heads in one model run and orders by the utility', async () => {
    const list = await ranked();
    expect(list.length).toBeGreaterThan(100);
    for (const c of list) {
      for (const p of [c.heads!.click, c.heads!.finish, c.heads!.ret]) expect(p).toBeGreaterThan(0);
      expect(c.utility).toBeCloseTo(utility(c.heads!, DEFAULT_UTILITY), 6);
    }
    for (let i = 1; i < list.length; i++) expect(list[i - 1].utility).toBeGreaterThanOrEqual(list[i].utility);
  });

  it('takes utility weights per request (an experiment variant) without changing the predictions', async () => {
    const byClick = await ranked({ click: 1, finish: 0, ret: 0 });
    const byFinish = await ranked({ click: 0, finish: 1, ret: 0 });
    const clickOrder = byClick.map((c) => c.title.id);
    expect(clickOrder).toEqual(
      [...byClick].sort((a, b) => b.heads!.click - a.heads!.click || (a.title.id < b.title.id ? -1 : 1)).map((c) => c.title.id),
    );
    expect(byFinish.map((c) => c.title.id).slice(0, 20)).not.toEqual(clickOrder.slice(0, 20));
    // The same predictions (up to the milliseconds between the two requests, which age every title).
    const heads = new Map(byClick.map((c) => [c.title.id, c.heads!]));
    for (const c of byFinish)
      for (const h of ['click', 'finish', 'ret'] as const) expect(c.heads![h]).toBeCloseTo(heads.get(c.title.id)![h], 5);
  });

  it('falls back to the heuristic ranking, and says so, when the model cannot run', async () => {
    const models = app.services.models.now;
    const broken = await OnnxScorer.load(models.bundle.ranker.onnx);
    await broken.release();
    const failures: unknown[] = [];
    const ranker = new ModelRanker({
      features: app.services.features,
      models: { collaborative: models.collaborative, neighbours: app.services.similarity.neighbours },
      scorer: broken,
      spec: models.bundle.ranker.spec,
      weights: DEFAULT_UTILITY,
      fallback: new HeuristicRanker(),
      onFailure: (err) => failures.push(err),
    });
    const profile = app.world.profiles[0];
    const req = await app.services.homepage.request(profile.id);
    const list = await ranker.rank(req, await models.retrieval.generate(req));
    expect(list.length).toBeGreaterThan(0);
    expect(list.every((c) => c.heads === undefined)).toBe(true);
    expect(failures).toHaveLength(1);
    expect(models.bundle.ranker.spec.names).toHaveLength(FEATURE_COUNT);
  });
});
