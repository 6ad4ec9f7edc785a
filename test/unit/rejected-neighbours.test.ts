import { StoreUnavailableError } from '../../graph/errors';
import type { Profile, Title } from '../../src/domain/types';
import type { TitleFeedback } from '../../src/domain/title-feedback';
import { CatalogIndex } from '../../src/pipeline/catalog-index';
import type { RankedCandidate } from '../../src/pipeline/candidates';
import { profileSignals } from '../../src/pipeline/profile-signals';
import type { HomepageRequest } from '../../src/pipeline/request';
import type { NeighbourLookup } from '../../src/pipeline/stages';
import { resolveContext } from '../../src/pipeline/viewing-context';
import { PageBuilder } from '../../src/rows/page-builder';
import { fixtureData } from '../support/fixture-data';

const data = fixtureData();
const NOW = Date.parse('2026-11-27T20:00:00Z');
const base = data.titles[0];
const titles: Title[] = Array.from({ length: 24 }, (_, i) => ({ ...base, id: `t${i}`, name: `T${i}`, genres: ['Drama'], addedAt: 0 }));
const rejectedTitle: Title = { ...base, id: 'x', name: 'X', genres: ['Drama'], addedAt: 0 };
const catalog = new CatalogIndex([...titles, rejectedTitle], new Map());
const profile: Profile = { ...data.profiles[0], maturityLimit: 'ADULTS' };
const account = { ...data.accounts.find((a) => a.id === profile.accountId)!, timeZone: 'UTC' };
const ranked: RankedCandidate[] = titles.map((t, i) => ({ title: t, utility: 1 - i / 100, sources: new Map([['COLLABORATIVE', 1]]) }));
const down: TitleFeedback = {
  profileId: profile.id,
  titleId: 'x',
  rating: 'DOWN',
  ratedAt: NOW - 1000,
  notInterestedAt: null,
  myListAt: null,
  hiddenAt: null,
  updatedAt: NOW - 1000,
};

const request = (feedback: TitleFeedback[]): HomepageRequest => ({
  profile,
  account,
  context: resolveContext({ device: 'TV', localTime: '2026-11-27T20:00' }, account, NOW),
  signals: profileSignals([], (id) => catalog.get(id), NOW, profile, feedback),
  catalog,
});
const builder = (neighbours: NeighbourLookup) =>
  new PageBuilder({
    neighbours,
    exposure: () => () => ({ shown: 0, daysSinceShown: 29 }),
    evidence: () => ({ impressions: 5000 }),
    explorationShare: 0,
  });
const topPicks = async (b: PageBuilder, feedback: TitleFeedback[]) =>
  (await b.build(request(feedback), ranked)).find((r) => r.kind === 'TOP_PICKS')!.items.map((i) => i.title.id);

describe("a rejected title's neighbours", () => {
  // t0, the best-ranked title, is the rejected title's nearest neighbour; t5 a distant one.
  const graph: NeighbourLookup = async (id) =>
    id === 'x'
      ? [
          { from: 'x', to: 't0', score: 1, basis: [] },
          { from: 'x', to: 't5', score: 0.1, basis: [] },
        ]
      : [];

  it('lose utility in proportion to their similarity, and the page is ordered by what is left', async () => {
    const before = await topPicks(builder(graph), []);
    const after = await topPicks(builder(graph), [down]);
    expect(before.slice(0, 6)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5']);
    // t0 keeps half its utility (0.5), below every other title; t5 keeps 95% (0.95 · 0.95 ≈ 0.90), between t9 and t10.
    expect(after.indexOf('t0')).toBe(-1);
    expect(after.slice(0, 10)).toEqual(['t1', 't2', 't3', 't4', 't6', 't7', 't8', 't9', 't5', 't10']);
  });

  it('are left as ranked when the graph is unavailable', async () => {
    const failing: NeighbourLookup = async () => {
      throw new StoreUnavailableError('graph down');
    };
    expect(await topPicks(builder(failing), [down])).toEqual(await topPicks(builder(graph), []));
  });
});
