import type { WatchState } from '../../src/domain/types';
import { bootstrapMean } from '../../src/eval/bootstrap';
import { loadEvalDataset } from '../../src/eval/datasets';
import { evaluate, type EvalReport } from '../../src/eval/evaluate';
import { ONBOARDING_METHODS } from '../../src/eval/onboarding';
import { GRID_SIZE, answersOf } from '../../src/eval/onboarding-answers';

function state(titleId: string, progress: number, plays = 1): WatchState {
  return { profileId: 'p', titleId, progress, plays, firstAt: 1, lastAt: 1, completed: progress >= 0.9 };
}

describe('onboarding answers', () => {
  const ranks = (ids: string[]) => new Map(ids.map((id, i) => [id, i]));

  it('picks the grid titles the viewer finished, rewatched first, then in grid order, at most five', () => {
    const watch = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => state(id, 1)).concat(state('g', 0.3), state('x', 1, 9), state('z', 1, 3));
    const grid = ranks(['f', 'e', 'd', 'c', 'b', 'a', 'g', 'z']);
    const { answers, fromGrid } = answersOf(watch, grid, ['Drama'], 5);
    // z was rewatched; x is outside the grid (unranked); g was not finished.
    expect(answers).toEqual({ genres: ['Drama'], titleIds: ['z', 'f', 'e', 'd', 'c'], completedAt: 5 });
    expect(fromGrid).toBe(5);
  });

  it('completes three picks from the most engaged titles outside the grid (or unfinished) when the grid has fewer', () => {
    const watch = [state('b', 0.2), state('y', 0.5), state('x', 0.8), state('a', 0.75)];
    const { answers, fromGrid } = answersOf(watch, ranks(['b', 'a']), [], 0);
    expect(answers.titleIds).toEqual(['a', 'x', 'y']);
    expect(fromGrid).toBe(1);
  });

  it("leaves titles past the grid's size to the search that completes three", () => {
    const order = Array.from({ length: GRID_SIZE + 1 }, (_, i) => `t${i}`);
    const { answers, fromGrid } = answersOf([state(order[GRID_SIZE], 1)], ranks(order), [], 0);
    expect(answers.titleIds).toEqual([order[GRID_SIZE]]);
    expect(fromGrid).toBe(0);
  });
});

describe('bootstrap intervals', () => {
  it('are reproducible for a seed and contain the mean', () => {
    const values = Array.from({ length: 200 }, (_, i) => (i % 7) / 7);
    const a = bootstrapMean(values, 's');
    expect(bootstrapMean(values, 's')).toEqual(a);
    expect(a.ci95[0]).toBeLessThan(a.mean);
    expect(a.ci95[1]).toBeGreaterThan(a.mean);
    expect(bootstrapMean([0.5, 0.5, 0.5], 's')).toEqual({ mean: 0.5, ci95: [0.5, 0.5] });
  });
});

describe('onboarding evaluation on the small world', () => {
  let report: EvalReport;
  beforeAll(async () => {
    report = await evaluate(await loadEvalDataset({ dataset: 'world', size: 'small', seed: 7 }), undefined, false);
  }, 120_000);

  it('scores every variant on the same profiles, with answers drawn from the hidden tastes', () => {
    const o = report.onboarding;
    // The small world has fewer test profiles than the sample: all of them are scored.
    expect(o.profiles).toBe(report.protocol.testProfiles);
    expect(Object.keys(o.methods)).toEqual([...ONBOARDING_METHODS]);
    expect(o.answers.genresFrom).toBe('hidden tastes');
    expect(o.answers.meanPicks).toBeGreaterThanOrEqual(3);
    expect(o.answers.meanPicks).toBeLessThanOrEqual(5);
    expect(o.byHistory.reduce((sum, b) => sum + b.profiles, 0)).toBe(o.profiles);
    // With no history, neither collaborative nor content can propose anything.
    expect(o.top10Sources['priors only'].COLLABORATIVE).toBeUndefined();
    expect(o.top10Sources['after onboarding'].COLLABORATIVE).toBeGreaterThan(0);
    for (const m of Object.values(o.methods)) {
      expect(m['ndcg@10'].ci95[0]).toBeLessThanOrEqual(m['ndcg@10'].mean);
      expect(m['ndcg@10'].ci95[1]).toBeGreaterThanOrEqual(m['ndcg@10'].mean);
    }
  });

  it('ranks warm profiles exactly as the two-stage evaluation does, and popularity as the popularity method', () => {
    const o = report.onboarding;
    expect(o.methods.warm['ndcg@10'].mean).toBe(report.methods['two-stage']['ndcg@10']);
    expect(o.methods.warm['recall@20'].mean).toBe(report.methods['two-stage']['recall@20']);
    expect(o.methods.popularity['ndcg@10'].mean).toBe(report.methods.popularity['ndcg@10']);
  });

  it('personalizes right after onboarding: better than popularity, and than the priors a new profile starts with', () => {
    const o = report.onboarding;
    // Seed 7: NDCG@10 / recall@20 after onboarding 0.112 / 0.283, priors only 0.098 / 0.252, popularity 0.059 / 0.182;
    // after onboarding − popularity paired intervals 0.026..0.084 and 0.055..0.150.
    expect(o.paired['after onboarding − popularity']['ndcg@10'].ci95[0]).toBeGreaterThan(0);
    expect(o.paired['after onboarding − popularity']['recall@20'].ci95[0]).toBeGreaterThan(0);
    for (const metric of ['ndcg@10', 'recall@20'] as const) {
      expect(o.methods['after onboarding'][metric].mean).toBeGreaterThan(o.methods['priors only'][metric].mean);
      expect(o.methods['priors only'][metric].mean).toBeGreaterThan(o.methods.popularity[metric].mean);
    }
  });
});
