import type { Title } from '../../src/domain/types';
import { resolveContext } from '../../src/pipeline/viewing-context';
import type { RankedCandidate } from '../../src/pipeline/candidates';
import { DEVICE_LAYOUTS } from '../../src/rows/device-layout';
import { explorable, explorationSlots, takeRateUncertainty } from '../../src/rows/exploration';
import { type TitleEvidence } from '../../src/pipeline/stages';
import { placeRows, type PlacementInputs } from '../../src/rows/page-placement';
import type { RowCandidate } from '../../src/rows/row-candidates';
import { diversityFactor, rowFreshness, rowPrior, rowRelevance } from '../../src/rows/row-scoring';
import { fixtureData } from '../support/fixture-data';

const base = fixtureData().titles[0];
const title = (id: string, genre = 'Drama', runtimeMinutes = 100): Title => ({ ...base, id, name: id, genres: [genre], runtimeMinutes });
const ranked = (t: Title, utility: number): RankedCandidate => ({ title: t, utility, sources: new Map([['COLLABORATIVE', 1]]) });
const account = { id: 'a', country: 'US', timeZone: 'UTC', createdAt: 0 };
const ctx = (device: 'TV' | 'PHONE', localTime: string, sessionSeconds = 0) =>
  resolveContext({ device, localTime, sessionSeconds }, account, 0);
const TV_FRIDAY = ctx('TV', '2026-11-27T20:00');
const PHONE_LUNCH = ctx('PHONE', '2026-11-25T12:30');

function row(id: string, pool: RankedCandidate[], kind: RowCandidate['kind'] = 'GENRE'): RowCandidate {
  return {
    id,
    kind,
    displayTitle: id,
    reason: `why ${id}`,
    pool: [...pool].sort((a, b) => b.utility - a.utility),
    itemReason: () => `item of ${id}`,
  };
}

const wellKnown: TitleEvidence = { impressions: 5000 };
const inputs = (over: Partial<PlacementInputs> = {}): PlacementInputs => ({
  context: TV_FRIDAY,
  layout: DEVICE_LAYOUTS.TV,
  explorationShare: 0,
  timesShown: () => 0,
  evidence: () => wellKnown,
  ...over,
});

describe('row scoring (pure)', () => {
  it('moves row priors with the context: short picks on a phone at lunch, resuming on arrival', () => {
    expect(rowPrior('SHORT_PICKS', PHONE_LUNCH)).toBeGreaterThan(rowPrior('TOP_PICKS', PHONE_LUNCH));
    expect(rowPrior('SHORT_PICKS', TV_FRIDAY)).toBeLessThan(rowPrior('GENRE', TV_FRIDAY));
    expect(rowPrior('CONTINUE_WATCHING', TV_FRIDAY)).toBeGreaterThan(rowPrior('CONTINUE_WATCHING', ctx('TV', '2026-11-27T20:00', 3600)));
    expect(rowPrior('NEW_RELEASES', ctx('TV', '2026-11-27T20:00', 3600))).toBeGreaterThan(rowPrior('NEW_RELEASES', TV_FRIDAY));
  });

  it('judges relevance on the visible titles, discounting later positions and short rows', () => {
    expect(rowRelevance([1, 1, 1], 3, 1)).toBeCloseTo(1);
    expect(rowRelevance([1, 0.5, 0.5], 3, 1)).toBeGreaterThan(rowRelevance([0.5, 0.5, 1], 3, 1));
    expect(rowRelevance([1, 1], 3, 1)).toBeLessThan(rowRelevance([1, 1, 1], 3, 1));
  });

  it('penalises stale rows and genres already shown above', () => {
    expect(rowFreshness([0, 0])).toBe(1);
    expect(rowFreshness([8, 8])).toBeCloseTo(0.6);
    expect(diversityFactor(['Drama', 'Drama'], new Map([['Drama', 6]]), 6)).toBeLessThan(
      diversityFactor(['Comedy', 'Comedy'], new Map([['Drama', 6]]), 6),
    );
    expect(diversityFactor(['Drama'], new Map(), 0)).toBe(1);
  });
});

describe('greedy placement (pure)', () => {
  const dramas = Array.from({ length: 30 }, (_, i) => ranked(title(`d${i}`, 'Drama'), 1 - i * 0.01));
  const comedies = Array.from({ length: 30 }, (_, i) => ranked(title(`c${i}`, 'Comedy'), 0.9 - i * 0.01));

  it('places the best row first and never repeats a title within the first screen', () => {
    const page = placeRows([row('comedy', comedies), row('drama', dramas), row('all', [...dramas, ...comedies], 'TOP_PICKS')], inputs());
    expect(page[0].id).toBe('all');
    const firstScreen = page.slice(0, DEVICE_LAYOUTS.TV.screenRows).flatMap((r) => r.items.map((i) => i.title.id));
    expect(new Set(firstScreen).size).toBe(firstScreen.length);
    expect(page.every((r) => r.items.length <= DEVICE_LAYOUTS.TV.rowLength)).toBe(true);
  });

  it('prefers a different genre below a row of the same genre (diversity)', () => {
    const moreDramas = Array.from({ length: 30 }, (_, i) => ranked(title(`e${i}`, 'Drama'), 0.93 - i * 0.01));
    const page = placeRows([row('drama', dramas), row('drama-2', moreDramas), row('comedy', comedies)], inputs());
    // Without the penalty "drama-2" (0.93) would beat "comedy" (0.9) for the second place.
    expect(page.map((r) => r.id)).toEqual(['drama', 'comedy', 'drama-2']);
  });

  it('sizes the page to the device: rows, titles per row', () => {
    const many = Array.from({ length: 14 }, (_, k) =>
      row(
        `r${k}`,
        Array.from({ length: 40 }, (_, i) => ranked(title(`r${k}-${i}`, `G${k}`), 1 - i * 0.001)),
      ),
    );
    const tv = placeRows(many, inputs());
    const phone = placeRows(many, inputs({ context: PHONE_LUNCH, layout: DEVICE_LAYOUTS.PHONE }));
    expect([tv.length, Math.max(...tv.map((r) => r.items.length))]).toEqual([10, 20]);
    expect([phone.length, Math.max(...phone.map((r) => r.items.length))]).toEqual([8, 10]);
  });

  it('shortens rows for a small catalog so the first screen is not one row of everything', () => {
    const few = Array.from({ length: 21 }, (_, i) => ranked(title(`k${i}`, i % 2 ? 'Comedy' : 'Drama'), 1 - i * 0.01));
    const page = placeRows(
      [
        row('all', few, 'TOP_PICKS'),
        row(
          'drama',
          few.filter((c) => c.title.genres[0] === 'Drama'),
        ),
        row(
          'comedy',
          few.filter((c) => c.title.genres[0] === 'Comedy'),
        ),
      ],
      inputs({ layout: DEVICE_LAYOUTS.WEB }),
    );
    // Without it: one row of 20 and nothing left for the other two.
    expect(page.map((r) => r.items.length)).toEqual([8, 7, 6]);
  });

  it('gives exploration slots to the less-exposed titles that suit the viewer best, not at random', () => {
    const known = Array.from({ length: 40 }, (_, i) => ranked(title(`k${i}`), 1 - i * 0.01));
    const fresh = [ranked(title('new-good'), 0.5), ranked(title('new-poor'), 0.05), ranked(title('new-mid'), 0.3)];
    const evidence = (id: string): TitleEvidence => (id.startsWith('new') ? { impressions: 0 } : wellKnown);
    const page = placeRows([row('all', [...known, ...fresh], 'TOP_PICKS')], inputs({ explorationShare: 0.1, evidence }));
    const items = page[0].items;
    const explored = items.filter((i) => i.explorationBonus > 0);
    expect(explored.map((i) => i.title.id)).toEqual(['new-good', 'new-mid']);
    expect(explored.map((i) => items.indexOf(i))).toEqual(explorationSlots(20, 0.1));
    expect(explored[0].reason).toMatch(/^Exploring: shown 0 times in 4 weeks/);
    // Everything else keeps utility order.
    const exploited = items.filter((i) => i.explorationBonus === 0).map((i) => i.utility);
    expect(exploited).toEqual([...exploited].sort((a, b) => b - a));
    expect(
      placeRows([row('all', [...known, ...fresh], 'TOP_PICKS')], inputs({ evidence }))
        .flatMap((r) => r.items)
        .some((i) => i.explorationBonus > 0),
    ).toBe(false);
  });
});

describe('exploration (pure)', () => {
  it('is most uncertain about titles nobody was shown and grows sure with impressions alone', () => {
    const u = (impressions: number) => takeRateUncertainty({ impressions });
    expect(u(0)).toBe(1);
    expect(u(0)).toBeGreaterThan(u(30));
    expect(u(30)).toBeCloseTo(0.5);
    expect(u(30)).toBeGreaterThan(u(3000));
  });

  it('lets the uncertain and the least-exposed 30% of the page explore, not the well-known', () => {
    const uncertainty = new Map([
      ['a', 1],
      ['b', 0.6],
      ...Array.from({ length: 8 }, (_, i) => [`k${i}`, 0.1 - i * 0.01] as [string, number]),
    ]);
    expect([...explorable(uncertainty)].sort()).toEqual(['a', 'b', 'k0']);
  });

  it('spreads slots along the row, never in the first two places', () => {
    expect(explorationSlots(20, 0.1)).toEqual([5, 15]);
    expect(explorationSlots(10, 0.1)).toEqual([5]);
    expect(explorationSlots(20, 0)).toEqual([]);
    expect(explorationSlots(3, 0.5).every((s) => s >= 2)).toBe(true);
  });
});
