import { startApp, type RunningApp } from '../../src/server/app';
import { createLogger } from '../../src/shared/logger';
import { startHarness, type AppHarness } from '../support/app-harness';

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
