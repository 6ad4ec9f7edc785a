import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { Authenticator } from '../../src/auth/authenticator';
import type { TokenPrincipal } from '../../src/auth/principal';
import { projectRoot } from '../../src/shared/paths';
import { startServerProcess, stopProcess, type ServerProcess } from '../support/server-process';

const HOMEPAGE = `query H($id: ID!) { homepage(profileId: $id, context: { device: TV, localTime: "2026-11-27T20:00" }) {
  requestId rows { position items { position title { id } artwork { id } } } } }`;
const RECORD = `mutation R($events: [PlaybackEventInput!]!) { recordPlayback(events: $events) { accepted duplicates } }`;
const IMPRESSIONS = `mutation I($events: [ImpressionEventInput!]!) { recordImpressions(events: $events) { accepted } }`;
const HISTORY = `query V($id: ID!) { profile(id: $id) { viewingHistory(first: 20) { eventId } } }`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A raw HTTP POST (no automatic decompression), so the test sees the bytes and headers the server sent. */
function post(url: string, headers: Record<string, string>, body: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const json = (a: Answer) => JSON.parse(a.body.toString('utf8'));

/**
 * Operations on a real server process over HTTP: request ids and log lines, no credential in any
 * log, compressed responses, Prometheus metrics, the quality report, and a graceful stop that
 * answers a request still arriving when SIGTERM comes and keeps its write.
 */
describe('operations (real server process)', () => {
  let dataDir: string;
  let server: ServerProcess;
  let auth: Authenticator;
  const env = () => ({ DATA_DIR: dataDir, WORLD_SIZE: 'small', WORLD_SEED: '5', LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '20000' });
  const bearer = async (p: TokenPrincipal) => `Bearer ${await auth.sign(p, 600)}`;
  const gql = async (query: string, variables: Record<string, unknown>, headers: Record<string, string>) =>
    post(`${server.url}/graphql`, headers, JSON.stringify({ query, variables }));
  const logLines = () =>
    server
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, any>);

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'operations-'));
    server = await startServerProcess(env(), 300_000);
    auth = new Authenticator({ secret: (await fs.readFile(path.join(dataDir, 'auth-secret'), 'utf8')).trim(), anonymousCatalog: false });
  }, 320_000);
  afterAll(async () => {
    await stopProcess(server.child, 'SIGKILL');
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('names each request by its X-Request-Id, the homepage by the same id, and logs one line per request without credentials', async () => {
    const token = await bearer({ kind: 'account', accountId: 'a1' });
    const given = await gql(HOMEPAGE, { id: 'a1-p1' }, { authorization: token, 'x-request-id': 'frontend-req-0001' });
    expect(given.status).toBe(200);
    expect(given.headers['x-request-id']).toBe('frontend-req-0001');
    expect(json(given).data.homepage.requestId).toBe('frontend-req-0001');

    const drawn = await gql(HOMEPAGE, { id: 'a1-p1' }, { authorization: token, 'x-request-id': 'not a plain id' });
    const id = drawn.headers['x-request-id'] as string;
    expect(id).toMatch(UUID);
    expect(json(drawn).data.homepage.requestId).toBe(id);

    const partnerKey = await auth.sign({ kind: 'partner', partner: 'acme' }, 600);
    const partner = await gql('{ title(id: "t1") { id } }', {}, { 'x-api-key': partnerKey });
    expect(partner.status).toBe(200);
    const refused = await gql(HOMEPAGE, { id: 'a2-p1' }, { authorization: token });
    expect(json(refused).errors[0].extensions.code).toBe('FORBIDDEN');

    await new Promise((r) => setTimeout(r, 200));
    const lines = logLines().filter((l) => l.req?.path === '/graphql');
    const line = lines.find((l) => l.req.id === 'frontend-req-0001')!;
    expect(line).toMatchObject({ principal: 'account', principalId: 'a1', operation: 'homepage', code: 'OK', res: { status: 200 } });
    expect(typeof line.responseTime).toBe('number');
    expect(lines.filter((l) => l.req.id === id)).toHaveLength(1);
    expect(lines.find((l) => l.principal === 'partner')).toMatchObject({ principalId: 'acme', operation: 'title', code: 'OK' });
    expect(lines.find((l) => l.code === 'FORBIDDEN')).toMatchObject({ principalId: 'a1', operation: 'homepage' });
    const all = server.output();
    for (const secret of [token.slice('Bearer '.length), partnerKey]) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/authorization|x-api-key/i);
  });

  it('compresses responses with brotli or gzip, as the client accepts', async () => {
    const token = await bearer({ kind: 'account', accountId: 'a1' });
    const plain = JSON.parse((await gql(HOMEPAGE, { id: 'a1-p2' }, { authorization: token })).body.toString());
    for (const [encoding, inflate] of [
      ['br', zlib.brotliDecompressSync],
      ['gzip', zlib.gunzipSync],
    ] as const) {
      const a = await gql(HOMEPAGE, { id: 'a1-p2' }, { authorization: token, 'accept-encoding': encoding });
      expect(a.headers['content-encoding']).toBe(encoding);
      const page = JSON.parse(inflate(a.body).toString());
      expect(page.data.homepage.rows).toEqual(plain.data.homepage.rows);
      expect(a.body.length).toBeLessThan(Buffer.byteLength(JSON.stringify(page)) / 3);
    }
  });

  it('exports Prometheus metrics and the quality report of the events it received', async () => {
    const token = await bearer({ kind: 'account', accountId: 'a1' });
    const page = json(await gql(HOMEPAGE, { id: 'a1-p1' }, { authorization: token })).data.homepage;
    const events = page.rows.flatMap((row: any) =>
      row.items.slice(0, 5).map((item: any) => ({
        eventId: `imp-${row.position}-${item.position}`,
        profileId: 'a1-p1',
        titleId: item.title.id,
        artworkId: item.artwork.id,
        requestId: page.requestId,
        rowIndex: row.position,
        position: item.position,
        device: 'TV',
      })),
    );
    expect(json(await gql(IMPRESSIONS, { events }, { authorization: token })).data.recordImpressions.accepted).toBe(events.length);
    const taken = events[0];
    const play = [{ eventId: 'play-1', profileId: 'a1-p1', titleId: taken.titleId, progress: 0.2, device: 'TV' }];
    expect(json(await gql(RECORD, { events: play }, { authorization: token })).data.recordPlayback.accepted).toBe(1);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    for (const stage of ['request', 'retrieval', 'ranking', 'rows', 'artwork', 'total'])
      expect(metrics).toMatch(new RegExp(`^homepage_stage_duration_seconds_count\\{stage="${stage}"\\} [1-9]`, 'm'));
    expect(metrics).toMatch(/^model_bundle_info\{version="[^"]+"\} 1$/m);
    expect(metrics).toMatch(/^model_bundle_age_seconds \d/m);
    expect(metrics).toMatch(/^graphql_operations_total\{type="query",field="homepage",code="OK"\} [1-9]/m);
    expect(metrics).toMatch(/^graphql_operations_total\{type="query",field="homepage",code="FORBIDDEN"\} 1$/m);
    expect(metrics).toMatch(/^homepage_candidates_count\{source="COLLABORATIVE"\} [1-9]/m);
    expect(metrics).toMatch(/^store_call_duration_seconds_count\{store="embedded",method="getWatchState"\} [1-9]/m);
    expect(metrics).toMatch(new RegExp(`^events_written_total\\{kind="impression",result="accepted"\\} ${events.length}$`, 'm'));
    expect(metrics).toMatch(/^recommendation_impressions_total\{dimension="row_kind",value="[A-Z_]+"\} [1-9]/m);
    expect(metrics).toMatch(/^recommendation_takes_total\{dimension="overall",value="all"\} 1$/m);
    expect(metrics).toMatch(/^process_resident_memory_bytes \d/m);

    const admin = await bearer({ kind: 'admin', name: 'ops' });
    const report = await gql(
      '{ recommendationQuality(hours: 2) { hours { impressions takes } alerts { check } unattributedImpressions } }',
      {},
      { authorization: admin },
    );
    const quality = json(report).data.recommendationQuality;
    expect(quality.hours.reduce((n: number, h: any) => n + h.impressions, 0)).toBe(events.length);
    expect(quality.hours.reduce((n: number, h: any) => n + h.takes, 0)).toBe(1);
    expect(quality.unattributedImpressions).toBe(0);
    expect(json(await gql('{ recommendationQuality { alerts { check } } }', {}, { authorization: token })).errors[0].extensions.code).toBe(
      'FORBIDDEN',
    );
    expect(
      json(await gql('{ recommendationQuality(hours: 0) { alerts { check } } }', {}, { authorization: admin })).errors[0].extensions.code,
    ).toBe('BAD_USER_INPUT');

    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(projectRoot(), 'dist/src/server/monitor-cli.js'), '--url', `${server.url}/graphql`],
      {
        env: { ...process.env, ...env() },
      },
    );
    expect(stdout).toMatch(/impressions/);
    expect(stdout).toMatch(/alerts: none/);
  });

  it('stops on SIGTERM after answering a request still arriving, keeps its write, and exits 0', async () => {
    const token = await bearer({ kind: 'account', accountId: 'a1' });
    const body = JSON.stringify({
      query: RECORD,
      variables: { events: [{ eventId: 'during-stop', profileId: 'a1-p1', titleId: 't3', progress: 0.3, device: 'TV' }] },
    });
    const answer = new Promise<Answer>((resolve, reject) => {
      const req = http.request(
        `${server.url}/graphql`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: token },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        },
      );
      req.on('error', reject);
      // Half the body now: the server has the request in hand and waits for the rest.
      req.write(body.slice(0, 40));
      setTimeout(() => {
        server.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(40)), 500);
      }, 500);
    });
    const exited = new Promise<number | null>((resolve) => server.child.once('exit', (code) => resolve(code)));
    const a = await answer;
    expect(a.status).toBe(200);
    expect(json(a).data.recordPlayback).toEqual({ accepted: 1, duplicates: 0 });
    expect(await exited).toBe(0);
    expect(server.output()).toMatch(/"msg":"stopped"/);

    server = await startServerProcess(env(), 120_000);
    const history = await server.gql(HISTORY, { id: 'a1-p1' });
    expect(history.data.profile.viewingHistory.map((e: any) => e.eventId)).toContain('during-stop');
  }, 200_000);
});
