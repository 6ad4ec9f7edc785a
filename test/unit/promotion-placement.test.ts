import type { Promotion } from '../../src/domain/promotion';
import type { RankedCandidate } from '../../src/pipeline/candidates';
import type { RowItemPlan, RowPlan } from '../../src/pipeline/rows';
import { placePromotions } from '../../src/rows/promotion-placement';
import { smallWorld } from '../support/app-harness';

const titles = smallWorld().titles.slice(0, 30);
const candidate = (i: number): RankedCandidate => ({ title: titles[i], sources: new Map(), utility: 1 - i / 100 });
const item = (i: number): RowItemPlan => ({
  title: titles[i],
  reason: 'ranked',
  sources: [],
  sourceScores: new Map(),
  utility: 1 - i / 100,
  explorationBonus: 0,
});
const row = (kind: RowPlan['kind'], ids: number[]): RowPlan => ({
  id: kind,
  kind,
  displayTitle: kind,
  reason: '',
  score: 1,
  items: ids.map(item),
});
const promotion = (titleIds: number[], extra: Partial<Promotion> = {}): Promotion => ({
  id: 'p',
  label: 'New',
  titleIds: titleIds.map((i) => titles[i].id),
  from: 0,
  until: 1,
  rows: ['TRENDING', 'TOP_PICKS'],
  position: 1,
  maxShare: 0.25,
  createdAt: 0,
  ...extra,
});
const ids = (r: RowPlan) => r.items.map((i) => titles.indexOf(i.title));

describe('promotion placement', () => {
  const page = [row('TOP_PICKS', [0, 1, 2, 3, 4, 5, 6, 7]), row('TRENDING', [8, 9, 10, 11, 12, 13, 14, 15])];
  const ranked = Array.from({ length: 30 }, (_, i) => candidate(i));

  it('places a title in the first allowed row the page has, at the position, keeping the row length', () => {
    const [top, trending] = placePromotions(page, [promotion([20])], ranked, new Set());
    expect(ids(top)).toEqual([0, 20, 1, 2, 3, 4, 5, 6]);
    expect(top.items[1]).toMatchObject({ reason: 'Promoted: New', promotion: 'p' });
    expect(ids(trending)).toEqual(ids(page[1]));
  });

  it("puts a row's promoted titles together, ending at the position, and takes them out of other rows", () => {
    const [top, trending] = placePromotions(page, [promotion([12, 0])], ranked, new Set());
    expect(ids(top)).toEqual([12, 0, 1, 2, 3, 4, 5, 6]);
    expect(top.items.filter((i) => i.promotion).map((i) => titles.indexOf(i.title))).toEqual([12, 0]);
    expect(ids(trending)).toEqual([8, 9, 10, 11, 13, 14, 15]);
  });

  it('keeps within the share of a row, then goes to the next allowed row, and skips titles that are not candidates', () => {
    const [top, trending] = placePromotions(
      page,
      [promotion([20, 21, 22, 23], { rows: ['TOP_PICKS', 'TRENDING'] })],
      ranked.slice(0, 23),
      new Set(),
    );
    // ceil(0.25 · 8) = 2 promoted in Top Picks, then Trending; 23 is not a candidate.
    expect(top.items.filter((i) => i.promotion).length).toBe(2);
    expect(trending.items.filter((i) => i.promotion).map((i) => titles.indexOf(i.title))).toEqual([22]);
    expect(placePromotions(page, [promotion([20], { rows: ['GENRE'] })], ranked, new Set())).toEqual(page);
  });

  it("leaves the viewer's own rows and titles alone, and takes off a title that joined for the campaign only and found no room", () => {
    const own = [row('CONTINUE_WATCHING', [16, 17]), ...page];
    const sourced = ranked.map((c, i) => (i === 3 ? c : { ...c, sources: new Map([['TRENDING' as const, 1]]) }));
    const [resume, top] = placePromotions(own, [promotion([16, 3], { rows: ['GENRE'] })], sourced, new Set([titles[16].id]));
    expect(ids(resume)).toEqual([16, 17]);
    // Title 3 has no source: with no GENRE row on the page, it leaves Top Picks.
    expect(ids(top)).toEqual([0, 1, 2, 4, 5, 6, 7]);
  });
});
