import { SignJWT, UnsecuredJWT } from 'jose';
import { Authenticator } from '../../src/auth/authenticator';
import { secretKey, signToken, TOKEN_AUDIENCE, TOKEN_ISSUER } from '../../src/auth/tokens';
import { startApp, type RunningApp } from '../../src/server/app';
import { createContext } from '../../src/server/context';
import { createLogger } from '../../src/shared/logger';
import { AFTER_LAST_PLAY, startHarness, type AppHarness, type Caller } from '../support/app-harness';

/**
 * Two accounts of the small world: A's token tries to read and write B's profiles through every
 * operation that takes a profile, and each attempt is refused with nothing written. Then partner
 * keys, admin tokens and anonymous requests against what they may and may not do, and bad tokens.
 */
describe('access control', () => {
  let app: AppHarness;
  let A: string;
  let B: string;
  let own: string;
  let foreign: string;
  beforeAll(async () => {
    app = await startHarness();
    const adults = app.world.profiles.filter((p) => !p.isKids);
    // Accounts with room for one more profile (at most 5), so that createProfile can succeed.
    const accounts = [...new Set(adults.map((p) => p.accountId))].filter(
      (a) => app.world.profiles.filter((p) => p.accountId === a).length < 5,
    );
    [A, B] = accounts;
    own = adults.find((p) => p.accountId === A)!.id;
    foreign = adults.find((p) => p.accountId === B)!.id;
  }, 120_000);
  afterAll(() => app.close());

  const title = () => app.world.titles.find((t) => t.maturityTier !== 'ADULTS')!;
  const playback = (profileId: string, eventId: string) => ({ eventId, profileId, titleId: title().id, progress: 0.4, device: 'TV' });
  const impression = (profileId: string, eventId: string) => ({
    eventId,
    profileId,
    titleId: title().id,
    artworkId: title().artwork[0].id,
    requestId: 'r-1',
    rowIndex: 0,
    position: 0,
    device: 'TV',
  });

  /** Every operation that reads or writes a profile's data, aimed at `profileId`. */
  const profileOperations = (profileId: string): [string, string, Record<string, unknown>][] => [
    ['profile', 'query($id: ID!) { profile(id: $id) { id name } }', { id: profileId }],
    ['viewingHistory', 'query($id: ID!) { profile(id: $id) { viewingHistory(first: 5) { eventId } } }', { id: profileId }],
    ['dataSummary', 'query($id: ID!) { profile(id: $id) { dataSummary { description } } }', { id: profileId }],
    ['homepage', 'query($id: ID!) { homepage(profileId: $id) { requestId } }', { id: profileId }],
    ['similarTitles with profileId', 'query($id: ID!) { similarTitles(titleId: "t1", profileId: $id) { score } }', { id: profileId }],
    [
      'recordPlayback',
      'mutation($e: [PlaybackEventInput!]!) { recordPlayback(events: $e) { accepted } }',
      { e: [playback(own, 'ac-own-1'), playback(profileId, 'ac-1')] },
    ],
    [
      'recordImpressions',
      'mutation($e: [ImpressionEventInput!]!) { recordImpressions(events: $e) { accepted } }',
      { e: [impression(own, 'ac-own-2'), impression(profileId, 'ac-2')] },
    ],
    ['updateProfile', 'mutation($id: ID!) { updateProfile(profileId: $id, input: { name: "Taken over" }) { id } }', { id: profileId }],
    [
      'completeOnboarding',
      'mutation($id: ID!) { completeOnboarding(profileId: $id, input: { genres: ["Drama"], titleIds: ["t1"] }) { id } }',
      { id: profileId },
    ],
    ['setPersonalization', 'mutation($id: ID!) { setPersonalization(profileId: $id, enabled: false) { id } }', { id: profileId }],
    ['deleteViewingHistory', 'mutation($id: ID!) { deleteViewingHistory(profileId: $id) { purge } }', { id: profileId }],
  ];

  /** What any of the operations could have changed: both profiles, their histories, all events, both accounts. */
  async function storeState(): Promise<string> {
    const s = app.services.store;
    return JSON.stringify({
      profiles: await s.getProfiles([own, foreign]),
      histories: await Promise.all([own, foreign].map((id) => s.viewingHistory(id, 500))),
      plays: (await s.playsSince(0)).length,
      impressions: (await s.impressionsSince(0)).length,
      accounts: await Promise.all([A, B].map((a) => s.profilesOfAccount(a))),
      titles: (await s.listTitles()).length,
    });
  }

  async function refused(caller: Caller, query: string, variables: Record<string, unknown>, code: 'FORBIDDEN' | 'UNAUTHENTICATED') {
    const res = await app.run(query, variables, caller);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual([code]);
    expect(Object.values(res.data ?? {}).filter((v) => v !== null)).toEqual([]);
    return res.errors![0].message;
  }

  it('lets an account reach its own profiles through every operation', async () => {
    for (const [name, query, variables] of profileOperations(own).filter(
      ([n]) => !['deleteViewingHistory', 'setPersonalization', 'updateProfile'].includes(n),
    )) {
      const res = await app.run(query, variables, { as: A });
      expect([name, res.errors]).toEqual([name, undefined]);
    }
  });

  it.each([
    'profile',
    'viewingHistory',
    'dataSummary',
    'homepage',
    'similarTitles with profileId',
    'recordPlayback',
    'recordImpressions',
    'updateProfile',
    'completeOnboarding',
    'setPersonalization',
    'deleteViewingHistory',
  ])("refuses another account's profile: %s (FORBIDDEN, nothing written)", async (name) => {
    const [, query, variables] = profileOperations(foreign).find(([n]) => n === name)!;
    const before = await storeState();
    expect(await refused({ as: A }, query, variables, 'FORBIDDEN')).toMatch(/another account/);
    expect(await storeState()).toBe(before);
  });

  it("lists only the caller's own profiles, also through the account", async () => {
    const res = await app.run('{ profiles(first: 100) { totalCount nodes { id account { id profiles { id } } } } }', {}, { as: A });
    const mine = app.world.profiles
      .filter((p) => p.accountId === A)
      .map((p) => p.id)
      .sort();
    expect(res.data.profiles.totalCount).toBe(mine.length);
    expect(res.data.profiles.nodes.map((n: { id: string }) => n.id)).toEqual(mine);
    for (const node of res.data.profiles.nodes) {
      expect(node.account.id).toBe(A);
      expect(node.account.profiles.map((p: { id: string }) => p.id).sort()).toEqual(mine);
    }
  });

  it("creates a profile only in the caller's own account", async () => {
    const res = await app.run('mutation { createProfile(input: { name: "Guest" }) { id account { id } } }', {}, { as: A });
    expect(res.errors).toBeUndefined();
    expect(res.data.createProfile.account.id).toBe(A);
    expect((await app.services.store.profilesOfAccount(B)).map((p) => p.name)).not.toContain('Guest');
  });

  it.each([
    ['a partner key', { partner: 'acme' }],
    ['an admin token', { admin: 'catalog' }],
  ] as [string, Caller][])('refuses profile data and profile writes to %s (FORBIDDEN, nothing written)', async (_who, caller) => {
    const before = await storeState();
    for (const [, query, variables] of profileOperations(own)) await refused(caller, query, variables, 'FORBIDDEN');
    await refused(caller, '{ profiles { nodes { id } } }', {}, 'FORBIDDEN');
    await refused(caller, 'mutation { createProfile(input: { name: "Partner" }) { id } }', {}, 'FORBIDDEN');
    expect(await storeState()).toBe(before);
  });

  it('gives partners catalog queries and similarTitles, by Authorization or X-API-Key', async () => {
    const key = (await app.headersFor({ partner: 'acme' })).authorization.replace(/^Bearer /, '');
    const query = '{ title(id: "t1") { id } titles(ids: ["t2"]) { id } similarTitles(titleId: "t1", limit: 3) { title { id } } }';
    for (const headers of [{ authorization: `Bearer ${key}` }, { 'x-api-key': key }]) {
      const res = await app.run(query, {}, { headers });
      expect(res.errors).toBeUndefined();
      expect(res.data.title.id).toBe('t1');
      expect(res.data.similarTitles).toHaveLength(3);
    }
    expect(
      await refused({ partner: 'acme' }, 'query($id: ID!) { homepage(profileId: $id) { requestId } }', { id: own }, 'FORBIDDEN'),
    ).toMatch(/catalog queries and similarTitles only/);
  });

  it('lets only admin tokens add titles', async () => {
    const add = (
      externalId: string,
    ) => `mutation { addTitle(input: { externalId: "${externalId}", name: "Access Test", kind: MOVIE, genres: ["Drama"],
      country: "KR", language: "ko", releaseYear: 2026, maturityRating: "PG", maturityTier: OLDER_KIDS, runtimeMinutes: 90 }) { id } }`;
    const before = await storeState();
    await refused({ as: A }, add('ac-account'), {}, 'FORBIDDEN');
    await refused({ partner: 'acme' }, add('ac-partner'), {}, 'FORBIDDEN');
    await refused({ anonymous: true }, add('ac-anonymous'), {}, 'UNAUTHENTICATED');
    expect(await storeState()).toBe(before);
    const res = await app.run(add('ac-admin'), {}, { admin: 'catalog' });
    expect(res.errors).toBeUndefined();
    expect(res.data.addTitle.id).toBe('ac-admin');
    expect((await app.run('{ title(id: "ac-admin") { name } }', {}, { admin: 'catalog' })).data.title.name).toBe('Access Test');
  });

  describe('without valid credentials (UNAUTHENTICATED, nothing written)', () => {
    const sign = (payload: Record<string, unknown>, configure: (jwt: SignJWT) => SignJWT) =>
      configure(new SignJWT(payload).setProtectedHeader({ alg: 'HS256' })).sign(secretKey(app.secret));
    const bearer = (token: string): Caller => ({ headers: { authorization: `Bearer ${token}` } });
    const callers: [string, () => Promise<Caller>, RegExp][] = [
      ['no token', async () => ({ anonymous: true }), /token/],
      ['garbage', async () => bearer('not-a-jwt'), /malformed/],
      ['another scheme', async () => ({ headers: { authorization: 'Basic YTE6cGFzcw==' } }), /Bearer <token>/],
      [
        'another secret',
        async () => bearer(await signToken(secretKey('x'.repeat(40)), { kind: 'account', accountId: A }, 600)),
        /signature/,
      ],
      [
        'an altered payload',
        async () => {
          const [head, , sig] = (await app.auth.sign({ kind: 'account', accountId: A }, 600)).split('.');
          return bearer(
            [
              head,
              Buffer.from(JSON.stringify({ sub: B, role: 'account', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, exp: 4e9 })).toString(
                'base64url',
              ),
              sig,
            ].join('.'),
          );
        },
        /signature/,
      ],
      [
        'an expired token',
        async () => bearer(await signToken(secretKey(app.secret), { kind: 'account', accountId: A }, 3600, AFTER_LAST_PLAY - 2 * 3600_000)),
        /expired/,
      ],
      [
        'another issuer',
        async () =>
          bearer(
            await sign({ role: 'account' }, (j) =>
              j.setSubject(A).setIssuer('elsewhere').setAudience(TOKEN_AUDIENCE).setExpirationTime('1h'),
            ),
          ),
        /iss/,
      ],
      [
        'no expiry',
        async () => bearer(await sign({ role: 'account' }, (j) => j.setSubject(A).setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE))),
        /exp/,
      ],
      [
        'an unknown role',
        async () =>
          bearer(
            await sign({ role: 'root' }, (j) =>
              j.setSubject(A).setIssuer(TOKEN_ISSUER).setAudience(TOKEN_AUDIENCE).setExpirationTime('1h'),
            ),
          ),
        /role/,
      ],
      [
        'an unsigned token',
        async () =>
          bearer(
            new UnsecuredJWT({ role: 'account' })
              .setSubject(A)
              .setIssuer(TOKEN_ISSUER)
              .setAudience(TOKEN_AUDIENCE)
              .setExpirationTime('1h')
              .encode(),
          ),
        /HS256|malformed/,
      ],
      [
        'an account token as X-API-Key',
        async () => ({ headers: { 'x-api-key': (await app.headersFor({ as: A })).authorization.slice(7) } }),
        /partner keys only/,
      ],
      ['two credentials', async () => ({ headers: { ...(await app.headersFor({ as: A })), 'x-api-key': 'k' } }), /not both/],
    ];

    it.each(callers)('refuses %s, saying why', async (_what, caller, why) => {
      const c = await caller();
      const before = await storeState();
      for (const [, query, variables] of profileOperations(own)) expect(await refused(c, query, variables, 'UNAUTHENTICATED')).toMatch(why);
      expect(await refused(c, '{ title(id: "t1") { id } }', {}, 'UNAUTHENTICATED')).toMatch(why);
      expect(await storeState()).toBe(before);
    });

    it('still answers introspection, so the IDE can load the schema before a token is entered', async () => {
      for (const caller of [{ anonymous: true }, bearer('not-a-jwt')] as Caller[]) {
        const res = await app.run('{ __schema { queryType { name } } }', {}, caller);
        expect(res).toEqual({ data: { __schema: { queryType: { name: 'Query' } } } });
      }
    });
  });

  it('lets anonymous requests read the catalog only where ALLOW_ANONYMOUS_CATALOG is set', async () => {
    const open = new Authenticator({ secret: app.secret, anonymousCatalog: true });
    const run = async (query: string, variables: Record<string, unknown> = {}) => {
      const contextValue = await createContext(app.services, open, { baseUrl: 'http://test', headers: {} });
      const res = await app.apollo.executeOperation({ query, variables }, { contextValue });
      return res.body.kind === 'single' ? res.body.singleResult : null;
    };
    await refused({ anonymous: true }, '{ similarTitles(titleId: "t1", limit: 2) { score } }', {}, 'UNAUTHENTICATED');
    const catalog = await run('{ title(id: "t1") { id } titles(ids: ["t2"]) { id } similarTitles(titleId: "t1", limit: 2) { score } }');
    expect(catalog?.errors).toBeUndefined();
    expect((catalog?.data as any).similarTitles).toHaveLength(2);
    for (const [, query, variables] of profileOperations(own)) {
      expect((await run(query, variables))?.errors?.map((e) => e.extensions?.code)).toEqual(['UNAUTHENTICATED']);
    }
  });

  describe('over HTTP', () => {
    let http: RunningApp;
    beforeAll(async () => (http = await startApp({ services: app.services, auth: app.auth, logger: createLogger('silent') })));
    afterAll(() => http.close());

    const post = async (query: string, headers: Record<string, string>) => {
      const res = await fetch(new URL('/graphql', http.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query }),
      });
      return (await res.json()) as { data?: any; errors?: { extensions: { code: string } }[] };
    };

    it('reads the Authorization and X-API-Key headers of the request', async () => {
      const homepage = (id: string) => `{ homepage(profileId: "${id}") { requestId } }`;
      const token = await app.headersFor({ as: A });
      expect((await post(homepage(own), token)).data.homepage.requestId).toBeTruthy();
      expect((await post(homepage(foreign), token)).errors?.[0].extensions.code).toBe('FORBIDDEN');
      expect((await post(homepage(own), {})).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
      const key = (await app.headersFor({ partner: 'acme' })).authorization.slice(7);
      expect((await post('{ similarTitles(titleId: "t1", limit: 1) { score } }', { 'X-API-Key': key })).data.similarTitles).toHaveLength(1);
      expect((await post(homepage(own), { 'X-API-Key': key })).errors?.[0].extensions.code).toBe('FORBIDDEN');
    });
  });
});
