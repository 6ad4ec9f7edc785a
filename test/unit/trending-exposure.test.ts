import type { HomepageRequest } from '../../src/pipeline/request';
import { trendingCorrection, trendingSource } from '../../src/retrieval/model-sources';
import { PlayCounters } from '../../src/retrieval/play-counters';
import { CatalogIndex } from '../../src/pipeline/catalog-index';
import { fixtureData } from '../support/fixture-data';
import { DAY_MS } from '../../src/shared/time';

const NOW = Date.UTC(2026, 10, 20);

describe('trending corrected by impressions', () => {
  it('needs logged impressions to correct anything, and stays within 0.5..2', () => {
    expect(trendingCorrection({ plays: 40, shown: 0 })).toBe(1);
    expect(trendingCorrection({ plays: 50, shown: 1000 })).toBeCloseTo(1, 1);
    expect(trendingCorrection({ plays: 400, shown: 1000 })).toBe(2);
    expect(trendingCorrection({ plays: 1, shown: 5000 })).toBe(0.5);
  });

  it('ranks the title viewers seek out above the one every page pushed, at equal plays', async () => {
    const data = fixtureData();
    const [sought, pushed] = data.titles.slice(0, 2);
    const counters = new PlayCounters();
    for (let i = 0; i < 30; i++) {
      counters.note('US', false, sought.id, NOW - DAY_MS + i);
      counters.note('US', false, pushed.id, NOW - DAY_MS + i);
    }
    const order = async () => {
      const req = {
        profile: { ...data.profiles[0], maturityLimit: 'ADULTS' },
        account: { ...data.accounts[0], country: 'US' },
        context: { now: NOW },
        signals: { completed: new Set(), seen: new Set(), rejected: new Set() },
        catalog: new CatalogIndex(data.titles, new Map()),
      } as unknown as HomepageRequest;
      return (await trendingSource(counters).candidates(req, 10)).map((c) => c.title.id);
    };
    // Equal plays: ties go by id.
    const tie = await order();
    expect(tie.slice(0, 2).sort()).toEqual([sought.id, pushed.id].sort());
    for (let i = 0; i < 2000; i++) counters.noteImpression(pushed.id, NOW - DAY_MS + i);
    for (let i = 0; i < 100; i++) counters.noteImpression(sought.id, NOW - DAY_MS + i);
    expect((await order()).slice(0, 2)).toEqual([sought.id, pushed.id]);
    for (let i = 0; i < 5000; i++) counters.noteImpression(sought.id, NOW - DAY_MS + i);
    expect((await order()).slice(0, 2)).toEqual([pushed.id, sought.id]);
  });
});
