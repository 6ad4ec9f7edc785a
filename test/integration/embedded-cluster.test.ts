import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startServerProcess, stopProcess, type ServerProcess } from '../support/server-process';
import type { TokenPrincipal } from '../../src/auth/principal';

const AUTH_SECRET = 'embedded-cluster-test-secret-of-32-characters';
const PARTNER_QUOTA = 30;
const TV = { device: 'TV', localTime: '2026-11-27T20:00' };
const PAGE = `query($id: ID!, $context: ViewingContextInput) {
  homepage(profileId: $id, context: $context) { rows { kind items { title { id } sources } } }
}`;
const as: TokenPrincipal = { kind: 'account', accountId: 'a1' };

interface Page {
  rows: { kind: string; items: { title: { id: string }; sources: string[] }[] }[];
}

/**
 * One request on a connection of its own. The cluster's primary hands each new connection to the
 * next worker in turn (round robin), so consecutive calls alternate between the two workers;
 * fetch would keep one connection, and so one worker, for all of them.
 */
async function post(server: ServerProcess, body: object, principal: TokenPrincipal = as): Promise<{ status: number; json: any }> {
  const token = await server.sign(principal);
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${server.url}/graphql`,
      { method: 'POST', agent: false, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

async function gql(server: ServerProcess, query: string, variables: object = {}, principal: TokenPrincipal = as): Promise<any> {
  const { json } = await post(server, { query, variables }, principal);
  expect(json.errors).toBeUndefined();
  return json.data;
}

/** The pids of the cluster's workers (the primary's children). */
const workerPids = (primary: number): number[] =>
  execFileSync('ps', ['-o', 'pid=', '--ppid', String(primary)], { encoding: 'utf8' })
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((pid) => pid > 0);

/**
 * `WORKERS=2` on the embedded store: the primary owns the store and its journal, each worker
 * reads a copy that follows it and has the primary run its writes. Whichever worker answers, it
 * holds every acknowledged write, the checks of writes hold across workers, derived state (trending)
 * moves on both, a quota is one quota, and a worker that dies is replaced by one that holds
 * everything acknowledged before.
 */
describe('a cluster of two workers on the embedded store', () => {
  let dataDir: string;
  let server: ServerProcess;
  let env: Record<string, string>;
  let player: string;
  let viewer: string;
  /** The title of the play recorded before a worker is killed. */
  let titleId: string;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'embedded-cluster-'));
    env = {
      DATA_DIR: dataDir,
      WORLD_SIZE: 'small',
      AUTH_SECRET,
      WORKERS: '2',
      // Every page is built afresh, so each read shows the worker's counters as they are.
      HOMEPAGE_CACHE_SECONDS: '0',
      RATE_LIMIT_PARTNER: String(PARTNER_QUOTA),
      MODEL_POLL_SECONDS: '0',
      // Each worker logs when it listens: the test waits for the one that replaces a killed worker.
      LOG_LEVEL: 'info',
    };
    server = await startServerProcess(env, 300_000);
    const data = await gql(server, '{ profile(id: "a1-p1") { account { profiles { id isKids } } } }');
    const adults = (data.profile.account.profiles as { id: string; isKids: boolean }[]).filter((p) => !p.isKids);
    expect(adults.length).toBeGreaterThanOrEqual(2);
    [player, viewer] = adults.map((p) => p.id);
  }, 600_000);

  afterAll(async () => {
    if (server) await stopProcess(server.child);
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  const page = async (profileId: string): Promise<Page> => (await gql(server, PAGE, { id: profileId, context: TV })).homepage;
  const items = (p: Page) => p.rows.flatMap((r) => r.items);

  it('runs a primary and two workers', () => {
    expect(workerPids(server.child.pid!)).toHaveLength(2);
  });

  it("shows a write at once on every worker, and moves both workers' trending", async () => {
    const before = await page(viewer);
    // A title the viewer is offered, but not as trending: three plays make it the country's most played this week.
    const target = items(before).find((i) => !i.sources.includes('TRENDING'))!.title.id;
    const played = await gql(server, 'mutation($events: [PlaybackEventInput!]!) { recordPlayback(events: $events) { accepted } }', {
      events: [1, 2, 3].map((n) => ({ eventId: `cluster-play-${n}`, profileId: player, titleId: target, progress: 0.4, device: 'TV' })),
    });
    expect(played.recordPlayback.accepted).toBe(3);
    // Four pages in turn, two from each worker: the play is in the player's Continue Watching on
    // both (the store's record reached both before the write was answered), and the title is
    // trending for the viewer on both (the writer's change reached the other through the primary).
    for (let k = 0; k < 4; k++) {
      const own = await page(player);
      expect(own.rows.some((r) => r.kind === 'CONTINUE_WATCHING' && r.items.some((i) => i.title.id === target))).toBe(true);
    }
    const trending = (p: Page) => items(p).some((i) => i.title.id === target && i.sources.includes('TRENDING'));
    for (let k = 0; k < 4; k++) expect(trending(await page(viewer))).toBe(true);
    // A repeat of the same events, on either worker, is a duplicate: the primary alone decides.
    const again = await gql(
      server,
      'mutation($events: [PlaybackEventInput!]!) { recordPlayback(events: $events) { accepted duplicates } }',
      {
        events: [1, 2, 3].map((n) => ({ eventId: `cluster-play-${n}`, profileId: player, titleId: target, progress: 0.4, device: 'TV' })),
      },
    );
    expect(again.recordPlayback).toEqual({ accepted: 0, duplicates: 3 });
  });

  it("keeps an account's profile limit when both workers create profiles at once", async () => {
    const account: TokenPrincipal = { kind: 'account', accountId: 'a2' };
    const profiles = async () => (await gql(server, '{ profiles { totalCount } }', {}, account)).profiles.totalCount as number;
    const existing = await profiles();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, k) =>
        post(
          server,
          { query: 'mutation($name: String!) { createProfile(input: { name: $name }) { id } }', variables: { name: `Guest ${k}` } },
          account,
        ),
      ),
    );
    const created = results.filter((r) => r.json.data?.createProfile);
    expect(created).toHaveLength(5 - existing);
    for (const refused of results.filter((r) => !r.json.data?.createProfile)) expect(refused.json.errors[0].extensions.code).toBeDefined();
    for (let k = 0; k < 2; k++) expect(await profiles()).toBe(5);
  });

  it('holds one quota per minute across both workers', async () => {
    const partner: TokenPrincipal = { kind: 'partner', partner: 'cluster-partner' };
    const statuses: number[] = [];
    for (let k = 0; k < 40; k++) statuses.push((await post(server, { query: '{ __typename }' }, partner)).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(PARTNER_QUOTA);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40 - PARTNER_QUOTA);
  });

  it("answers a scrape of /metrics with both workers' metrics, whichever worker it reaches", async () => {
    // Each scrape on a connection of its own: consecutive ones reach the two workers in turn.
    const scrape = () =>
      new Promise<string>((resolve, reject) =>
        http
          .get(`${server.url}/metrics`, { agent: false }, (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`${res.statusCode}: ${text}`))));
          })
          .on('error', reject),
      );
    const typenames = (text: string) =>
      text
        .split('\n')
        .filter((l) => l.startsWith('graphql_operations_total{') && l.includes('field="__typename"') && l.includes('code="OK"'))
        .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
    const before = typenames(await scrape());
    // Six operations, three on each worker.
    for (let k = 0; k < 6; k++) await gql(server, '{ __typename }');
    const [first, second] = [await scrape(), await scrape()];
    expect(typenames(first)).toBe(before + 6);
    expect(typenames(second)).toBe(before + 6);
    // A gauge merged as it declares: one bundle version, at 1, not one per worker summed to 2.
    expect(first).toMatch(/^model_bundle_info\{version="[^"]+"\} 1$/m);
  });

  it("counts each impression under its page's row kind, whichever worker received it", async () => {
    const scrape = async () => {
      const text = await new Promise<string>((resolve, reject) =>
        http
          .get(`${server.url}/metrics`, { agent: false }, (res) => {
            let body = '';
            res.on('data', (d) => (body += d));
            res.on('end', () => resolve(body));
          })
          .on('error', reject),
      );
      const sum = (dimension: string) =>
        text
          .split('\n')
          .filter((l) => l.startsWith(`recommendation_impressions_total{dimension="${dimension}"`))
          .reduce((n, l) => n + Number(l.split(' ').at(-1)), 0);
      return { overall: sum('overall'), byRowKind: sum('row_kind') };
    };
    const before = await scrape();
    const { homepage } = await gql(
      server,
      'query($id: ID!, $context: ViewingContextInput) { homepage(profileId: $id, context: $context) { requestId rows { position items { position title { id } artwork { id } } } } }',
      { id: viewer, context: TV },
    );
    const shown = (homepage.rows as { position: number; items: { position: number; title: { id: string }; artwork: { id: string } }[] }[])
      .slice(0, 3)
      .flatMap((row) =>
        row.items.slice(0, 2).map((item) => ({
          eventId: `cluster-shown-${row.position}-${item.position}`,
          profileId: viewer,
          titleId: item.title.id,
          artworkId: item.artwork.id,
          requestId: homepage.requestId,
          rowIndex: row.position,
          position: item.position,
          device: 'TV',
        })),
      );
    // One impression a request: each goes to the next worker, so half reach the worker that did not serve the page.
    for (const event of shown)
      expect(
        (await gql(server, 'mutation($e: [ImpressionEventInput!]!) { recordImpressions(events: $e) { accepted } }', { e: [event] }))
          .recordImpressions.accepted,
      ).toBe(1);
    const after = await scrape();
    expect(after.overall - before.overall).toBe(shown.length);
    // Without the relay to the page's worker, the impressions the other worker received would have no row kind.
    expect(after.byRowKind - before.byRowKind).toBe(shown.length);
  });

  it('replaces a worker that dies with one that holds every acknowledged write', async () => {
    const shown = 'query($id: ID!) { profile(id: $id) { dataSummary { playbackEvents } } }';
    titleId = items(await page(viewer))[0].title.id;
    const recorded = await gql(server, 'mutation($events: [PlaybackEventInput!]!) { recordPlayback(events: $events) { accepted } }', {
      events: [{ eventId: 'before-crash', profileId: viewer, titleId, progress: 0.2, device: 'TV' }],
    });
    expect(recorded.recordPlayback.accepted).toBe(1);
    const count = (await gql(server, shown, { id: viewer })).profile.dataSummary.playbackEvents as number;
    const listening = () =>
      server
        .output()
        .split('\n')
        .filter((line) => line.includes('"msg":"listening"')).length;
    const before = listening();
    const [killed] = workerPids(server.child.pid!);
    process.kill(killed, 'SIGKILL');
    // The other worker answers meanwhile; the primary starts a new one, which logs once it listens.
    for (let attempt = 0; listening() === before; attempt++) {
      if (attempt > 600) throw new Error(`no new worker listens:\n${server.output().slice(-2000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(workerPids(server.child.pid!)).not.toContain(killed);
    // Both workers in turn, the new one among them.
    for (let k = 0; k < 6; k++) expect((await gql(server, shown, { id: viewer })).profile.dataSummary.playbackEvents).toBe(count);
  });

  it('keeps every acknowledged write when the cluster stops and the store opens in one process', async () => {
    await stopProcess(server.child);
    server = await startServerProcess({ ...env, WORKERS: '1' }, 300_000);
    const data = await gql(server, '{ profiles { totalCount } }', {}, { kind: 'account', accountId: 'a2' });
    expect(data.profiles.totalCount).toBe(5);
    const again = await gql(server, 'mutation($events: [PlaybackEventInput!]!) { recordPlayback(events: $events) { duplicates } }', {
      events: [{ eventId: 'before-crash', profileId: viewer, titleId, progress: 0.2, device: 'TV' }],
    });
    expect(again.recordPlayback.duplicates).toBe(1);
  });
});
