import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, SERVER_ENTRY, startServerProcess, stopProcess, type ServerProcess } from '../support/server-process';

const launcher = require('../../graph/neo4j-launcher/control') as {
  javaToolsAvailable(): boolean;
  start(o: { port: number; dataDir?: string; log?: (m: string) => void }): Promise<{ uri: string }>;
  stop(o: { port: number; log?: (m: string) => void }): Promise<void>;
};

const SIMILAR = '{ similarTitles(titleId: "t1", limit: 3) { title { id } } }';

describe('Neo4j unreachable at start', () => {
  it('retries with backoff, logging each attempt, then exits non-zero with a clear message', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [SERVER_ENTRY], {
      env: {
        ...process.env,
        STORE: 'neo4j',
        NEO4J_URI: `bolt://127.0.0.1:${port}`,
        NEO4J_CONNECT_ATTEMPTS: '3',
        PORT: '0',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    expect(output.match(/not reachable \(attempt \d\/3\).*retrying in/g)).toHaveLength(2);
    expect(output).toContain(`Neo4j at bolt://127.0.0.1:${port} is not reachable after 3 attempts`);
  });
});

const withLauncher = launcher.javaToolsAvailable() ? describe : describe.skip;

withLauncher('Neo4j lost while serving (a launcher of its own, stopped and restarted)', () => {
  const port = Number(process.env.NEO4J_TEST_PORT ?? 7687) + 1;
  let neo4jData: string;
  let apiData: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    neo4jData = await fs.mkdtemp(path.join(os.tmpdir(), 'outage-neo4j-'));
    apiData = await fs.mkdtemp(path.join(os.tmpdir(), 'outage-api-'));
    const { uri } = await launcher.start({ port, dataDir: neo4jData, log: () => {} });
    server = await startServerProcess({ STORE: 'neo4j', NEO4J_URI: uri, DATA_DIR: apiData, WORLD_SIZE: 'small' }, 180_000);
  }, 240_000);

  afterAll(async () => {
    if (server) await stopProcess(server.child);
    await launcher.stop({ port, log: () => {} });
    await fs.rm(neo4jData, { recursive: true, force: true });
    await fs.rm(apiData, { recursive: true, force: true });
  });

  it('answers GRAPH_UNAVAILABLE, stays up, and recovers by itself when Neo4j is back', async () => {
    const before = await server!.gql(SIMILAR);
    expect(before.errors).toBeUndefined();
    expect(before.data.similarTitles).toHaveLength(3);

    await launcher.stop({ port, log: () => {} });
    const during = await server!.gql(SIMILAR);
    expect(during.errors?.[0].extensions.code).toBe('GRAPH_UNAVAILABLE');
    // What needs the store fails clearly (and nothing is acknowledged that was not written)...
    expect((await server!.gql('{ homepage(profileId: "a1-p1") { requestId } }')).errors?.[0].extensions.code).toBe('GRAPH_UNAVAILABLE');
    const record =
      'mutation { recordPlayback(events: [{ eventId: "outage-1", profileId: "a1-p1", titleId: "t2", progress: 0.5, device: TV }]) { accepted } }';
    expect((await server!.gql(record)).errors?.[0].extensions.code).toBe('GRAPH_UNAVAILABLE');
    // ...while the rest of the API keeps answering from memory.
    expect((await server!.gql('{ title(id: "t1") { id } }')).data.title.id).toBe('t1');
    expect(server!.child.exitCode).toBeNull();

    await launcher.start({ port, dataDir: neo4jData, log: () => {} });
    let after = await server!.gql(SIMILAR);
    for (let i = 0; i < 30 && after.errors; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      after = await server!.gql(SIMILAR);
    }
    expect(after.errors).toBeUndefined();
    expect(after.data.similarTitles).toEqual(before.data.similarTitles);
    expect((await server!.gql(record)).data.recordPlayback.accepted).toBe(1);
    expect(server!.output()).toMatch(/store unavailable/);
  }, 180_000);
});
