import { chiSquaredDistributionTable } from 'simple-statistics';
import type { Experiment } from '../../src/domain/experiment';
import { assignVariant } from '../../src/experiments/assignment';

type Assignable = Parameters<typeof assignVariant>[0];

const experiment = (
  id: string,
  lever: Experiment['lever'],
  layer: Experiment['layer'],
  unit: Experiment['unit'] = 'ACCOUNT',
): Assignable => ({
  id,
  unit,
  salt: id,
  lever,
  variants: [
    { name: 'control', weight: 1 / 3, settings: {} },
    { name: 'a', weight: 1 / 3, settings: {} },
    { name: 'b', weight: 1 / 3, settings: {} },
  ],
  layer,
});

const units = Array.from({ length: 100_000 }, (_, i) => ({ accountId: `a${i}`, profileId: `a${i}-p1` }));

describe('experiment assignment by hashing (GrowthBook v2 buckets, layers as namespaces)', () => {
  it('splits 100,000 units across 3 variants in balance (chi-square, p > 0.005)', () => {
    const e = experiment('balance', 'RANKER', { start: 0, end: 1 });
    const counts = new Map<string, number>();
    for (const u of units) {
      const variant = assignVariant(e, u)!;
      counts.set(variant, (counts.get(variant) ?? 0) + 1);
    }
    const expected = units.length / 3;
    const chiSquare = [...counts.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    expect([...counts.keys()].sort()).toEqual(['a', 'b', 'control']);
    expect(chiSquare).toBeLessThan(chiSquaredDistributionTable[2]['0.005']);
  });

  it('gives a unit the same variant every time, from nothing but the experiment and its id', () => {
    const e = experiment('stable', 'RANKER', { start: 0, end: 1 });
    const first = units.slice(0, 1000).map((u) => assignVariant(e, u));
    const again = units.slice(0, 1000).map((u) => assignVariant(structuredClone(e), { ...u }));
    expect(again).toEqual(first);
    // Another salt draws the units anew.
    const resalted = units.slice(0, 1000).map((u) => assignVariant({ ...e, salt: 'stable-2' }, u));
    expect(resalted.filter((v, i) => v !== first[i]).length).toBeGreaterThan(500);
  });

  it('randomises households or profiles as the experiment says', () => {
    const byAccount = experiment('household', 'RANKER', { start: 0, end: 1 });
    const byProfile = experiment('household', 'RANKER', { start: 0, end: 1 }, 'PROFILE');
    const household = [1, 2, 3, 4, 5].map((p) => ({ accountId: 'a42', profileId: `a42-p${p}` }));
    expect(new Set(household.map((u) => assignVariant(byAccount, u))).size).toBe(1);
    const split = units
      .slice(0, 200)
      .flatMap((u) => [1, 2].map((p) => assignVariant(byProfile, { ...u, profileId: `${u.accountId}-p${p}` })));
    expect(split.filter((v, i) => i % 2 === 0 && v !== split[i + 1]).length).toBeGreaterThan(50);
  });

  it('keeps experiments of one layer apart, each on its traffic share, while another layer overlaps both', () => {
    const first = experiment('first', 'RANKER', { start: 0, end: 0.3 });
    const second = experiment('second', 'RANKER', { start: 0.3, end: 0.5 });
    const artwork = experiment('artwork', 'ARTWORK', { start: 0, end: 1 });
    const inFirst = units.filter((u) => assignVariant(first, u) !== null);
    const inSecond = units.filter((u) => assignVariant(second, u) !== null);
    expect(inFirst.filter((u) => assignVariant(second, u) !== null)).toHaveLength(0);
    expect(inFirst.length / units.length).toBeCloseTo(0.3, 2);
    expect(inSecond.length / units.length).toBeCloseTo(0.2, 2);
    expect(inFirst.every((u) => assignVariant(artwork, u) !== null)).toBe(true);
  });
});
