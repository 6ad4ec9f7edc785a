import type { Store } from '../../graph/store';
import { startHarness, type AppHarness } from '../support/app-harness';
import { anchorWatches } from '../../src/rows/row-candidates';
import { holdNeo4jWhileRunning, NEO4J_URI, openEmptyNeo4jStore } from '../support/neo4j';

const TV = { device: 'TV', localTime: '2026-11-27T20:00' };
const PAGE = `query($id: ID!, $context: ViewingContextInput, $filter: TitleFilterInput) {
  homepage(profileId: $id, context: $context, filter: $filter) {
    rows { kind displayTitle reason items { reason title { id kind genres runtimeMinutes } } }
  }
}`;
const SIMILAR = `query($title: ID!, $profile: ID, $filter: TitleFilterInput) {
  similarTitles(titleId: $title, limit: 20, profileId: $profile, filter: $filter) { title { id kind } }
}`;
const FEEDBACK = 'title { id } rating ratedAt notInterested inMyList addedToMyListAt removedFromContinueWatchingAt';

type Page = {
  rows: {
    kind: string;
    displayTitle: string;
    reason: string;
    items: { reason: string; title: { id: string; kind: string; genres: string[]; runtimeMinutes: number } }[];
  }[];
};
const titlesOf = (page: Page) => new Set(page.rows.flatMap((r) => r.items.map((i) => i.title.id)));
const rowOf = (page: Page, kind: string) => page.rows.find((r) => r.kind === kind);

const stores: [string, (() => Promise<Store>) | undefined][] = [['embedded', undefined]];
if (NEO4J_URI) stores.push(['neo4j', () => openEmptyNeo4jStore()]);
else test.skip('viewer controls on Neo4j (skipped: no Neo4j; set NEO4J_URI or install Java 17 + Maven)', () => {});

/**
 * Viewer controls through GraphQL, on each store: thumbs, "not interested", My List, removing
 * from Continue Watching, and per-request filters. Pages are cached for a minute, so each check
 * also shows that a control reaches the very next page.
 */
describe.each(stores)('viewer controls on the %s store', (_name, openStore) => {
  let app: AppHarness;
  if (openStore) holdNeo4jWhileRunning();
  beforeAll(async () => (app = await startHarness({ openStore, cacheSeconds: 60 })), 180_000);
  afterAll(() => app?.close());

  /** The n-th adult profile with a Continue Watching row, a Because You Watched row and room for more. */
  function viewer(n: number): string {
    const adults = app.world.profiles.filter((p) => !p.isKids && p.maturityLimit === 'ADULTS');
    const inProgress = (id: string) => app.world.playbacks.filter((e) => e.profileId === id && e.progress > 0.1 && e.progress < 0.5).length;
    return adults.filter((p) => inProgress(p.id) >= 2)[n].id;
  }

  async function page(profileId: string, filter?: unknown): Promise<Page> {
    const res = await app.run(PAGE, { id: profileId, context: TV, filter }, { ownerOf: profileId });
    expect(res.errors).toBeUndefined();
    return res.data.homepage;
  }

  async function act(mutation: string, profileId: string, titleId: string, extra = '') {
    const res = await app.run(
      `mutation($p: ID!, $t: ID!) { ${mutation}(profileId: $p, titleId: $t${extra}) { ${FEEDBACK} } }`,
      { p: profileId, t: titleId },
      { ownerOf: profileId },
    );
    expect(res.errors).toBeUndefined();
    return res.data[mutation];
  }

  it('a thumbs-down title leaves every row of the next page and similarTitles, and its neighbours lose rank; NONE brings it back', async () => {
    const id = viewer(0);
    const before = await page(id);
    const top = rowOf(before, 'TOP_PICKS')!.items[0].title.id;
    expect(await act('rateTitle', id, top, ', rating: DOWN')).toMatchObject({ title: { id: top }, rating: 'DOWN', notInterested: false });
    const after = await page(id);
    expect(titlesOf(after).has(top)).toBe(false);

    // A title whose neighbours include the rejected one: asked with the profile, the rejected one is not among them.
    const similarTo = (await app.services.store.similarTitles(top, 1))[0].to;
    const similar = async (profile?: string) =>
      (await app.run(SIMILAR, { title: similarTo, profile }, { ownerOf: id })).data.similarTitles.map(
        (s: { title: { id: string } }) => s.title.id,
      );
    expect(await similar()).toContain(top);
    expect(await similar(id)).not.toContain(top);

    // Its nearest neighbours are weakened: those in Top Picks before fall back or leave it.
    const near = new Set((await app.services.store.similarTitles(top, 10)).map((e) => e.to));
    const place = (p: Page, t: string) => rowOf(p, 'TOP_PICKS')!.items.findIndex((i) => i.title.id === t);
    const moved = [...near].filter((t) => place(before, t) >= 0);
    for (const t of moved) expect(place(after, t) === -1 || place(after, t) >= place(before, t) - 1).toBe(true);

    await act('rateTitle', id, top, ', rating: NONE');
    expect(titlesOf(await page(id)).has(top)).toBe(true);
  });

  it('"not interested" hides a title until undone, and a thumbs up anchors a "Because You Liked" row', async () => {
    const id = viewer(1);
    const before = await page(id);
    const trending = rowOf(before, 'TRENDING') ?? before.rows[1];
    const unwanted = trending.items[0].title.id;
    expect(await act('notInterested', id, unwanted)).toMatchObject({ notInterested: true });
    expect(titlesOf(await page(id)).has(unwanted)).toBe(false);
    expect(await act('notInterested', id, unwanted, ', undo: true')).toMatchObject({ notInterested: false });
    expect(titlesOf(await page(id)).has(unwanted)).toBe(true);

    // An unseen title the viewer says it liked becomes the newest anchor.
    const liked = rowOf(before, 'TOP_PICKS')!.items[3].title.id;
    expect(await act('rateTitle', id, liked, ', rating: UP')).toMatchObject({ rating: 'UP' });
    const req = await app.services.homepage.request(id, TV as never);
    expect(req.signals.liked.has(liked)).toBe(true);
    expect(anchorWatches(req)[0].title.id).toBe(liked);
    // Whether its row wins a place depends on its neighbours among the candidates; when it does, it says why.
    const name = app.world.titles.find((t) => t.id === liked)!.name;
    const row = (await page(id)).rows.find((r) => r.displayTitle === `Because You Liked ${name}`);
    if (row) expect(row.reason).toMatch(/thumbs up/);
  });

  it('My List is a row of the page, most recently added first, and a paged connection on the profile', async () => {
    const id = viewer(2);
    const before = await page(id);
    const picks = rowOf(before, 'TOP_PICKS')!.items.map((i) => i.title.id);
    // One title the page already offers, and one it does not (the oldest title of the catalog no source proposes).
    const offered = new Set(titlesOf(before));
    const unoffered = app.world.titles.find((t) => !offered.has(t.id) && t.maturityTier !== 'ADULTS')!.id;
    await act('addToMyList', id, picks[5]);
    const added = await act('addToMyList', id, unoffered);
    expect(added).toMatchObject({ inMyList: true });
    expect(await act('addToMyList', id, unoffered)).toEqual(added);

    const list = rowOf(await page(id), 'MY_LIST');
    expect(list?.items.map((i) => i.title.id).sort()).toEqual([picks[5], unoffered].sort());
    expect(list!.items[0].reason).toMatch(/My List/);

    const res = await app.run(
      `query($id: ID!, $after: String) { profile(id: $id) { myList(first: 1, after: $after) { totalCount nodes { title { id } addedAt } pageInfo { hasNextPage endCursor } } } }`,
      { id },
      { ownerOf: id },
    );
    expect(res.errors).toBeUndefined();
    const first = res.data.profile.myList;
    expect(first).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
    const next = await app.run(
      `query($id: ID!, $after: String) { profile(id: $id) { myList(first: 1, after: $after) { nodes { title { id } } pageInfo { hasNextPage } } } }`,
      { id, after: first.pageInfo.endCursor },
      { ownerOf: id },
    );
    expect([first.nodes[0].title.id, next.data.profile.myList.nodes[0].title.id].sort()).toEqual([picks[5], unoffered].sort());
    expect(next.data.profile.myList.pageInfo.hasNextPage).toBe(false);

    await act('removeFromMyList', id, unoffered);
    expect(rowOf(await page(id), 'MY_LIST')?.items.map((i) => i.title.id)).toEqual([picks[5]]);
    const summary = await app.run(
      `query($id: ID!) { profile(id: $id) { dataSummary { myListTitles ratedTitles notInterestedTitles description } } }`,
      { id },
      { ownerOf: id },
    );
    expect(summary.data.profile.dataSummary).toMatchObject({ myListTitles: 1, ratedTitles: 0, notInterestedTitles: 0 });
  });

  it('a title removed from Continue Watching leaves the row until it is played again', async () => {
    const id = viewer(3);
    const resume = rowOf(await page(id), 'CONTINUE_WATCHING')!.items[0].title.id;
    expect(await act('removeFromContinueWatching', id, resume)).toMatchObject({ removedFromContinueWatchingAt: expect.any(String) });
    expect(rowOf(await page(id), 'CONTINUE_WATCHING')?.items.map((i) => i.title.id) ?? []).not.toContain(resume);

    const clock = app.services.homepage['clock'] as () => number;
    const played = await app.run(
      `mutation($e: [PlaybackEventInput!]!) { recordPlayback(events: $e) { accepted } }`,
      {
        e: [
          {
            eventId: `resume-${id}`,
            profileId: id,
            titleId: resume,
            progress: 0.4,
            device: 'TV',
            occurredAt: new Date(clock() + 1000).toISOString(),
          },
        ],
      },
      { ownerOf: id },
    );
    expect(played.errors).toBeUndefined();
    expect(rowOf(await page(id), 'CONTINUE_WATCHING')!.items.map((i) => i.title.id)).toContain(resume);
  });

  it('filters narrow every row and similarTitles, and refuse bad values with BAD_USER_INPUT', async () => {
    const id = viewer(0);
    const films = await page(id, { kinds: ['MOVIE'] });
    const items = films.rows.flatMap((r) => r.items);
    expect(items.length).toBeGreaterThan(20);
    expect(items.every((i) => i.title.kind === 'MOVIE')).toBe(true);

    const genre = items[0].title.genres[0];
    const without = await page(id, { excludeGenres: [genre], maxRuntimeMinutes: 60 });
    const left = without.rows.flatMap((r) => r.items);
    expect(left.length).toBeGreaterThan(10);
    expect(left.every((i) => !i.title.genres.includes(genre) && i.title.runtimeMinutes <= 60)).toBe(true);

    const anchor = items[0].title.id;
    const similar = await app.run(SIMILAR, { title: anchor, filter: { kinds: ['SERIES'] } }, { ownerOf: id });
    expect(similar.errors).toBeUndefined();
    expect(similar.data.similarTitles.every((s: { title: { kind: string } }) => s.title.kind === 'SERIES')).toBe(true);

    for (const [filter, field] of [
      [{ includeGenres: ['No Such Genre'] }, 'filter.includeGenres[0]'],
      [{ kinds: [] }, 'filter.kinds'],
      [{ maxRuntimeMinutes: 0 }, 'filter.maxRuntimeMinutes'],
      [{ excludeGenres: Array.from({ length: 21 }, (_, i) => `g${i}`) }, 'filter.excludeGenres'],
    ] as const) {
      const res = await app.run(PAGE, { id, context: TV, filter }, { ownerOf: id });
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
  });

  it("a title withdrawn from a country leaves that country's pages and similarTitles at once, and stays in others'", async () => {
    const countryOf = (profileId: string) => {
      const p = app.world.profiles.find((q) => q.id === profileId)!;
      return app.world.accounts.find((a) => a.id === p.accountId)!.country;
    };
    // Two viewers in different countries whose pages share a title licensed everywhere.
    const viewers = app.world.profiles.filter((p) => !p.isKids && p.maturityLimit === 'ADULTS').map((p) => p.id);
    const [here, there] = [viewers[4], viewers.find((v) => countryOf(v) !== countryOf(viewers[4]))!];
    const [pageHere, pageThere] = [await page(here), await page(there)];
    const shared = [...titlesOf(pageHere)].find(
      (t) => titlesOf(pageThere).has(t) && !app.world.titles.find((x) => x.id === t)!.availability,
    )!;
    expect(shared).toBeDefined();

    const CATALOG_TEAM = { admin: 'catalog' };
    const SET = `mutation($t: ID!, $a: AvailabilityInput) { setTitleAvailability(titleId: $t, availability: $a) { id availability { countries from until } } }`;
    const withdrawn = await app.run(SET, { t: shared, a: { countries: [countryOf(there)] } }, CATALOG_TEAM);
    expect(withdrawn).toEqual({
      data: { setTitleAvailability: { id: shared, availability: { countries: [countryOf(there)], from: null, until: null } } },
    });

    expect(titlesOf(await page(here)).has(shared)).toBe(false);
    expect(titlesOf(await page(there)).has(shared)).toBe(true);
    // Licences are the account's country's: claiming another country in the context does not get them.
    const claimed = await app.run(PAGE, { id: here, context: { ...TV, country: countryOf(there) } }, { ownerOf: here });
    expect(titlesOf(claimed.data.homepage).has(shared)).toBe(false);
    const anchor = (await app.services.store.similarTitles(shared, 1))[0].to;
    const similar = async (vars: Record<string, unknown>) =>
      (
        await app.run(
          SIMILAR.replace('$filter: TitleFilterInput', '$filter: TitleFilterInput, $country: String').replace(
            'filter: $filter',
            'filter: $filter, country: $country',
          ),
          { title: anchor, ...vars },
          { ownerOf: here },
        )
      ).data.similarTitles.map((x: { title: { id: string } }) => x.title.id);
    expect(await similar({ profile: here })).not.toContain(shared);
    expect(await similar({ country: countryOf(there) })).toContain(shared);
    expect(await similar({ country: countryOf(here) })).not.toContain(shared);
    const mixed = await app.run(
      SIMILAR.replace('$filter: TitleFilterInput', '$filter: TitleFilterInput, $country: String').replace(
        'filter: $filter',
        'filter: $filter, country: $country',
      ),
      { title: anchor, profile: here, country: countryOf(there) },
      { ownerOf: here },
    );
    expect(mixed.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'country' });

    // A window that has ended withdraws it everywhere; null licenses it everywhere again.
    await app.run(SET, { t: shared, a: { until: '2020-01-01T00:00:00Z' } }, CATALOG_TEAM);
    expect(titlesOf(await page(there)).has(shared)).toBe(false);
    await app.run(SET, { t: shared, a: null }, CATALOG_TEAM);
    expect(titlesOf(await page(here)).has(shared)).toBe(true);

    const refused = await app.run(SET, { t: shared, a: { countries: ['us'] } }, CATALOG_TEAM);
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'availability.countries[0]' });
    const backwards = await app.run(SET, { t: shared, a: { from: '2027-01-02T00:00:00Z', until: '2027-01-01T00:00:00Z' } }, CATALOG_TEAM);
    expect(backwards.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'availability.until' });
    expect((await app.run(SET, { t: shared, a: null }, { ownerOf: here })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect((await app.run(SET, { t: 'no-such', a: null }, CATALOG_TEAM)).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  it("a promotion places its titles within its rules, marked in the reason, and never past a viewer's thumbs down, limit or country", async () => {
    const countryOf = (profileId: string) => {
      const p = app.world.profiles.find((q) => q.id === profileId)!;
      return app.world.accounts.find((a) => a.id === p.accountId)!.country;
    };
    const adults = app.world.profiles.filter((p) => !p.isKids && p.maturityLimit === 'ADULTS').map((p) => p.id);
    const viewer = adults[6];
    const abroad = adults.find((v) => countryOf(v) !== countryOf(viewer))!;
    const dislikes = adults.find((v) => v !== viewer && countryOf(v) === countryOf(viewer))!;
    const before = await page(viewer);
    // An adult title licensed everywhere that the viewer's page does not offer yet and the viewer has not played.
    const played = new Set(app.world.playbacks.filter((e) => e.profileId === viewer).map((e) => e.titleId));
    const launch = app.world.titles.find(
      (t) =>
        t.maturityTier === 'ADULTS' &&
        !t.availability &&
        !titlesOf(before).has(t.id) &&
        !played.has(t.id) &&
        t.addedAt < Date.parse('2026-01-01'),
    )!;
    await act('rateTitle', dislikes, launch.id, ', rating: DOWN');

    const CATALOG_TEAM = { admin: 'catalog' };
    const CREATE = `mutation($input: PromotionInput!) { createPromotion(input: $input) { id label titles { id } countries rows position maxShare } }`;
    const input = {
      id: 'launch',
      label: 'New season',
      titleIds: [launch.id],
      countries: [countryOf(viewer)],
      until: '2100-01-01T00:00:00Z',
      rows: ['TOP_PICKS'],
      position: 1,
    };
    const created = await app.run(CREATE, { input }, CATALOG_TEAM);
    expect(created).toEqual({
      data: {
        createPromotion: {
          id: 'launch',
          label: 'New season',
          titles: [{ id: launch.id }],
          countries: [countryOf(viewer)],
          rows: ['TOP_PICKS'],
          position: 1,
          maxShare: 0.25,
        },
      },
    });

    const PROMOTED = `query($id: ID!) { homepage(profileId: $id, context: { device: TV, localTime: "2026-11-27T20:00" }) { rows { kind items { title { id } reason promotion } } } }`;
    const promotedOn = async (profileId: string) => {
      const res = await app.run(PROMOTED, { id: profileId }, { ownerOf: profileId });
      expect(res.errors).toBeUndefined();
      const rows: { kind: string; items: { title: { id: string }; reason: string; promotion: string | null }[] }[] = res.data.homepage.rows;
      return rows
        .flatMap((r) => r.items.map((item, position) => ({ ...item, kind: r.kind, position })))
        .filter((i) => i.title.id === launch.id);
    };
    expect(await promotedOn(viewer)).toEqual([
      { kind: 'TOP_PICKS', position: expect.any(Number), title: { id: launch.id }, reason: 'Promoted: New season', promotion: 'launch' },
    ]);
    expect((await promotedOn(viewer))[0].position).toBeLessThanOrEqual(1);
    // Not in another country, not past a thumbs down, not above a kids profile's limit.
    expect((await promotedOn(abroad)).filter((i) => i.promotion)).toEqual([]);
    expect(await promotedOn(dislikes)).toEqual([]);
    const kid = app.world.profiles.find((p) => p.isKids && countryOf(p.id) === countryOf(viewer));
    if (kid) expect(await promotedOn(kid.id)).toEqual([]);

    const listed = await app.run(`{ promotions { id until } }`, undefined, CATALOG_TEAM);
    expect(listed.data.promotions.map((p: { id: string }) => p.id)).toEqual(['launch']);
    const again = await app.run(CREATE, { input }, CATALOG_TEAM);
    expect(again.errors?.[0].extensions?.code).toBe('CONFLICT');
    const badRow = await app.run(CREATE, { input: { ...input, id: 'other', rows: ['MY_LIST'] } }, CATALOG_TEAM);
    expect(badRow.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.rows[0]' });
    const badTitle = await app.run(CREATE, { input: { ...input, id: 'other', titleIds: ['no-such'] } }, CATALOG_TEAM);
    expect(badTitle.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.titleIds[0]' });
    expect((await app.run(CREATE, { input: { ...input, id: 'other' } }, { ownerOf: viewer })).errors?.[0].extensions?.code).toBe(
      'FORBIDDEN',
    );

    const ended = await app.run(`mutation { endPromotion(id: "launch") { id until } }`, undefined, CATALOG_TEAM);
    expect(ended.errors).toBeUndefined();
    expect((await promotedOn(viewer)).filter((i) => i.promotion)).toEqual([]);
  });

  it("refuses another account's profile and unknown titles, with codes", async () => {
    const id = viewer(0);
    const other = app.world.profiles.find((p) => p.accountId !== app.world.profiles.find((q) => q.id === id)!.accountId)!.id;
    const forbidden = await app.run(
      `mutation($p: ID!) { addToMyList(profileId: $p, titleId: "t1") { inMyList } }`,
      { p: id },
      { ownerOf: other },
    );
    expect(forbidden.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const unknown = await app.run(
      `mutation($p: ID!) { rateTitle(profileId: $p, titleId: "no-such", rating: UP) { rating } }`,
      { p: id },
      { ownerOf: id },
    );
    expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
