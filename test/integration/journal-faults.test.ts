import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore, type EmbeddedStoreOptions } from '../../graph/embedded/embedded-store';
import { StorageUnavailableError } from '../../graph/errors';
import { FaultyDisk } from '../support/faulty-disk';
import { fixtureData, fixtureSimilarity, playback } from '../support/fixture-data';
import { mountTmpfs } from '../support/tmpfs';

const JOURNAL = 'journal.ndjson';

/** A loaded fixture store in `dir` (a new temporary folder by default), its journal writing through `disk`. */
async function loadedStore(options: EmbeddedStoreOptions, dir?: string) {
  dir ??= await fs.mkdtemp(path.join(os.tmpdir(), 'faults-'));
  const store = await EmbeddedStore.open(dir, undefined, options);
  await store.bulkLoad(fixtureData(), fixtureSimilarity());
  return { dir, store };
}

/** The event ids of the journal's records, in file order. */
async function journaledIds(dir: string): Promise<string[]> {
  const text = await fs.readFile(path.join(dir, JOURNAL), 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .flatMap((line) => (JSON.parse(line).events ?? []).map((e: { eventId: string }) => e.eventId));
}

const historyIds = async (store: EmbeddedStore, profileId = 'a2-p1') => (await store.viewingHistory(profileId, 100)).map((e) => e.eventId);

/** Waits for `check` to hold: a retry on a timer has no moment to wait for. Jest's timeout bounds it. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe('journal on a failing disk', () => {
  it.each([
    ['full (ENOSPC, half a batch written)', 'ENOSPC' as const],
    ['failing its sync (EIO, the whole batch in the page cache)', 'EIO' as const],
  ])(
    'rejects writes while the disk is %s, keeps nothing of them, and carries on with a fresh descriptor once it heals',
    async (_name, fault) => {
      const disk = new FaultyDisk();
      const { dir, store } = await loadedStore({ journalFs: disk });
      await store.recordPlayback([playback('before', 'a2-p1', 't3', 4, 0.3)]);

      disk.fail(fault);
      const refused = await Promise.allSettled([
        store.recordPlayback([playback('lost-1', 'a2-p1', 't3', 5, 0.4), playback('lost-2', 'a2-p1', 't4', 5, 0.2)]),
        store.recordPlayback([playback('lost-3', 'a2-p1', 't4', 5.1, 0.5)]),
      ]);
      for (const outcome of refused) {
        expect(outcome.status).toBe('rejected');
        const err = (outcome as PromiseRejectedResult).reason;
        expect(err).toBeInstanceOf(StorageUnavailableError);
        expect(err).toMatchObject({ dependency: 'storage', message: expect.stringContaining(fault) });
      }
      expect(await store.readiness()).toEqual({ ready: false, reason: expect.stringContaining(fault) });
      expect(await historyIds(store)).not.toEqual(expect.arrayContaining(['lost-1']));
      expect(await historyIds(store)).toEqual(['before', 'e3']);
      expect(await journaledIds(dir)).toEqual(['before']);

      disk.heal();
      // No client writes: the probe alone finds the disk healed.
      expect(await store.readiness()).toEqual({ ready: true });
      expect((await store.recordPlayback([playback('after', 'a2-p1', 't3', 6, 0.6)])).accepted).toBe(1);
      // The client's retry of a refused write is new to the store, not a duplicate.
      expect((await store.recordPlayback([playback('lost-3', 'a2-p1', 't4', 5.1, 0.5)])).accepted).toBe(1);
      await store.close();

      expect(await journaledIds(dir)).toEqual(['before', 'after', 'lost-3']);
      const reopened = await EmbeddedStore.open(dir);
      expect(await historyIds(reopened)).toEqual(['after', 'lost-3', 'before', 'e3']);
      await reopened.close();
    },
  );

  it('answers readiness in bounded time while the disk hangs, and comes back when it answers', async () => {
    const disk = new FaultyDisk();
    const { store } = await loadedStore({ journalFs: disk });
    disk.fail('EIO');
    await expect(store.recordPlayback([playback('lost', 'a2-p1', 't3', 5, 0.4)])).rejects.toBeInstanceOf(StorageUnavailableError);
    disk.fail('HANG');
    expect(await store.readiness()).toEqual({ ready: false, reason: expect.stringMatching(/did not finish a probe/) });
    disk.heal();
    await eventually(async () => (await store.readiness()).ready);
    expect((await store.recordPlayback([playback('after', 'a2-p1', 't3', 6, 0.6)])).accepted).toBe(1);
    await store.close();
  });
});

describe('erasure on a failing disk', () => {
  it('is not applied when the disk refuses its record', async () => {
    const disk = new FaultyDisk();
    const { dir, store } = await loadedStore({ journalFs: disk });
    const before = await store.getWatchState('a1-p1');
    disk.fail('ENOSPC');
    await expect(store.eraseViewingHistory('a1-p1', Date.UTC(2026, 9, 1))).rejects.toBeInstanceOf(StorageUnavailableError);
    expect(await store.getWatchState('a1-p1')).toEqual(before);
    disk.heal();
    await store.close();
    const reopened = await EmbeddedStore.open(dir);
    expect(await reopened.getWatchState('a1-p1')).toEqual(before);
    await reopened.close();
  });

  it('holds when the files cannot be rewritten yet, says so, and purges them once the disk takes the rewrite', async () => {
    const disk = new FaultyDisk();
    const { dir, store } = await loadedStore({ journalFs: disk, purgeRetryMs: 20 });
    await store.recordPlayback([playback('mine-1', 'a1-p1', 't3', 4, 0.3), playback('theirs-1', 'a2-p1', 't3', 4, 0.3)]);
    // The erase record fits on the disk; the rewritten journal does not.
    disk.fail('ENOSPC', (file) => file.endsWith('.rewrite'));
    const erased = await store.eraseViewingHistory('a1-p1', Date.UTC(2026, 9, 1));
    expect(erased).toMatchObject({ purgePending: true, profile: { id: 'a1-p1' } });
    expect(erased.playbacks.map((e) => e.eventId).sort()).toEqual(['e1', 'e2', 'mine-1']);
    expect(await store.getWatchState('a1-p1')).toEqual([]);
    expect(await journaledIds(dir)).toContain('mine-1');
    // The failed rewrite leaves the journal as it was: writes carry on meanwhile.
    expect(await store.readiness()).toEqual({ ready: true });
    expect((await store.recordPlayback([playback('theirs-2', 'a2-p1', 't4', 5, 0.3)])).accepted).toBe(1);

    disk.heal();
    await eventually(async () => !(await journaledIds(dir)).includes('mine-1'));
    expect(await journaledIds(dir)).toEqual(['theirs-1', 'theirs-2']);
    await store.close();
  });

  it('still holds after a restart before the purge, which then finishes it', async () => {
    const disk = new FaultyDisk();
    const { dir, store } = await loadedStore({ journalFs: disk });
    await store.recordPlayback([playback('mine-1', 'a1-p1', 't3', 4, 0.3)]);
    disk.fail('ENOSPC', (file) => file.endsWith('.rewrite'));
    expect((await store.eraseViewingHistory('a1-p1', Date.UTC(2026, 9, 1))).purgePending).toBe(true);
    await store.close();

    const reopened = await EmbeddedStore.open(dir);
    expect(await reopened.getWatchState('a1-p1')).toEqual([]);
    expect(await journaledIds(dir)).not.toContain('mine-1');
    await reopened.close();
  });
});

// A real full disk where this machine lets the tests mount one; FaultyDisk covers the same paths everywhere.
const tmpfs = mountTmpfs('1m');
afterAll(() => tmpfs?.unmount());

(tmpfs ? it : it.skip)('on a real full tmpfs: refuses writes with ENOSPC and carries on once space is freed', async () => {
  const { dir, store } = await loadedStore({}, path.join(tmpfs!.dir, 'store'));
  await store.recordPlayback([playback('before', 'a2-p1', 't3', 4, 0.3)]);
  const filler = path.join(tmpfs!.dir, 'filler');
  await fs.writeFile(filler, Buffer.alloc(2 << 20)).catch((err: NodeJS.ErrnoException) => expect(err.code).toBe('ENOSPC'));
  // More than the journal's last page can take without a new block.
  const burst = Array.from({ length: 60 }, (_, i) => playback(`lost-${i}`, 'a2-p1', 't4', 5 + i / 100, 0.5));
  await expect(store.recordPlayback(burst)).rejects.toThrow(/ENOSPC/);
  expect(await store.readiness()).toMatchObject({ ready: false });

  await fs.rm(filler);
  expect(await store.readiness()).toEqual({ ready: true });
  expect((await store.recordPlayback(burst)).accepted).toBe(60);
  await store.close();
  const reopened = await EmbeddedStore.open(dir);
  expect((await historyIds(reopened)).length).toBe(62);
  await reopened.close();
});
