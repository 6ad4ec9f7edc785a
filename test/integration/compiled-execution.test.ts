import type { ApolloServer } from '@apollo/server';
import type { HomepageResult, HomepageService } from '../../src/homepage/homepage-service';
import { createApollo } from '../../src/server/app';
import { createContext, type RequestContext } from '../../src/server/context';
import { DEFAULT_SERVER_SETTINGS } from '../../src/server/settings';
import { createLogger } from '../../src/shared/logger';
import { startHarness, type AppHarness, type Caller } from '../support/app-harness';

/** Every field of a homepage a frontend can ask for. */
const HOMEPAGE = `query($id: ID!, $ctx: ViewingContextInput) {
  homepage(profileId: $id, context: $ctx) {
    requestId modelVersion
    profile { id name isKids maturityLimit language personalization }
    context { device localTime localHour localWeekday sessionSeconds country }
    experiments { experimentId variant }
    rows { id position kind displayTitle reason score
      items { position reason artworkReason sources
        experiments { experimentId variant }
        title { id name kind description genres tags releaseYear runtimeMinutes seasons maturityRating maturityTier country language cast directors addedAt criticScore }
        artwork { id url theme }
        scores { utility explorationBonus predictions { click finish return } retrieval { source score } } } } } }`;

/** Reads, mistakes and refusals whose answers do not depend on when they run. */
const OTHER_OPERATIONS: { query: string; variables?: Record<string, unknown>; operationName?: string; caller?: Caller }[] = [
  { query: '{ profiles(first: 3) { totalCount nodes { id name } pageInfo { hasNextPage endCursor } } }' },
  {
    query:
      '{ profile(id: "a1-p1") { id name account { id } viewingHistory(first: 5) { eventId title { id name } occurredAt progress device } } }',
  },
  { query: '{ similarTitles(titleId: "t17", limit: 10) { score reason title { id name genres country } } }' },
  { query: '{ titles(ids: ["t1", "t2", "nope"]) { id name } }' },
  { query: '{ title(id: "t999999") { id } }' },
  { query: '{ homepage(profileId: "nobody") { requestId } }' },
  { query: '{ homepage(profileId: "a2-p1") { requestId } }' },
  { query: '{ profiles(first: 0) { totalCount } }' },
  { query: '{ homepage(profileId: "a1-p1", context: { localTime: "tomorrow" }) { requestId } }' },
  { query: 'query($id: ID!) { profile(id: $id) { id } }', variables: { id: 7 } },
  { query: 'query($id: ID!) { profile(id: $id) { id } }', variables: {} },
  { query: '{ profile(id: "a1-p1") { id } }', caller: { anonymous: true } },
  { query: '{ title(id: "t1") { id name } }', caller: { partner: 'acme' } },
  { query: '{ __typename }', operationName: 'Other' },
  { query: 'query A { __typename } query B { profiles(first: 1) { totalCount } }', operationName: 'B' },
  { query: 'query A { __typename } query B { __typename }' },
];

/**
 * graphql-jit's compiled operations (the default) against graphql-js's generic executor: the
 * same pages and the same answers, errors, codes and nulls.
 */
describe('compiled GraphQL execution', () => {
  let app: AppHarness;
  let generic: ApolloServer<RequestContext>;
  let compiled: ApolloServer<RequestContext>;
  const pages = new Map<string, HomepageResult>();

  beforeAll(async () => {
    app = await startHarness();
    // A page has random parts (exploration, artwork sampling): each profile's is built once and
    // served by both executors, so any difference is the executor's.
    const stored: HomepageService = Object.create(app.services.homepage);
    stored.homepageFor = async ({ profile }) => pages.get(profile.id)!;
    const services = { ...app.services, homepage: stored };
    const logger = createLogger('silent');
    compiled = await createApollo(services, logger, { settings: { ...DEFAULT_SERVER_SETTINGS, execution: 'compiled' } });
    generic = await createApollo(services, logger, { settings: { ...DEFAULT_SERVER_SETTINGS, execution: 'generic' } });
    await Promise.all([compiled.start(), generic.start()]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([compiled?.stop(), generic?.stop()]);
    await app?.close();
  });

  const runOn = async (
    apollo: ApolloServer<RequestContext>,
    query: string,
    variables?: Record<string, unknown>,
    caller?: Caller,
    operationName?: string,
  ) => {
    const contextValue = await createContext(app.services, app.auth, {
      baseUrl: 'http://test',
      headers: await app.headersFor(caller),
      requestId: 'same-request-id',
    });
    const res = await apollo.executeOperation({ query, variables, operationName }, { contextValue });
    if (res.body.kind !== 'single') throw new Error('unexpected incremental response');
    return { status: res.http.status, body: res.body.singleResult };
  };

  it('serves the same pages: rows, items, order, reasons, scores, artwork', async () => {
    const profiles = app.world.profiles.slice(0, 24);
    const devices = ['TV', 'PHONE', 'TABLET', 'WEB'] as const;
    for (const [i, profile] of profiles.entries()) {
      const ctx = { device: devices[i % devices.length], localTime: '2026-11-27T20:00' };
      pages.set(profile.id, await app.services.homepage.homepage(profile.id, ctx, 'same-request-id'));
      const caller = { ownerOf: profile.id };
      const fast = await runOn(compiled, HOMEPAGE, { id: profile.id, ctx }, caller);
      const slow = await runOn(generic, HOMEPAGE, { id: profile.id, ctx }, caller);
      expect(fast.body.errors).toBeUndefined();
      expect((fast.body.data as any).homepage.rows.length).toBeGreaterThan(0);
      // Compared as the client receives it: the JSON, key order included.
      expect(JSON.stringify(fast.body)).toBe(JSON.stringify(slow.body));
    }
  }, 180_000);

  it.each(OTHER_OPERATIONS.map((o) => [o.query.slice(0, 70), o] as const))(
    'answers %s the same',
    async (_, { query, variables, caller, operationName }) => {
      const fast = await runOn(compiled, query, variables, caller, operationName);
      const slow = await runOn(generic, query, variables, caller, operationName);
      expect(fast.status).toBe(slow.status);
      expect(JSON.stringify(fast.body)).toBe(JSON.stringify(slow.body));
    },
  );

  it('says why for the refusals it compares (the cases above are not all successes)', async () => {
    const codes = await Promise.all(
      OTHER_OPERATIONS.map(
        async (o) => (await runOn(compiled, o.query, o.variables, o.caller, o.operationName)).body.errors?.[0]?.extensions?.code ?? 'OK',
      ),
    );
    expect(new Set(codes)).toEqual(
      new Set(['OK', 'NOT_FOUND', 'FORBIDDEN', 'BAD_USER_INPUT', 'UNAUTHENTICATED', 'OPERATION_RESOLUTION_FAILURE']),
    );
  });
});
