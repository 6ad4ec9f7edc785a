import { startApp, type RunningApp } from '../../src/server/app';
import { createLogger } from '../../src/shared/logger';
import { startHarness, type AppHarness, type Caller } from '../support/app-harness';

describe('HTTP surface: IDE, posters, GraphQL over HTTP', () => {
  let harness: AppHarness;
  let app: RunningApp;
  beforeAll(async () => {
    harness = await startHarness();
    app = await startApp({ services: harness.services, auth: harness.auth, logger: createLogger('silent') });
  });
  afterAll(async () => {
    await app.close();
    await harness.close();
  });

  it('serves GraphiQL at / from local files only, with an example homepage query', async () => {
    const res = await fetch(app.url);
    expect(res.status).toBe(200);
    const html = await res.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThanOrEqual(4);
    for (const ref of refs) {
      expect(ref).toMatch(/^\/ide\//);
      const asset = await fetch(new URL(ref, app.url));
      expect(asset.status).toBe(200);
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    }
    expect(html).toContain('homepage(profileId: \\"a1-p1\\"');
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
  });

  it('answers GraphQL at /graphql with absolute artwork URLs that serve SVG posters with an ETag', async () => {
    const res = await fetch(new URL('/graphql', app.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(await harness.headersFor({ partner: 'acme' })) },
      body: JSON.stringify({ query: '{ title(id: "t1") { name artwork { url theme } } }' }),
    });
    const { data } = (await res.json()) as any;
    const url: string = data.title.artwork[0].url;
    expect(url.startsWith(app.url)).toBe(true);
    const poster = await fetch(url);
    expect(poster.headers.get('content-type')).toMatch(/image\/svg\+xml/);
    const svg = await poster.text();
    expect(svg).toMatch(/^<svg /);
    const etag = poster.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect((await fetch(url, { headers: { 'if-none-match': etag } })).status).toBe(304);
    const other = await fetch(data.title.artwork[1].url);
    expect(other.headers.get('etag')).not.toBe(etag);
    expect((await fetch(new URL('/artwork/nope.svg', app.url))).status).toBe(404);
  });

  it('answers the same again after its earlier answers were emptied: what resolvers hand out is never touched', async () => {
    const post = async (query: string, variables: Record<string, unknown>, caller: Caller) => {
      const res = await fetch(new URL('/graphql', app.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(await harness.headersFor(caller)) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as any;
      expect(body.errors).toBeUndefined();
      return body.data;
    };
    // Settings are a JSONObject: the answer carries the stored object itself, nested values and all.
    const settings = { model: 'TRAINED', utility: { click: 1, finish: 2, ret: 0 } };
    const input = {
      id: 'emptied-answers',
      description: 'd',
      hypothesis: 'h',
      lever: 'RANKER',
      primaryMetric: 'WATCH_MINUTES',
      variants: [
        { name: 'control', weight: 0.5, settings: {} },
        { name: 'weights', weight: 0.5, settings },
      ],
    };
    await post('mutation C($input: NewExperimentInput!) { createExperiment(input: $input) { id } }', { input }, { admin: 'ops' });
    const page = `query($id: ID!) { homepage(profileId: $id, context: { device: TV }) { rows { items { title { id name genres } } } } }`;
    const titles = new Map<string, Set<string>>();
    for (let round = 0; round < 3; round++) {
      const { experiments } = await post('{ experiments { id variants { name settings } } }', {}, { admin: 'ops' });
      expect(experiments.find((e: { id: string }) => e.id === input.id).variants[1]).toEqual({ name: 'weights', settings });
      const { homepage } = await post(page, { id: 'a1-p1' }, { as: 'a1' });
      for (const row of homepage.rows)
        for (const { title } of row.items) {
          expect(title.genres.length).toBeGreaterThan(0);
          titles.set(title.id, (titles.get(title.id) ?? new Set()).add(JSON.stringify(title)));
        }
    }
    expect(titles.size).toBeGreaterThan(10);
    expect([...titles.values()].filter((seen) => seen.size > 1)).toEqual([]);
  });

  it('answers malformed HTTP requests with a JSON error and no internals', async () => {
    const badJson = await fetch(new URL('/graphql', app.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": ',
    });
    const badEscape = await fetch(new URL('/artwork/%E0%A4%A.svg', app.url));
    for (const res of [badJson, badEscape]) {
      expect(res.status).toBe(400);
      const text = await res.text();
      expect(JSON.parse(text).errors[0].extensions.code).toBe('BAD_REQUEST');
      expect(text).not.toMatch(/node_modules|at .*\.js/);
    }
  });
});
