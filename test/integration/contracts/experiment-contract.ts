import type { Store } from '../../../graph/store';
import { ConflictError, NotFoundError } from '../../../src/domain/errors';
import type { Experiment, ExposureRecord } from '../../../src/domain/experiment';
import { FIXTURE_START } from '../../support/fixture-data';
import { DAY_MS } from '../../../src/shared/time';

const DAY = Math.floor(FIXTURE_START / DAY_MS);

export function experiment(id: string, o: Partial<Experiment> = {}): Experiment {
  return {
    id,
    description: `experiment ${id}`,
    hypothesis: 'Weighting finishes more raises watch minutes',
    kind: 'AB',
    unit: 'ACCOUNT',
    salt: id,
    lever: 'RANKER',
    variants: [
      { name: 'control', weight: 0.5, settings: {} },
      { name: 'finish-heavy', weight: 0.5, settings: { utility: { click: 1, finish: 4, ret: 0 } } },
    ],
    layer: { start: 0, end: 0.5 },
    primaryMetric: 'WATCH_MINUTES',
    guardrailMetrics: ['LATENCY_P99', 'ERROR_RATE'],
    status: 'DRAFT',
    createdAt: FIXTURE_START,
    startedAt: null,
    stoppedAt: null,
    ...o,
  };
}

const exposure = (
  experimentId: string,
  profileId: string,
  unitId: string,
  day: number,
  at: number,
  variant = 'control',
): ExposureRecord => ({
  experimentId,
  variant,
  unitId,
  profileId,
  day,
  at,
});

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => undefined,
    (err: unknown) => err,
  );
}

/**
 * Experiments in the store (part of the store contract): definitions and their lifecycle, layer
 * exclusion checked atomically, exposures kept once per profile and day and erased with the
 * profile's history, and timings added up per variant. All of it survives a restart.
 */
export function defineExperimentCases(store: () => Store, reopen: () => Promise<Store>): void {
  it('keeps experiments with every field, lists them oldest first, and survives a restart', async () => {
    const a = experiment('exp-a', { createdAt: FIXTURE_START + 10 });
    const b = experiment('exp-b', {
      lever: 'ARTWORK',
      unit: 'PROFILE',
      kind: 'AB',
      variants: [
        { name: 'thompson', weight: 0.34, settings: { policy: 'THOMPSON' } },
        { name: 'random', weight: 0.33, settings: { policy: 'RANDOM' } },
        { name: 'best', weight: 0.33, settings: { policy: 'BEST' } },
      ],
      layer: { start: 0.25, end: 1 },
      guardrailMetrics: [],
      primaryMetric: 'ARTWORK_TAKE_RATE',
    });
    await store().createExperiment(a);
    await store().createExperiment(b);
    for (const restart of [false, true]) {
      const s = restart ? await reopen() : store();
      expect(await s.getExperiment('exp-a')).toEqual(a);
      expect(await s.getExperiment('exp-b')).toEqual(b);
      expect(await s.getExperiment('nope')).toBeNull();
      expect((await s.listExperiments()).map((e) => e.id)).toEqual(['exp-b', 'exp-a']);
    }
  });

  it('refuses a taken id and an overlapping slice of a lever, and allows other levers and stopped holders', async () => {
    await store().createExperiment(experiment('x1', { layer: { start: 0, end: 0.5 } }));
    const taken = await rejection(store().createExperiment(experiment('x1', { lever: 'ARTWORK' })));
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken).toMatchObject({ reason: 'ALREADY_EXISTS' });
    const overlap = await rejection(store().createExperiment(experiment('x2', { layer: { start: 0.4, end: 0.6 } })));
    expect(overlap).toMatchObject({ reason: 'LAYER_OVERLAP' });
    // Adjacent slices and other levers are fine.
    await store().createExperiment(experiment('x3', { layer: { start: 0.5, end: 1 } }));
    await store().createExperiment(experiment('x4', { lever: 'SOURCES', layer: { start: 0, end: 1 } }));
    // Once x1 is stopped its slice is free again.
    await store().changeExperimentStatus('x1', 'RUNNING', FIXTURE_START + 1);
    await store().changeExperimentStatus('x1', 'STOPPED', FIXTURE_START + 2);
    await store().createExperiment(experiment('x5', { layer: { start: 0, end: 0.5 } }));
    expect((await store().listExperiments()).map((e) => e.id).sort()).toEqual(['x1', 'x3', 'x4', 'x5']);
  });

  it('admits only one of two concurrent experiments on the same slice', async () => {
    const results = await Promise.allSettled(
      ['c1', 'c2', 'c3', 'c4'].map((id) => store().createExperiment(experiment(id, { layer: { start: 0.2, end: 0.7 } }))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected'))
      expect(r.reason).toMatchObject({ reason: 'LAYER_OVERLAP' });
    expect(await store().listExperiments()).toHaveLength(1);
  });

  it('starts and stops an experiment once each, stamping the times', async () => {
    await store().createExperiment(experiment('life'));
    const started = await store().changeExperimentStatus('life', 'RUNNING', FIXTURE_START + DAY_MS);
    expect(started).toMatchObject({ status: 'RUNNING', startedAt: FIXTURE_START + DAY_MS, stoppedAt: null });
    expect(await rejection(store().changeExperimentStatus('life', 'RUNNING', FIXTURE_START + 2 * DAY_MS))).toMatchObject({
      reason: 'ALREADY_STARTED',
    });
    const stopped = await store().changeExperimentStatus('life', 'STOPPED', FIXTURE_START + 3 * DAY_MS);
    expect(stopped).toMatchObject({ status: 'STOPPED', startedAt: FIXTURE_START + DAY_MS, stoppedAt: FIXTURE_START + 3 * DAY_MS });
    expect(await rejection(store().changeExperimentStatus('life', 'STOPPED', FIXTURE_START + 4 * DAY_MS))).toMatchObject({
      reason: 'ALREADY_STOPPED',
    });
    expect(await rejection(store().changeExperimentStatus('life', 'RUNNING', FIXTURE_START + 4 * DAY_MS))).toMatchObject({
      reason: 'ALREADY_STARTED',
    });
    await store().createExperiment(experiment('draft', { lever: 'ARTWORK' }));
    // A draft stopped is abandoned, never started.
    expect(await store().changeExperimentStatus('draft', 'STOPPED', FIXTURE_START)).toMatchObject({
      status: 'STOPPED',
      startedAt: null,
      stoppedAt: FIXTURE_START,
    });
    expect(await rejection(store().changeExperimentStatus('draft', 'RUNNING', FIXTURE_START))).toMatchObject({ reason: 'ALREADY_STARTED' });
    expect(await rejection(store().changeExperimentStatus('ghost', 'RUNNING', FIXTURE_START))).toBeInstanceOf(NotFoundError);
    const s = await reopen();
    expect(await s.getExperiment('life')).toEqual(stopped);
  });

  it('keeps the first exposure of a profile per experiment and day, and erases them with the history', async () => {
    await store().createExperiment(experiment('ex'));
    const first = exposure('ex', 'a1-p1', 'a1', DAY, FIXTURE_START + 100);
    expect(
      await store().recordExposures([
        first,
        { ...first, at: FIXTURE_START + 200 },
        exposure('ex', 'a1-p2', 'a1', DAY, FIXTURE_START + 150),
      ]),
    ).toBe(2);
    expect(await store().recordExposures([{ ...first, at: FIXTURE_START + 300, variant: 'other' }])).toBe(0);
    expect(
      await store().recordExposures([
        exposure('ex', 'a1-p1', 'a1', DAY + 1, FIXTURE_START + DAY_MS),
        exposure('ex', 'a2-p1', 'a2', DAY, FIXTURE_START + 5, 'finish-heavy'),
      ]),
    ).toBe(2);
    const all = [
      first,
      exposure('ex', 'a1-p2', 'a1', DAY, FIXTURE_START + 150),
      exposure('ex', 'a1-p1', 'a1', DAY + 1, FIXTURE_START + DAY_MS),
      exposure('ex', 'a2-p1', 'a2', DAY, FIXTURE_START + 5, 'finish-heavy'),
    ];
    for (const restart of [false, true]) {
      const s = restart ? await reopen() : store();
      expect(await s.exposuresOf('ex')).toEqual(all);
      expect(await s.exposuresOf('other')).toEqual([]);
    }
    await store().eraseViewingHistory('a1-p1', FIXTURE_START + 2 * DAY_MS);
    const kept = [all[1], all[3]];
    expect(await store().exposuresOf('ex')).toEqual(kept);
    expect(await (await reopen()).exposuresOf('ex')).toEqual(kept);
  });

  it('adds timings per variant bucket by bucket', async () => {
    await store().createExperiment(experiment('t'));
    await store().addVariantTimings([
      { experimentId: 't', variant: 'control', requests: 3, errors: 1, buckets: [1, 2, 0] },
      { experimentId: 't', variant: 'finish-heavy', requests: 1, errors: 0, buckets: [0, 0, 1] },
    ]);
    await store().addVariantTimings([{ experimentId: 't', variant: 'control', requests: 2, errors: 0, buckets: [0, 1, 1] }]);
    const expected = [
      { experimentId: 't', variant: 'control', requests: 5, errors: 1, buckets: [1, 3, 1] },
      { experimentId: 't', variant: 'finish-heavy', requests: 1, errors: 0, buckets: [0, 0, 1] },
    ];
    expect(await store().variantTimings('t')).toEqual(expected);
    expect(await (await reopen()).variantTimings('t')).toEqual(expected);
    expect(await store().variantTimings('none')).toEqual([]);
  });
}
