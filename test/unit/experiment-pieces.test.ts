import type { Experiment } from '../../src/domain/experiment';
import { newExperiment } from '../../src/experiments/experiment-input';
import { bucketOf, LATENCY_BUCKETS_MS, quantile } from '../../src/experiments/latency-histogram';
import { experimentResults } from '../../src/experiments/results';
import type { UnitOutcome } from '../../src/experiments/unit-metrics';
import type { RankedCandidate } from '../../src/pipeline/candidates';
import { teamDraft } from '../../src/ranking/team-draft';
import { Rng } from '../../src/shared/random';

const ranked = (ids: string[]): RankedCandidate[] =>
  ids.map((id, i) => ({ title: { id } as RankedCandidate['title'], sources: new Map(), utility: 1 - i / 100 }));

describe('team-draft interleaving', () => {
  it('alternates picks, never repeats a title, credits each pick, and follows the first ranker after the draft', () => {
    const a = ranked(['t1', 't2', 't3', 't4', 't5', 't6']);
    const b = ranked(['t3', 't1', 't7', 't2', 't8', 't9']);
    const picks = teamDraft({ name: 'A', ranked: a }, { name: 'B', ranked: b }, 4, new Rng('draft'));
    const ids = picks.order.map((c) => c.title.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.slice(4).every((id) => !picks.teamOf.has(id))).toBe(true);
    const teams = ids.slice(0, 4).map((id) => picks.teamOf.get(id));
    expect(teams.filter((t) => t === 'A')).toHaveLength(2);
    expect(teams.filter((t) => t === 'B')).toHaveLength(2);
    // Every pick is its team's best title not taken before it.
    const taken = new Set<string>();
    for (const id of ids.slice(0, 4)) {
      const list = picks.teamOf.get(id) === 'A' ? a : b;
      expect(list.find((c) => !taken.has(c.title.id))!.title.id).toBe(id);
      taken.add(id);
    }
    expect(ids.slice(4)).toEqual(a.map((c) => c.title.id).filter((id) => !taken.has(id)));
  });

  it('gives each ranker the first pick about half the time, and is reproducible for a seed', () => {
    const a = ranked(['x', 'y']);
    const b = ranked(['y', 'x']);
    const firsts = Array.from(
      { length: 1000 },
      (_, i) => teamDraft({ name: 'A', ranked: a }, { name: 'B', ranked: b }, 2, new Rng(i)).order[0].title.id,
    );
    expect(firsts.filter((id) => id === 'x').length).toBeGreaterThan(440);
    expect(firsts.filter((id) => id === 'x').length).toBeLessThan(560);
    const again = teamDraft({ name: 'A', ranked: a }, { name: 'B', ranked: b }, 2, new Rng(7));
    expect(again.order).toEqual(teamDraft({ name: 'A', ranked: a }, { name: 'B', ranked: b }, 2, new Rng(7)).order);
  });
});

describe('new experiment validation', () => {
  const input = {
    id: 'e1',
    description: 'd',
    hypothesis: 'h',
    lever: 'SOURCES' as const,
    primaryMetric: 'WATCH_MINUTES' as const,
    variants: [
      { name: 'control', weight: 1 / 3 },
      { name: 'no-trending', weight: 1 / 3, settings: { off: ['TRENDING'] } },
      { name: 'small-content', weight: 1 / 3, settings: { quotas: { CONTENT: 10 } } },
    ],
  };

  it('fills defaults, scales weights to sum to 1, and takes the lowest free slice', () => {
    const e = newExperiment(input, [], 5);
    expect(e).toMatchObject({ kind: 'AB', unit: 'ACCOUNT', salt: 'e1', status: 'DRAFT', createdAt: 5, layer: { start: 0, end: 1 } });
    expect(e.variants.reduce((s, v) => s + v.weight, 0)).toBeCloseTo(1, 12);
    expect(e.guardrailMetrics).toEqual(['LATENCY_P99', 'ERROR_RATE']);
    const held: Experiment = { ...newExperiment({ ...input, trafficShare: 0.3, layerStart: 0.2 }, [], 0), id: 'held' };
    expect(newExperiment({ ...input, id: 'e2', trafficShare: 0.2 }, [held], 0).layer).toEqual({ start: 0, end: 0.2 });
    expect(newExperiment({ ...input, id: 'e3', trafficShare: 0.3 }, [held], 0).layer).toEqual({ start: 0.5, end: 0.8 });
    // A stopped experiment frees its slice; another lever's never holds it.
    expect(
      newExperiment(
        { ...input, id: 'e4' },
        [
          { ...held, status: 'STOPPED' },
          { ...held, lever: 'ARTWORK' },
        ],
        0,
      ).layer,
    ).toEqual({ start: 0, end: 1 });
  });

  it.each([
    [{ variants: [{ name: 'only', weight: 1 }] }, 'experiment.variants'],
    [
      {
        variants: [
          { name: 'a', weight: 0.5 },
          { name: 'b', weight: 0.3 },
        ],
      },
      'experiment.variants',
    ],
    [
      {
        variants: [
          { name: 'a', weight: 0.5 },
          { name: 'b', weight: 0.5, settings: { off: ['NOPE'] } },
        ],
      },
      'experiment.variants[1].settings.off[0]',
    ],
    [
      {
        variants: [
          { name: 'a', weight: 0.5 },
          { name: 'b', weight: 0.5, settings: { quotas: { TRENDING: 0 } } },
        ],
      },
      'experiment.variants[1].settings.quotas.TRENDING',
    ],
    [{ lever: 'COLOUR' }, 'experiment.lever'],
    [{ id: 'has space' }, 'experiment.id'],
    [{ trafficShare: 0 }, 'experiment.trafficShare'],
    [{ layerStart: 0.9, trafficShare: 0.5 }, 'experiment.trafficShare'],
    [{ kind: 'INTERLEAVING' }, 'experiment.kind'],
  ])('refuses %j naming %s', (change, field) => {
    expect(() => newExperiment({ ...input, ...change } as typeof input, [], 0)).toThrow(expect.objectContaining({ field }));
  });
});

describe('latency histogram', () => {
  it('puts a latency in the bucket whose bound is the first at or above it', () => {
    for (const ms of [0, 0.5, 1, 1.1, 2, 37, 999, 1e6]) {
      const b = bucketOf(ms);
      if (ms <= 65536) expect(LATENCY_BUCKETS_MS[b]).toBeGreaterThanOrEqual(ms);
      if (b > 0) expect(LATENCY_BUCKETS_MS[b - 1]).toBeLessThan(ms);
    }
  });

  it('reads the p99 of 10,000 requests to within a bucket, with an interval around it', () => {
    const rng = new Rng('latency');
    const buckets = LATENCY_BUCKETS_MS.map(() => 0);
    const samples = Array.from({ length: 10_000 }, () => 20 * Math.exp(0.5 * rng.normal()));
    for (const s of samples) buckets[bucketOf(s)]++;
    const exact = [...samples].sort((a, b) => a - b)[9899];
    const p99 = quantile(buckets, 0.99)!;
    expect(p99.value / exact).toBeGreaterThanOrEqual(1);
    expect(p99.value / exact).toBeLessThan(1.2);
    expect(p99.low).toBeLessThanOrEqual(p99.value);
    expect(p99.high).toBeGreaterThanOrEqual(p99.value);
    expect(
      quantile(
        LATENCY_BUCKETS_MS.map(() => 0),
        0.99,
      ),
    ).toBeNull();
  });
});

describe('experiment results on synthetic units', () => {
  const rng = new Rng('results');
  const unit = (variant: string, i: number, lift: number): UnitOutcome => {
    const before = 100 + 30 * rng.normal();
    const pageViews = 5 + rng.int(0, 5);
    const plays = Math.round(pageViews * (0.4 + lift) + rng.normal());
    return {
      unitId: `${variant}-${i}`,
      variant,
      profiles: 1,
      pageViews,
      plays: Math.max(0, plays),
      finishes: Math.max(0, Math.round(plays / 2)),
      watchMinutes: before + 20 * rng.normal() + lift * 100,
      watchMinutesBefore: before,
      impressions: pageViews * 20,
      taken: Math.max(0, plays),
      returnDays: 3,
      returned: rng.int(0, 3),
      shown: new Set(Array.from({ length: 10 }, () => `t${rng.int(0, 200)}`)),
      credited: new Map(),
    };
  };
  const experiment = newExperiment(
    {
      id: 'synthetic',
      description: 'd',
      hypothesis: 'h',
      lever: 'EXPLORATION',
      primaryMetric: 'WATCH_MINUTES',
      variants: [
        { name: 'control', weight: 0.5 },
        { name: 'more', weight: 0.5, settings: { share: 0.3 } },
      ],
    },
    [],
    0,
  );

  it('finds a planted lift in watch minutes, narrows it with CUPED, and flags a broken split', () => {
    const outcomes = [
      ...Array.from({ length: 500 }, (_, i) => unit('control', i, 0)),
      ...Array.from({ length: 500 }, (_, i) => unit('more', i, 0.1)),
    ];
    const r = experimentResults({ experiment, outcomes, timings: [], catalogSize: 200, window: { from: 0, to: 1 }, now: 1 });
    const minutes = r.metrics.find((m) => m.metric === 'WATCH_MINUTES')!;
    expect(minutes.interval[0]).toBeLessThan(10);
    expect(minutes.interval[1]).toBeGreaterThan(10);
    expect(minutes.cuped!.interval[1] - minutes.cuped!.interval[0]).toBeLessThan(minutes.interval[1] - minutes.interval[0]);
    expect(minutes.cuped!.varianceRemoved).toBeGreaterThan(0.5);
    expect(r.sampleRatio!.mismatch).toBe(false);
    const coverage = r.metrics.find((m) => m.metric === 'COVERAGE')!;
    expect(coverage.interval[0]).toBeLessThanOrEqual(coverage.difference);
    expect(coverage.interval[1]).toBeGreaterThanOrEqual(coverage.difference);
    const skewed = experimentResults({
      experiment,
      outcomes: outcomes.slice(0, 800),
      timings: [],
      catalogSize: 200,
      window: { from: 0, to: 1 },
      now: 1,
    });
    expect(skewed.sampleRatio!.mismatch).toBe(true);
  });

  it('breaches the latency guardrail of a slower variant and the error guardrail of a failing one', () => {
    const buckets = (ms: number, n: number) => LATENCY_BUCKETS_MS.map((_, i) => (i === bucketOf(ms) ? n : 0));
    const timings = [
      { experimentId: 'synthetic', variant: 'control', requests: 2000, errors: 2, buckets: buckets(20, 2000) },
      { experimentId: 'synthetic', variant: 'more', requests: 2000, errors: 60, buckets: buckets(45, 2000) },
    ];
    const outcomes = [unit('control', 1, 0), unit('control', 2, 0), unit('more', 1, 0), unit('more', 2, 0)];
    const r = experimentResults({ experiment, outcomes, timings, catalogSize: 200, window: { from: 0, to: 1 }, now: 1 });
    expect(r.guardrails.map((g) => [g.metric, g.breached])).toEqual([
      ['LATENCY_P99', true],
      ['ERROR_RATE', true],
    ]);
  });
});
