import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedStore } from '../../graph/embedded/embedded-store';
import { prepareDataDir } from '../../src/setup/data-dir';
import { fixtureData, fixtureSimilarity } from '../support/fixture-data';
import { SERVER_ENTRY } from '../support/server-process';
import { mountTmpfs } from '../support/tmpfs';

const tempDir = () => fs.mkdtemp(path.join(os.tmpdir(), 'start-'));
const exists = (file: string) =>
  fs.access(file).then(
    () => true,
    () => false,
  );

/** The pid of a process that has exited: what a killed writer leaves in a folder's name. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

/** A folder with a file in it, as a writer leaves it half-way. */
async function leftover(dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'part'), 'half-written');
  return dir;
}

describe('start-up and what killed writers left', () => {
  it("removes a dead writer's snapshot temporaries and leaves a live one's alone", async () => {
    const dir = await tempDir();
    const store = await EmbeddedStore.open(dir);
    await store.bulkLoad(fixtureData(), fixtureSimilarity());
    await store.close();
    const dead = await leftover(path.join(dir, `snapshot.tmp-${await deadPid()}`));
    const live = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    try {
      const alive = await leftover(path.join(dir, `snapshot.tmp-${live.pid}`));
      const logs: string[] = [];
      const reopened = await EmbeddedStore.open(dir, (m) => logs.push(m));
      expect(await exists(dead)).toBe(false);
      expect(await exists(alive)).toBe(true);
      expect(logs).toContainEqual(expect.stringContaining(`removed ${dead}`));
      expect(await reopened.countProfiles()).toBe(fixtureData().profiles.length);
      await reopened.close();
    } finally {
      live.kill();
    }
  });

  it('finishes a snapshot swap a kill interrupted between its two renames', async () => {
    const dir = await tempDir();
    const store = await EmbeddedStore.open(dir);
    await store.bulkLoad(fixtureData(), fixtureSimilarity());
    await store.close();
    // writeDataset had synced its new folder and moved the old one aside when it was killed.
    const pid = await deadPid();
    await fs.cp(path.join(dir, 'snapshot'), path.join(dir, `snapshot.tmp-${pid}`), { recursive: true });
    await fs.rename(path.join(dir, 'snapshot'), path.join(dir, `snapshot.old-${pid}`));
    const logs: string[] = [];
    const reopened = await EmbeddedStore.open(dir, (m) => logs.push(m));
    expect(await reopened.isEmpty()).toBe(false);
    expect(await reopened.countProfiles()).toBe(fixtureData().profiles.length);
    expect((await fs.readdir(dir)).sort()).toEqual(['journal.ndjson', 'snapshot']);
    expect(logs).toContainEqual(expect.stringContaining('finished swapping in'));
    await reopened.close();
  });

  it("removes abandoned model bundle writes and a dead writer's world temporary, not a bundle being written now", async () => {
    const dataDir = await tempDir();
    const abandoned = await leftover(path.join(dataDir, 'models', '20260101T000000Z-aaaaaaaa.tmp-0b3c'));
    const writing = await leftover(path.join(dataDir, 'models', '20260101T000000Z-bbbbbbbb.tmp-9f1d'));
    // On a pinned clock: nothing in one has changed for two hours (its writer is gone), the other was written to a minute ago.
    const now = Date.UTC(2026, 0, 1, 12);
    const touch = async (dir: string, at: number) => {
      for (const f of [path.join(dir, 'part'), dir]) await fs.utimes(f, new Date(at), new Date(at));
    };
    await touch(abandoned, now - 2 * 3_600_000);
    await touch(writing, now - 60_000);
    const world = await leftover(path.join(dataDir, `world.tmp-${await deadPid()}`));
    const logs: string[] = [];
    await prepareDataDir(dataDir, { info: (m) => logs.push(m) }, () => now);
    expect(await exists(abandoned)).toBe(false);
    expect(await exists(writing)).toBe(true);
    expect(await exists(world)).toBe(false);
    expect(logs).toEqual(
      expect.arrayContaining([expect.stringContaining(`removed ${abandoned}`), expect.stringContaining(`removed ${world}`)]),
    );
  });

  it('creates a missing DATA_DIR', async () => {
    const dataDir = path.join(await tempDir(), 'new', 'data');
    await prepareDataDir(dataDir, { info: () => undefined });
    expect((await fs.stat(dataDir)).isDirectory()).toBe(true);
  });
});

// A read-only folder: for anyone but root a 0555 one; root writes there all the same, so for root
// a read-only tmpfs, where this machine lets the tests mount one.
const asRoot = process.getuid?.() === 0;
const readOnlyMount = asRoot ? mountTmpfs('64k', { readOnly: true }) : null;
afterAll(() => readOnlyMount?.unmount());

describe('a DATA_DIR the server cannot write', () => {
  /** Starts the compiled server on `dataDir` and returns how it exited (it should, at once). */
  async function start(dataDir: string): Promise<{ code: number | null; stderr: string }> {
    const env = { ...process.env, DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' };
    const failed = await promisify(execFile)(process.execPath, [SERVER_ENTRY], { env, timeout: 120_000 }).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    return { code: failed?.code ?? 0, stderr: failed?.stderr ?? '' };
  }

  it('exits with one line when DATA_DIR lies under a file (ENOTDIR)', async () => {
    const file = path.join(await tempDir(), 'a-file');
    await fs.writeFile(file, '');
    const { code, stderr } = await start(path.join(file, 'data'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^DATA_DIR \S+\/a-file\/data cannot be created: ENOTDIR[^\n]*; set DATA_DIR to a writable folder\n$/);
  });

  (asRoot && !readOnlyMount ? it.skip : it)('exits with one line when DATA_DIR is read-only', async () => {
    let dir = readOnlyMount?.dir;
    if (!dir) {
      dir = await tempDir();
      await fs.chmod(dir, 0o555);
    }
    const { code, stderr } = await start(dir);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^DATA_DIR \S+ is not writable: E(ROFS|ACCES)[^\n]*; set DATA_DIR to a writable folder\n$/);
    // A missing DATA_DIR in it: the reason is the read-only parent, not "no such file".
    const missing = await start(path.join(dir, 'sub', 'data'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^DATA_DIR \S+ cannot be created: E(ROFS|ACCES)[^\n]*; set DATA_DIR to a writable folder\n$/);
  });
});
