import type { Title } from '../../src/domain/types';
import { sortByUtility, type RankedCandidate } from '../../src/pipeline/candidates';
import { CatalogIndex } from '../../src/pipeline/catalog-index';
import { descending } from '../../src/shared/compare';
import { Rng } from '../../src/shared/random';
import { fixtureData } from '../support/fixture-data';

const base = fixtureData().titles[0];
const title = (id: string, name = id): Title => ({ ...base, id, name });

/** The order every page's candidates take, written the plain way: utility descending, then id. */
const reference = (a: RankedCandidate, b: RankedCandidate) =>
  b.utility - a.utility || (a.title.id < b.title.id ? -1 : a.title.id > b.title.id ? 1 : 0);

describe("the candidates' order", () => {
  it('sorts by utility, highest first, ties by id, as the plain comparator does, without touching its input', () => {
    const rng = new Rng('order');
    for (let trial = 0; trial < 200; trial++) {
      // Few distinct utilities, so that ties are common.
      const candidates: RankedCandidate[] = Array.from({ length: 1 + Math.floor(rng.float() * 60) }, (_, i) => ({
        title: title(`t${Math.floor(rng.float() * 1e6)}-${i}`),
        sources: new Map(),
        utility: Math.floor(rng.float() * 8) / 7,
      }));
      const before = [...candidates];
      const sorted = sortByUtility(candidates);
      expect(candidates).toEqual(before);
      expect(sorted).toEqual([...candidates].sort(reference));
    }
  });

  it('compares numbers highest first without their difference', () => {
    expect([0.25, 3, -1, 0.5, 3].sort(descending)).toEqual([3, 3, 0.5, 0.25, -1]);
    expect(descending(Number.NaN, 1)).toBe(0);
  });

  it("finds a model's titles by row, and a title changed in the catalog at once", () => {
    const catalog = new CatalogIndex([title('a'), title('b')], new Map());
    const ids = ['b', 'missing', 'a'];
    expect(catalog.aligned(ids).map((t) => t?.id)).toEqual(['b', undefined, 'a']);
    expect(catalog.aligned(ids)).toBe(catalog.aligned(ids));
    catalog.add(title('a', 'renamed'));
    catalog.add(title('missing'));
    expect(catalog.aligned(ids).map((t) => t?.name)).toEqual(['b', 'missing', 'renamed']);
  });
});
