import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../../graph/embedded/embedded-store';
import type { Store } from '../../graph/store';
import { request as httpRequest } from 'node:http';
import { startApp, type RunningApp } from '../../src/server/app';
import { DEFAULT_SERVER_SETTINGS, type ServerSettings } from '../../src/server/settings';
import { createLogger } from '../../src/shared/logger';
import { startHarness, type AppHarness, type Caller } from '../support/app-harness';

const HOMEPAGE = `{ homepage(profileId: "a1-p1", context: { device: TV, localTime: "2026-11-27T20:00" }) { requestId rows { items { title { id } } } } }`;
const chain = (levels: number) => `{ profile(id: "a1-p1") { ${'account { profiles { '.repeat(levels)}id${' } }'.repeat(levels)} } }`;
const aliased = (n: number, field: string) => `{ ${Array.from({ length: n }, (_, i) => `f${i}: ${field}`).join(' ')} }`;

describe('hostile requests over HTTP: refused before they run, each with a code', () => {
  let harness: AppHarness;
  let app: RunningApp;
  const apps: RunningApp[] = [];

  beforeAll(async () => {
    harness = await startHarness();
    app = await startApp({ services: harness.services, auth: harness.auth, logger: createLogger('silent') });
  });
  afterAll(async () => {
    for (const a of [app, ...apps]) await a.close();
    await harness.close();
  });

  async function post(body: unknown, caller: Caller = { as: 'a1' }, on: RunningApp = app, headers: Record<string, string> = {}) {
    const res = await fetch(new URL('/graphql', on.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await harness.headersFor(caller)), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as { data?: any; errors?: any[] } };
  }

  async function appWith(settings: Partial<ServerSettings>): Promise<RunningApp> {
    const started = await startApp({
      services: harness.services,
      auth: harness.auth,
      logger: createLogger('silent'),
      settings: { ...DEFAULT_SERVER_SETTINGS, ...settings },
    });
    apps.push(started);
    return started;
  }

  it('refuses depth, alias, top-level-field and cost bombs naming the limit and the figure, while a homepage alongside is answered', async () => {
    const homepage = jest.spyOn(harness.services.homepage, 'homepageFor');
    const [deep, aliases, roots, costly, normal] = await Promise.all([
      post({ query: chain(25) }),
      post({ query: aliased(40, 'homepage(profileId: "a1-p1") { requestId }') }),
      post({
        query: `{ ${['title(id: "t1") { id }', ...Array.from({ length: 10 }, (_, i) => `t${i}: title(id: "t${i + 2}") { id }`)].join(' ')} }`,
      }),
      post(
        {
          query: aliased(4, 'titles(ids: $ids) { name artwork { url } }').replace('{', 'query($ids: [ID!]!) {'),
          variables: { ids: harness.world.titles.slice(0, 100).map((t) => t.id) },
        },
        { partner: 'acme' },
      ),
      post({ query: HOMEPAGE }),
    ]);
    expect(deep.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 10, actual: 52 });
    expect(aliases.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: 30, actual: 40 });
    expect(roots.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'rootFields', max: 10, actual: 11 });
    expect(costly.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', max: 3000 });
    expect(costly.body.errors![0].message).toMatch(/cost is \d+, over the limit of 3000 for partner callers/);
    for (const refused of [deep, aliases, roots, costly]) {
      expect(refused.status).toBe(400);
      expect(refused.body.data).toBeUndefined();
    }
    // Nothing of the bombs ran: the one homepage built was the normal request's.
    expect(normal.body.errors).toBeUndefined();
    expect(normal.body.data.homepage.rows.length).toBeGreaterThan(3);
    expect(homepage).toHaveBeenCalledTimes(1);
    homepage.mockRestore();
  });

  it('refuses documents too long to analyse at parse time, with the same code', async () => {
    const unaliased = `{ ${'homepage(profileId: "a1-p1") { requestId } '.repeat(10_000)}}`;
    const res = await post({ query: unaliased });
    expect(res.status).toBe(400);
    expect(res.body.errors![0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens', max: 3000 });
  });

  it('gives each kind of caller its own limits: an admin may nest deeper than an account', async () => {
    // 12 deep: over an account's 10, within an admin's 12.
    expect((await post({ query: chain(5) })).body.errors![0].extensions).toMatchObject({ limit: 'depth', actual: 12 });
    const admin = await post({ query: chain(5) }, { admin: 'ops' });
    expect(admin.body.errors?.[0]?.extensions?.code).not.toBe('QUERY_TOO_COMPLEX');
    // Without a token nothing but introspection is served: over a limit, the refusal says to authenticate.
    const anonymous = await post({ query: chain(5) }, { anonymous: true });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.errors![0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('answers client mistakes with client codes: unknown persisted query, many bad variables, unknown path, big body, long URL', async () => {
    const sha256Hash = createHash('sha256').update('{ title(id: "t1") { id } }').digest('hex');
    const apq = await post({ extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expect(apq.body.errors![0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await post({ query: '{ title(id: "t1") { id } }', extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expect(registered.body.data.title.id).toBe('t1');
    expect((await post({ extensions: { persistedQuery: { version: 1, sha256Hash } } })).body.data.title.id).toBe('t1');

    const names = Array.from({ length: 60 }, (_, i) => `v${i}`);
    const manyBad = await post({
      query: `query(${names.map((n) => `$${n}: ID!`).join(', ')}) { titles(ids: [${names.map((n) => `$${n}`).join(', ')}]) { id } }`,
      variables: Object.fromEntries(names.map((n) => [n, { not: 'an id' }])),
    });
    expect(manyBad.status).toBe(400);
    expect(new Set(manyBad.body.errors!.map((e) => e.extensions.code))).toEqual(new Set(['BAD_USER_INPUT']));

    const unknown = await fetch(new URL('/no/such/path', app.url));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as any).errors[0].extensions.code).toBe('NOT_FOUND');

    const big = await post(JSON.stringify({ query: `{ title(id: "${'x'.repeat(600_000)}") { id } }` }));
    expect(big.status).toBe(413);
    expect(big.body.errors![0].extensions.code).toBe('PAYLOAD_TOO_LARGE');

    const longUrl = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(new URL(`/graphql?query=${'x'.repeat(20_000)}`, app.url), (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(longUrl.status).toBe(431);
    expect(JSON.parse(longUrl.body).errors[0].extensions.code).toBe('HEADERS_TOO_LARGE');
  });

  it('limits requests per principal with 429, RATE_LIMITED and Retry-After; partner keys and other accounts have their own quota', async () => {
    const limited = await appWith({ requestsPerMinute: { account: 3, partner: 5, admin: 100, anonymous: 2 } });
    const query = { query: '{ title(id: "t1") { id } }' };
    for (let i = 0; i < 3; i++) expect((await post(query, { as: 'a1' }, limited)).status).toBe(200);
    const refused = await post(query, { as: 'a1' }, limited);
    expect(refused.status).toBe(429);
    expect(refused.body.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryable: true });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await post(query, { as: 'a2' }, limited)).status).toBe(200);
    expect((await post(query, { partner: 'acme' }, limited)).status).toBe(200);
  });

  it('charges a refused query bomb 20 requests of quota, so a client sending bombs is soon refused before its body is read', async () => {
    const limited = await appWith({ requestsPerMinute: { account: 30, partner: 100, admin: 100, anonymous: 10 } });
    expect((await post({ query: chain(25) }, { as: 'a3' }, limited)).body.errors![0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await post({ query: '{ title(id: "t1") { id } }' }, { as: 'a3' }, limited)).status);
    // 1 + 20 for the bomb, then 9 more fit in 30.
    expect(statuses).toEqual([...Array(9).fill(200), 429]);
  });

  it('answers CORS preflights for allowed origins only, and turns introspection off when told', async () => {
    const preflight = (on: RunningApp, origin: string) =>
      fetch(new URL('/graphql', on.url), {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
      });
    const open = await appWith({ corsOrigins: ['https://app.example'], introspection: false });
    const allowed = await preflight(open, 'https://app.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(allowed.headers.get('access-control-allow-headers')).toMatch(/authorization/);
    expect((await preflight(open, 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
    expect((await preflight(app, 'https://app.example')).headers.get('access-control-allow-origin')).toBeNull();

    const introspection = { query: '{ __schema { queryType { name } } }' };
    expect((await post(introspection, { as: 'a1' }, open)).body.errors![0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect((await post(introspection)).body.data.__schema.queryType.name).toBe('Query');
  });

  it('reports liveness and readiness', async () => {
    const live = await fetch(new URL('/health/live', app.url));
    expect(await live.json()).toEqual({ live: true });
    const ready = await fetch(new URL('/health/ready', app.url));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ ready: true });
  });
});

describe('a deadline per request: past it, or once the client is gone, the work stops', () => {
  let harness: AppHarness;
  let app: RunningApp;
  /** Latency injected into the store's read of a viewer's state (every homepage's): a slow dependency. */
  let delayMs = 0;

  beforeAll(async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'deadline-'));
    harness = await startHarness({ cacheSeconds: 0, openStore: async () => slowViewerState(await EmbeddedStore.open(dir), () => delayMs) });
    app = await startApp({
      services: harness.services,
      auth: harness.auth,
      logger: createLogger('silent'),
      settings: { ...DEFAULT_SERVER_SETTINGS, requestTimeoutMs: 1_000 },
    });
  });
  afterAll(async () => {
    await app.close();
    await harness.close();
  });
  afterEach(() => jest.restoreAllMocks());

  const homepage = async (signal?: AbortSignal) => {
    const res = await fetch(new URL('/graphql', app.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await harness.headersFor({ as: 'a1' })) },
      body: JSON.stringify({ query: HOMEPAGE }),
      signal,
    });
    return (await res.json()) as { data?: any; errors?: any[] };
  };

  it('answers TIMEOUT (retryable) and builds nothing more once the deadline has passed', async () => {
    const ranking = jest.spyOn(harness.services.models, 'use');
    delayMs = 2_500;
    const late = await homepage();
    expect(late.errors![0].extensions).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(late.errors![0].message).toMatch(/deadline of 1000 ms/);
    expect(ranking).not.toHaveBeenCalled();
    delayMs = 0;
    expect((await homepage()).data.homepage.rows.length).toBeGreaterThan(3);
    expect(ranking).toHaveBeenCalled();
  });

  it('stops the work of a request whose client disconnected', async () => {
    await app.close();
    app = await startApp({ services: harness.services, auth: harness.auth, logger: createLogger('silent') });
    const ranking = jest.spyOn(harness.services.models, 'use');
    delayMs = 2_500;
    await expect(homepage(AbortSignal.timeout(100))).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(ranking).not.toHaveBeenCalled();
    delayMs = 0;
  });
});

function slowViewerState(store: Store, delay: () => number): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (prop !== 'viewerState') return value.bind(target);
      return async (...args: unknown[]) => {
        if (delay() > 0) await new Promise((resolve) => setTimeout(resolve, delay()));
        return value.apply(target, args);
      };
    },
  });
}
