import { ExposureTally, gini } from '../../src/eval/exposure';

describe('exposure metrics', () => {
  it('computes the Gini coefficient of impressions, titles never shown included', () => {
    expect(gini([5, 5, 5, 5])).toBe(0);
    expect(gini([0, 0, 0, 12])).toBeCloseTo(0.75);
    expect(gini([1, 2, 3, 4])).toBeCloseTo(0.25);
    expect(gini([])).toBe(0);
  });

  it('reports coverage and Gini over the whole catalog', () => {
    const tally = new ExposureTally();
    tally.addPage(['a', 'b']);
    tally.addPage(['a', 'c']);
    expect(tally.report(8)).toEqual({ pages: 2, impressions: 4, titlesShown: 3, coverage: 0.375, gini: gini([2, 1, 1, 0, 0, 0, 0, 0]) });
  });
});
