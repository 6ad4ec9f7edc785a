import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServerProcess, stopProcess, type ServerProcess } from '../support/server-process';

const RECORD = `mutation($events: [PlaybackEventInput!]!) { recordPlayback(events: $events) { accepted duplicates } }`;
const HISTORY = `query($id: ID!) { profile(id: $id) { viewingHistory(first: 10) { eventId progress title { id } } } }`;

describe('durability of the embedded store (real server process)', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'crash-'));
  });
  afterAll(async () => {
    if (server) await stopProcess(server.child, 'SIGKILL');
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('keeps an acknowledged playback through SIGKILL and does not count its replay twice', async () => {
    const env = { DATA_DIR: dataDir, WORLD_SIZE: 'small', WORLD_SEED: '11' };
    server = await startServerProcess(env);
    // No AUTH_SECRET: the server made a development secret, said so, and keeps it private to its user.
    expect(server.output()).toMatch(/AUTH_SECRET is not set/);
    const secretFile = path.join(dataDir, 'auth-secret');
    expect((await fs.stat(secretFile)).mode & 0o777).toBe(0o600);
    const secret = await fs.readFile(secretFile, 'utf8');
    const first = await server.gql('{ profiles(first: 1) { nodes { id } } }');
    const profileId: string = first.data.profiles.nodes[0].id;
    const event = { eventId: 'crash-1', profileId, titleId: 't7', progress: 0.42, device: 'TV' };
    expect((await server.gql(RECORD, { events: [event] })).data.recordPlayback).toEqual({ accepted: 1, duplicates: 0 });
    // No graceful shutdown: the process dies right after the acknowledgement.
    await stopProcess(server.child, 'SIGKILL');

    server = await startServerProcess(env);
    expect(server.output()).not.toMatch(/generating/);
    expect(await fs.readFile(secretFile, 'utf8')).toBe(secret); // tokens issued before the restart stay valid
    const history = await server.gql(HISTORY, { id: profileId });
    expect(history.data.profile.viewingHistory.filter((e: any) => e.eventId === 'crash-1')).toEqual([
      { eventId: 'crash-1', progress: 0.42, title: { id: 't7' } },
    ]);
    expect((await server.gql(RECORD, { events: [event] })).data.recordPlayback).toEqual({ accepted: 0, duplicates: 1 });
    const again = await server.gql(HISTORY, { id: profileId });
    expect(again.data.profile.viewingHistory.filter((e: any) => e.eventId === 'crash-1')).toHaveLength(1);
  });

  it('stops at start with a message naming a bad setting', async () => {
    await expect(startServerProcess({ DATA_DIR: dataDir, WORLD_SIZE: 'enormous' }, 20_000)).rejects.toThrow(/WORLD_SIZE="enormous"/);
  });
});
