import type { Profile, Title, WatchState } from '../../src/domain/types';
import { CatalogIndex } from '../../src/pipeline/catalog-index';
import { profileSignals } from '../../src/pipeline/profile-signals';
import type { HomepageRequest } from '../../src/pipeline/request';
import { resolveContext } from '../../src/pipeline/viewing-context';
import { DAY_MS } from '../../src/shared/time';
import type { RankedCandidate } from '../../src/pipeline/candidates';
import { DEVICE_LAYOUTS } from '../../src/rows/device-layout';
import { explorable, explorationSlots, takeRateUncertainty } from '../../src/rows/exploration';
import { type TitleEvidence } from '../../src/pipeline/stages';
import { MAX_ROWS_PER_TITLE, placeRows, sharedTitlesAllowed, type PlacementInputs } from '../../src/rows/page-placement';
import { establishedTaste, rowCandidates, type RowCandidate } from '../../src/rows/row-candidates';
import type { RowPlan } from '../../src/pipeline/rows';
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

/** Every bound of a page's overlap (page-placement.ts): within a screen, on the first screen, per title, per pair of rows. */
function overlapBreaches(page: readonly RowPlan[], screenRows: number): string[] {
  const ids = page.map((r) => r.items.map((i) => i.title.id));
  const breaches: string[] = [];
  const rowsOf = new Map<string, number>();
  for (const row of ids) for (const id of new Set(row)) rowsOf.set(id, (rowsOf.get(id) ?? 0) + 1);
  for (const [id, n] of rowsOf) if (n > MAX_ROWS_PER_TITLE) breaches.push(`${id} in ${n} rows`);
  for (let a = 0; a < ids.length; a++)
    for (let b = a + 1; b < ids.length; b++) {
      const shared = ids[b].filter((id) => ids[a].includes(id)).length;
      const allowed = a < screenRows || b - a < screenRows ? 0 : sharedTitlesAllowed(ids[a].length, ids[b].length);
      if (shared > allowed) breaches.push(`${page[a].id} and ${page[b].id} share ${shared} (${allowed} allowed)`);
    }
  return breaches;
}

describe('overlap between the rows of a page (pure)', () => {
  // The TV page: an "Animation" row and a "Because You Watched" row drawing on the same
  // titles (11 of their first 20 in common), below a first screen of other rows.
  const animated = Array.from({ length: 60 }, (_, i) => ranked(title(`an${i}`, 'Animation'), 0.8 - i * 0.005));
  const neighbours = [
    ...animated.slice(0, 11),
    ...Array.from({ length: 40 }, (_, i) => ranked(title(`nb${i}`, i % 2 ? 'Family' : 'Adventure'), 0.78 - i * 0.005)),
  ];
  const firstScreen = [
    row(
      'top',
      Array.from({ length: 30 }, (_, i) => ranked(title(`tp${i}`, 'Drama'), 1 - i * 0.005)),
      'TOP_PICKS',
    ),
    row(
      'trending',
      Array.from({ length: 30 }, (_, i) => ranked(title(`tr${i}`, 'Comedy'), 0.95 - i * 0.005)),
      'TRENDING',
    ),
  ];
  const candidates = [
    ...firstScreen,
    row('because', neighbours, 'BECAUSE_YOU_WATCHED'),
    row('animation', animated),
    // Acclaimed animation: the same titles a third time, and a pool too small to survive without them.
    row('acclaimed', [...animated.slice(0, 8), ranked(title('cr0', 'Documentary'), 0.5)], 'CRITICALLY_ACCLAIMED'),
  ];

  it('holds every bound on a personalized page, keeping rows full from their deeper candidates', () => {
    const page = placeRows(candidates, inputs());
    expect(page.slice(0, 2).map((r) => r.id)).toEqual(['top', 'trending']);
    expect(overlapBreaches(page, DEVICE_LAYOUTS.TV.screenRows)).toEqual([]);
    const length = (id: string) => page.find((r) => r.id === id)!.items.length;
    expect([length('because'), length('animation')]).toEqual([20, 20]);
    // Acclaimed could keep at most 1 of its 8 animated titles (a fifth of its 9, rounded down): too thin, so it is dropped.
    expect(page.some((r) => r.id === 'acclaimed')).toBe(false);
  });

  it('lets two rows a screen apart share a fifth of their titles, the lower one giving up its deepest repeats', () => {
    // The editorial order puts the two rows a screen apart (a TV screen shows two rows), with another row between.
    const between = row(
      'because-2',
      Array.from({ length: 30 }, (_, i) => ranked(title(`b2-${i}`, 'Western'), 0.5 - i * 0.005)),
      'BECAUSE_YOU_WATCHED',
    );
    const page = placeRows([...candidates, between], inputs({ placement: 'FIXED' }));
    expect(page.map((r) => r.id)).toEqual(['top', 'trending', 'because', 'because-2', 'animation']);
    expect(overlapBreaches(page, DEVICE_LAYOUTS.TV.screenRows)).toEqual([]);
    const because = page[2].items.map((i) => i.title.id);
    const animation = page[4].items.map((i) => i.title.id);
    expect([because.length, animation.length]).toEqual([20, 20]);
    // Their pools have 11 of their first 20 in common; the page shows 4 of them twice, not 11.
    expect(neighbours.slice(0, 20).filter((c) => animated.slice(0, 20).includes(c)).length).toBe(11);
    expect(sharedTitlesAllowed(20, 20)).toBe(4);
    expect(animation.filter((id) => because.includes(id))).toEqual(['an0', 'an1', 'an2', 'an3']);
    // The upper row keeps its best titles; the lower one is topped up from deeper in its pool.
    expect(because).toEqual(
      [...neighbours]
        .sort((a, b) => b.utility - a.utility)
        .slice(0, 20)
        .map((c) => c.title.id),
    );
    expect(animation).toEqual(['an0', 'an1', 'an2', 'an3', ...animated.slice(11, 27).map((c) => c.title.id)]);
  });

  it('keeps Continue Watching on a full page, in the last row if no earlier one', () => {
    const resumable = row(
      'resume',
      [ranked(title('half-seen', 'Drama'), 0.3), ranked(title('started', 'Drama'), 0.28)],
      'CONTINUE_WATCHING',
    );
    const strong = Array.from({ length: 12 }, (_, k) =>
      row(
        `g${k}`,
        Array.from({ length: 30 }, (_, i) => ranked(title(`g${k}-${i}`, `G${k}`), 1 - i * 0.001)),
      ),
    );
    const page = placeRows([...strong, resumable], inputs({ context: ctx('TV', '2026-11-27T20:00', 3600) }));
    expect(page.length).toBe(DEVICE_LAYOUTS.TV.maxRows);
    expect(page.findIndex((r) => r.id === 'resume')).toBe(DEVICE_LAYOUTS.TV.maxRows - 1);
  });

  it('never shows a title in more than two rows, however many pools hold it', () => {
    const shared = Array.from({ length: 12 }, (_, i) => ranked(title(`s${i}`, 'Thriller'), 0.9 - i * 0.01));
    const many = Array.from({ length: 6 }, (_, k) =>
      row(`r${k}`, [...shared, ...Array.from({ length: 30 }, (_, i) => ranked(title(`r${k}-${i}`, `G${k}`), 0.85 - i * 0.01))]),
    );
    const page = placeRows([...firstScreen, ...many], inputs());
    expect(page.length).toBeGreaterThanOrEqual(6);
    expect(overlapBreaches(page, DEVICE_LAYOUTS.TV.screenRows)).toEqual([]);
    for (const s of shared) expect(page.filter((r) => r.items.some((i) => i.title.id === s.title.id)).length).toBeLessThanOrEqual(2);
  });
});

describe('the taste a reason names (pure)', () => {
  const NOW = Date.UTC(2026, 10, 1, 20);
  const g = (id: string, genres: string[]): Title => ({ ...base, id, name: id, genres, maturityTier: 'LITTLE_KIDS' });
  const dramas = Array.from({ length: 14 }, (_, i) => g(`dr${i}`, i % 3 === 0 ? ['Drama', 'Crime'] : ['Drama']));
  const cartoon = g('cartoon', ['Kids', 'Family']);
  const newDrama = g('new-drama', ['Drama']);
  const newCartoon = g('new-cartoon', ['Kids', 'Family']);
  const catalog = new CatalogIndex([...dramas, cartoon, newDrama, newCartoon], new Map());
  const profile: Profile = { id: 'p', accountId: 'a', name: 'Ana', isKids: false, maturityLimit: 'ADULTS', language: 'en', createdAt: 0 };
  const watch = (titleId: string, daysAgo: number, progress = 1): WatchState => ({
    profileId: 'p',
    titleId,
    progress,
    plays: 1,
    firstAt: NOW - daysAgo * DAY_MS,
    lastAt: NOW - daysAgo * DAY_MS,
    completed: progress >= 0.9,
  });
  // A long drama history (one title every few weeks, the last a month and a half ago)...
  const history = dramas.map((t, i) => watch(t.id, 45 + 20 * i));
  // ...and tonight, 35% of a kids film.
  const shortPlay = watch(cartoon.id, 0, 0.35);
  const request = (played: WatchState[]): HomepageRequest => ({
    profile,
    account: { ...account, id: 'a' },
    context: resolveContext({ device: 'TV', localTime: '2026-11-01T20:00' }, account, NOW),
    signals: profileSignals(played, (id) => catalog.get(id), NOW, profile),
    catalog,
  });
  const ranked2 = (t: Title, utility: number): RankedCandidate => ({ title: t, utility, sources: new Map([['CONTENT', 1]]) });
  const topPicks = (req: HomepageRequest) =>
    rowCandidates(req, [ranked2(newCartoon, 0.9), ranked2(newDrama, 0.8)], []).find((r) => r.kind === 'TOP_PICKS')!;

  it('is not renamed by one short play far from the history: the drama reason stays', () => {
    const before = request(history);
    const after = request([shortPlay, ...history]);
    // The ranker's month-long affinity does move: the one play is the most recent thing the profile did.
    expect(after.signals.genreAffinity.get('Kids')).toBeGreaterThan(0.1);
    // The taste a reason names does not.
    expect([...establishedTaste(after).keys()]).toEqual([...establishedTaste(before).keys()]);
    expect([...establishedTaste(after).keys()]).toEqual(['Drama', 'Crime']);
    const [b, a] = [topPicks(before), topPicks(after)];
    expect(a.reason).toBe(b.reason);
    expect(a.reason).toMatch(/for your taste in Drama and Crime$/);
    const [cartoonItem, dramaItem] = a.pool;
    expect(a.itemReason(dramaItem)).toBe('Matches your taste for Drama');
    expect(a.itemReason(cartoonItem)).not.toMatch(/Kids|Family/);
    expect(a.itemReason(cartoonItem)).toBe('Close to titles you watched recently');
  });

  it('names a genre once it is a habit: two kids titles watched in earnest', () => {
    const more = [g('k1', ['Kids']), g('k2', ['Kids', 'Family'])];
    const withKids = new CatalogIndex([...dramas, ...more, cartoon, newDrama, newCartoon], new Map());
    const req = { ...request([watch('k1', 2), watch('k2', 1, 0.8), ...history]), catalog: withKids };
    req.signals = profileSignals([watch('k1', 2), watch('k2', 1, 0.8), ...history], (id) => withKids.get(id), NOW, profile);
    expect(establishedTaste(req).has('Kids')).toBe(true);
    expect(topPicks(req).itemReason(ranked2(newCartoon, 0.9))).toMatch(/^Matches your taste for Kids/);
  });

  it('counts the genres declared at onboarding as taste from the start', () => {
    const onboarded = { ...profile, onboarding: { genres: ['Comedy'], titleIds: [], completedAt: NOW - DAY_MS } };
    const req = { ...request([]), profile: onboarded, signals: profileSignals([], (id) => catalog.get(id), NOW, onboarded) };
    expect([...establishedTaste(req).keys()]).toEqual(['Comedy']);
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
