import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { EmbeddedStore } from '../../graph/embedded/embedded-store';
import { projectRoot } from '../../src/shared/paths';

const run = promisify(execFile);
const CLI = path.join(projectRoot(), 'dist', 'src', 'setup', 'import-cli.js');

describe('npm run import -- --catalog movielens', () => {
  it('loads real MovieLens viewers and ratings into an empty store, with the similarity graph', async () => {
    const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'import-ml-'));
    const fixture = path.join(projectRoot(), 'test', 'fixtures', 'ml-100k');
    const env = { ...process.env, DATA_DIR: dataDir, STORE: 'embedded', LOG_LEVEL: 'warn' };
    const { stdout } = await run(process.execPath, [CLI, '--catalog', 'movielens', '--path', fixture], { env });
    const summary = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ store: 'embedded', titles: 8, profiles: 5, impressions: 0 });
    const store = await EmbeddedStore.open(path.join(dataDir, 'store'));
    expect(await store.listTitles()).toHaveLength(8);
    expect((await store.listWatchStates()).length).toBeGreaterThan(20);
    expect((await store.similarTitles((await store.listTitles())[0].id, 5)).length).toBeGreaterThan(0);
    await store.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('rejects an unknown format and a folder that holds no dataset, with clear messages', async () => {
    const bad = await run(process.execPath, [CLI, '--catalog', 'imdb', '--path', '.']).catch((e) => e);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/netflix-titles, movielens/);
    const empty = await fs.mkdtemp(path.join(os.tmpdir(), 'import-empty-'));
    const env = { ...process.env, DATA_DIR: path.join(empty, 'data'), LOG_LEVEL: 'warn' };
    const missing = await run(process.execPath, [CLI, '--catalog', 'movielens', '--path', empty], { env }).catch((e) => e);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/ratings\.csv|u\.data/);
  });
});
