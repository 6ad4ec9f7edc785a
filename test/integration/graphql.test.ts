import { startHarness, type AppHarness } from '../support/app-harness';

const HOMEPAGE = `query($id: ID!, $ctx: ViewingContextInput) {
  homepage(profileId: $id, context: $ctx) {
    requestId profile { id name }
    context { device localHour localWeekday country }
    rows { id kind displayTitle reason score items { position title { id name maturityTier } artwork { id url theme } artworkReason reason sources scores { utility explorationBonus retrieval { source score } } } }
  }
}`;

describe('GraphQL API on the embedded store', () => {
  let app: AppHarness;
  beforeAll(async () => (app = await startHarness()));
  afterAll(async () => app.close());

  const firstProfileId = async () => (await app.run('{ profiles(first: 1) { nodes { id } } }')).data.profiles.nodes[0].id as string;

  it('serves a homepage of at least 6 rows with titles and artwork URLs for the first profile', async () => {
    const id = await firstProfileId();
    const { data, errors } = await app.run(HOMEPAGE, { id, ctx: { device: 'TV', localTime: '2026-11-27T20:00' } });
    expect(errors).toBeUndefined();
    const page = data.homepage;
    expect(page.rows.length).toBeGreaterThanOrEqual(6);
    expect(page.context).toMatchObject({ device: 'TV', localHour: 20, localWeekday: 4 });
    for (const row of page.rows) {
      expect(row.items.length).toBeGreaterThan(0);
      expect(row.reason).toBeTruthy();
      for (const item of row.items) {
        expect(item.title.name).toBeTruthy();
        expect(item.artwork.url).toMatch(/^http:\/\/test\/artwork\/.+\.svg$/);
        expect(item.reason).toBeTruthy();
        expect(item.artworkReason).toMatch(new RegExp(`^Shown with its (only artwork|${item.artwork.theme.toLowerCase()} artwork: )`));
        expect(item.sources.length).toBeGreaterThan(0);
        expect(item.scores.retrieval.map((s: { source: string }) => s.source).sort()).toEqual([...item.sources].sort());
      }
      expect(row.score).toBeGreaterThan(0);
      // Exploration slots hold less-exposed titles; every other item is in utility order.
      const exploited = row.items.filter((i: { scores: { explorationBonus: number } }) => i.scores.explorationBonus === 0);
      const utilities = exploited.map((i: { scores: { utility: number } }) => i.scores.utility);
      if (row.kind !== 'CONTINUE_WATCHING') expect(utilities).toEqual([...utilities].sort((a, b) => b - a));
      for (const explored of row.items.filter((i: { scores: { explorationBonus: number } }) => i.scores.explorationBonus > 0)) {
        expect(explored.reason).toMatch(/^Exploring: shown \d+ times in 4 weeks/);
        expect(explored.position).toBeGreaterThanOrEqual(2);
      }
    }
    const shown = page.rows.flatMap((r: { items: { title: { id: string } }[] }) => r.items.map((i) => i.title.id));
    expect(
      page.rows.some((r: { items: { scores: { explorationBonus: number } }[] }) => r.items.some((i) => i.scores.explorationBonus > 0)),
    ).toBe(true);
    // A TV shows two rows a screen: none of their titles appears twice on the page.
    const firstScreen = page.rows.slice(0, 2).flatMap((r: { items: { title: { id: string } }[] }) => r.items.map((i) => i.title.id));
    for (const id of firstScreen) expect(shown.filter((s: string) => s === id)).toHaveLength(1);
  });

  it('gives a kids profile only titles within its maturity limit, and a page even without history', async () => {
    const kids = app.world.profiles.filter((p) => p.isKids && p.maturityLimit === 'LITTLE_KIDS');
    expect(kids.length).toBeGreaterThan(0);
    for (const profile of kids.slice(0, 5)) {
      const { data } = await app.run(HOMEPAGE, { id: profile.id }, { ownerOf: profile.id });
      const tiers = new Set(data.homepage.rows.flatMap((r: any) => r.items.map((i: any) => i.title.maturityTier)));
      expect([...tiers]).toEqual(['LITTLE_KIDS']);
    }
    const watched = new Set(app.world.playbacks.map((e) => e.profileId));
    const cold = app.world.profiles.find((p) => !watched.has(p.id) && !p.isKids);
    expect(cold).toBeDefined();
    expect((await app.run(HOMEPAGE, { id: cold!.id }, { ownerOf: cold!.id })).data.homepage.rows.length).toBeGreaterThanOrEqual(6);
  });

  it('reflects a recorded playback in Continue Watching and viewing history, and counts a replay once', async () => {
    const id = await firstProfileId();
    const played = new Set(app.world.playbacks.filter((e) => e.profileId === id).map((e) => e.titleId));
    const title = app.world.titles.find((t) => !played.has(t.id) && t.maturityTier !== 'ADULTS')!;
    const mutation = `mutation($events: [PlaybackEventInput!]!) { recordPlayback(events: $events) { accepted duplicates } }`;
    const events = [{ eventId: 'gql-1', profileId: id, titleId: title.id, progress: 0.35, device: 'PHONE' }];
    expect((await app.run(mutation, { events })).data.recordPlayback).toEqual({ accepted: 1, duplicates: 0 });
    expect((await app.run(mutation, { events })).data.recordPlayback).toEqual({ accepted: 0, duplicates: 1 });
    const after = await app.run(HOMEPAGE, { id });
    const resume = after.data.homepage.rows.find((r: any) => r.kind === 'CONTINUE_WATCHING');
    expect(resume.items[0]).toMatchObject({
      title: { id: title.id },
      reason: 'You are 35% through',
      sources: expect.arrayContaining(['CONTINUE_WATCHING']),
    });
    const history = await app.run(`{ profile(id: "${id}") { viewingHistory(first: 5) { eventId progress device title { id } } } }`);
    expect(history.data.profile.viewingHistory.filter((e: any) => e.eventId === 'gql-1')).toEqual([
      { eventId: 'gql-1', progress: 0.35, device: 'PHONE', title: { id: title.id } },
    ]);
  });

  it("pages through the account's profiles with cursors and reaches the account", async () => {
    const own = app.world.profiles
      .filter((p) => p.accountId === 'a1')
      .map((p) => p.id)
      .sort();
    expect(own.length).toBeGreaterThanOrEqual(4);
    const first = await app.run('{ profiles(first: 2) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } totalCount } }');
    const page = first.data.profiles;
    expect(page.totalCount).toBe(own.length);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const next = await app.run(
      `{ profiles(first: 2, after: "${page.pageInfo.endCursor}") { nodes { id account { id profiles { id } } } } }`,
    );
    const ids = [...page.edges.map((e: any) => e.node.id), ...next.data.profiles.nodes.map((n: any) => n.id)];
    expect(ids).toEqual(own.slice(0, 4));
    const last = await app.run(`{ profiles(first: 100, after: "${page.pageInfo.endCursor}") { nodes { id } pageInfo { hasNextPage } } }`);
    expect(last.data.profiles).toEqual({ nodes: own.slice(2).map((id) => ({ id })), pageInfo: { hasNextPage: false } });
    const account = next.data.profiles.nodes[0].account;
    expect(account.profiles.map((p: any) => p.id)).toContain(next.data.profiles.nodes[0].id);
  });

  it('answers titles, titles(ids) and similarTitles with reasons', async () => {
    const [a, b] = app.world.titles;
    const res = await app.run(
      `{ titles(ids: ["${b.id}", "missing", "${a.id}"]) { id cast directors addedAt } title(id: "${a.id}") { name artwork { theme url } } similarTitles(titleId: "${a.id}", limit: 5) { score reason title { id } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.titles.map((t: any) => t?.id ?? null)).toEqual([b.id, null, a.id]);
    expect(res.data.titles[2].cast).toEqual(a.cast.map((p) => p.name));
    expect(new Date(res.data.titles[2].addedAt).getTime()).toBe(a.addedAt);
    expect(res.data.title.artwork).toHaveLength(a.artwork.length);
    const similar = res.data.similarTitles;
    expect(similar).toHaveLength(5);
    expect(similar.map((s: any) => s.title.id)).not.toContain(a.id);
    expect(similar.map((s: any) => s.score)).toEqual([...similar.map((s: any) => s.score)].sort((x: number, y: number) => y - x));
    for (const s of similar) expect(s.reason).toMatch(/^[A-Z]/);
  });

  describe('errors', () => {
    const codeOf = async (query: string, variables?: Record<string, unknown>) => {
      const res = await app.run(query, variables);
      expect(res.errors).toHaveLength(1);
      return { code: res.errors![0].extensions.code, field: res.errors![0].extensions.field, message: res.errors![0].message };
    };

    it('NOT_FOUND for unknown profiles and titles', async () => {
      expect((await codeOf('{ homepage(profileId: "nobody") { requestId } }')).code).toBe('NOT_FOUND');
      expect((await codeOf('{ profile(id: "nobody") { id } }')).code).toBe('NOT_FOUND');
      expect((await codeOf('{ title(id: "t999999") { id } }')).code).toBe('NOT_FOUND');
      expect((await codeOf('{ similarTitles(titleId: "t999999") { score } }')).code).toBe('NOT_FOUND');
    });

    it.each([
      ['{ profiles(first: 0) { totalCount } }', 'first'],
      ['{ profiles(first: 101) { totalCount } }', 'first'],
      ['{ profiles(first: 1, after: "garbage") { totalCount } }', 'after'],
      ['{ similarTitles(titleId: "t1", limit: 0) { score } }', 'limit'],
      ['{ homepage(profileId: "a1-p1", context: { localTime: "tomorrow" }) { requestId } }', 'context.localTime'],
      ['{ homepage(profileId: "a1-p1", context: { localTime: "2026-02-30T20:00" }) { requestId } }', 'context.localTime'],
      ['{ homepage(profileId: "a1-p1", context: { sessionSeconds: -5 }) { requestId } }', 'context.sessionSeconds'],
      ['{ homepage(profileId: "a1-p1", context: { country: "korea" }) { requestId } }', 'context.country'],
      ['{ profile(id: "a1-p1") { viewingHistory(first: 0) { eventId } } }', 'first'],
      [`{ titles(ids: [${Array.from({ length: 101 }, (_, i) => `"t${i + 1}"`).join(',')}]) { id } }`, 'ids'],
    ])('BAD_USER_INPUT for %s, naming %s', async (query, field) => {
      expect(await codeOf(query)).toMatchObject({ code: 'BAD_USER_INPUT', field });
    });

    const RECORD = `mutation($events: [PlaybackEventInput!]!) { recordPlayback(events: $events) { accepted } }`;
    const good = { eventId: 'ok-1', profileId: 'a1-p1', titleId: 't1', progress: 0.5, device: 'TV' };

    it.each([
      [[good, { ...good, eventId: 'bad-1', progress: 1.5 }], 'events[1].progress'],
      [[{ ...good, eventId: '' }], 'events[0].eventId'],
      [[{ ...good, eventId: ' ok-1 ' }], 'events[0].eventId'],
      [[{ ...good, occurredAt: '1999-12-31T00:00:00.000Z' }], 'events[0].occurredAt'],
      [[{ ...good, profileId: 'nobody' }], 'events[0].profileId'],
      [[good, { ...good, eventId: 'bad-2', titleId: 'nope' }], 'events[1].titleId'],
      [[{ ...good, occurredAt: '2999-01-01T00:00:00.000Z' }], 'events[0].occurredAt'],
      [[], 'events'],
    ])('rejects a malformed batch as a whole: %#', async (events, field) => {
      expect(await codeOf(RECORD, { events })).toMatchObject({ code: 'BAD_USER_INPUT', field });
      const history = await app.run('{ profile(id: "a1-p1") { viewingHistory(first: 500) { eventId } } }');
      expect(history.data.profile.viewingHistory.map((e: any) => e.eventId)).not.toContain('ok-1');
    });

    it('reports GraphQL-level mistakes with their own codes', async () => {
      expect((await codeOf('{ nope }')).code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect((await codeOf(RECORD, { events: [{ ...good, device: 'FRIDGE' }] })).code).toBe('BAD_USER_INPUT');
    });

    it('hides unexpected failures behind INTERNAL_SERVER_ERROR', async () => {
      const spy = jest.spyOn(app.store, 'viewerState').mockRejectedValueOnce(new Error('disk on fire at /var/secret'));
      const res = await app.run('{ homepage(profileId: "a1-p1") { requestId } }');
      spy.mockRestore();
      expect(res.errors![0]).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
      expect(JSON.stringify(res.errors)).not.toMatch(/secret|stack/);
    });
  });
});
