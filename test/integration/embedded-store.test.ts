import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { EmbeddedStore } from '../../graph/embedded/embedded-store';
import { defineStoreSuite } from './contracts/store-contract';
import { MessageChannel } from 'node:worker_threads';
import { FollowerStore } from '../../graph/embedded/follower-store';
import { ownerOver, serveFollower } from '../../graph/embedded/owner-channel';
import { portOf } from '../support/message-port';
import { fixtureData, fixtureSimilarity, playback } from '../support/fixture-data';

const tempDir = () => fs.mkdtemp(path.join(os.tmpdir(), 'store-'));

defineStoreSuite('embedded', () => {
  let dir: string;
  return {
    open: async () => EmbeddedStore.open((dir = await tempDir())),
    reopen: async (store) => {
      await store.close();
      return EmbeddedStore.open(dir);
    },
  };
});

/** Batches or replies a follower could not be sent (it would have missed them): none, checked after the suite. */
const lostFollowers: unknown[] = [];

/** A store owned here and a follower of it over a message channel, as a cluster's primary and one worker. */
async function followerOf(owner: EmbeddedStore, dir: string): Promise<FollowerStore> {
  const { port1, port2 } = new MessageChannel();
  const stopServing = serveFollower(owner, portOf(port1), (err) => lostFollowers.push(err));
  const remote = ownerOver(portOf(port2));
  return FollowerStore.following(dir, {
    ...remote,
    close: async () => {
      await remote.close();
      stopServing();
      port1.close();
      port2.close();
      await owner.close();
    },
  });
}

defineStoreSuite('embedded, followed by another process (a cluster worker)', () => {
  let dir: string;
  return {
    open: async () => followerOf(await EmbeddedStore.open((dir = await tempDir())), dir),
    reopen: async (store) => {
      await store.close();
      return followerOf(await EmbeddedStore.open(dir), dir);
    },
  };
});

it('sent every follower every batch and reply', () => expect(lostFollowers).toEqual([]));

describe('embedded store journal', () => {
  it('drops a torn last line (never acknowledged) and keeps everything before it', async () => {
    const dir = await tempDir();
    const store = await EmbeddedStore.open(dir);
    await store.bulkLoad(fixtureData(), fixtureSimilarity());
    await store.recordPlayback([playback('j1', 'a2-p1', 't3', 4, 0.3)]);
    await store.close();
    await fs.appendFile(path.join(dir, 'journal.ndjson'), '{"op":"playback","events":[{"eventId":"j2"');
    const logs: string[] = [];
    const reopened = await EmbeddedStore.open(dir, (m) => logs.push(m));
    expect((await reopened.viewingHistory('a2-p1', 5)).map((e) => e.eventId)).toContain('j1');
    expect(logs.join('\n')).toMatch(/torn/);
    await reopened.recordPlayback([playback('j3', 'a2-p1', 't3', 4.2, 0.5)]);
    await reopened.close();
    const again = await EmbeddedStore.open(dir);
    expect((await again.viewingHistory('a2-p1', 5)).map((e) => e.eventId).slice(0, 2)).toEqual(['j3', 'j1']);
    await again.close();
  });

  it('opens read-only beside its owner: sees acknowledged writes, leaves a line being written alone, refuses writes', async () => {
    const dir = await tempDir();
    const owner = await EmbeddedStore.open(dir);
    await owner.bulkLoad(fixtureData(), fixtureSimilarity());
    await owner.recordPlayback([playback('r1', 'a2-p1', 't3', 4, 0.3)]);
    // The owner is half-way through its next append when the reader opens.
    const partial = '{"op":"playback","events":[{"eventId":"r2"';
    await fs.appendFile(path.join(dir, 'journal.ndjson'), partial);
    const reader = await EmbeddedStore.openReadOnly(dir);
    expect((await reader.viewingHistory('a2-p1', 5)).map((e) => e.eventId)).toContain('r1');
    expect((await fs.readFile(path.join(dir, 'journal.ndjson'), 'utf8')).endsWith(partial)).toBe(true);
    await expect(reader.recordPlayback([playback('r3', 'a2-p1', 't3', 5, 0.5)])).rejects.toThrow(/read-only/);
    await reader.close();
    await owner.close();
  });

  it('refuses to start on a journal damaged before its last line', async () => {
    const dir = await tempDir();
    await fs.writeFile(path.join(dir, 'journal.ndjson'), 'not json\n{"op":"playback","events":[]}\n');
    await expect(EmbeddedStore.open(dir)).rejects.toThrow(/damaged at line 1/);
  });

  it('acknowledges concurrent writes of the same event once', async () => {
    const store = await EmbeddedStore.open(await tempDir());
    await store.bulkLoad(fixtureData(), fixtureSimilarity());
    const e = playback('c1', 'a1-p1', 't4', 4, 0.2);
    const order: string[] = [];
    const outcomes = await Promise.all(
      ['first', 'retry-1', 'retry-2'].map((who) => store.recordPlayback([e]).then((o) => (order.push(who), o))),
    );
    expect(outcomes.reduce((n, o) => n + o.accepted, 0)).toBe(1);
    // A retry is told "duplicate" only once the original is on disk, never before.
    expect(order[0]).toBe('first');
    expect((await store.getWatchState('a1-p1')).find((s) => s.titleId === 't4')?.plays).toBe(1);
    await store.close();
  });
});

describe('embedded store erasure', () => {
  /** Every byte of the store's files, gzipped snapshot files unzipped. */
  async function storedText(dir: string): Promise<string> {
    const files = await fs.readdir(dir, { recursive: true });
    const texts = await Promise.all(
      files.map(async (f) => {
        const file = path.join(dir, f);
        if (!(await fs.stat(file)).isFile()) return '';
        const bytes = await fs.readFile(file);
        return f.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
      }),
    );
    return texts.join('\n');
  }

  it("leaves no erased event in the snapshot or the journal, and keeps everyone else's", async () => {
    const dir = await tempDir();
    const store = await EmbeddedStore.open(dir);
    await store.bulkLoad(fixtureData(), fixtureSimilarity());
    await store.recordPlayback([playback('mine-1', 'a1-p1', 't3', 4, 0.3), playback('theirs-1', 'a2-p1', 't3', 4, 0.3)]);
    const before = await storedText(dir);
    for (const id of ['"e1"', '"e2"', '"i1"', 'mine-1', 'theirs-1']) expect(before).toContain(id);

    await store.eraseViewingHistory('a1-p1', Date.UTC(2026, 9, 1));
    const after = await storedText(dir);
    for (const id of ['"e1"', '"e2"', '"i1"', 'mine-1']) expect(after).not.toContain(id);
    for (const id of ['"e3"', '"i2"', 'theirs-1']) expect(after).toContain(id);
    await store.close();
    expect((await (await EmbeddedStore.open(dir)).viewingHistory('a2-p1', 10)).map((e) => e.eventId)).toEqual(['theirs-1', 'e3']);
  });

  it('finishes at start an erasure acknowledged before a crash', async () => {
    const dir = await tempDir();
    const store = await EmbeddedStore.open(dir);
    await store.bulkLoad(fixtureData(), fixtureSimilarity());
    await store.recordPlayback([playback('mine-1', 'a1-p1', 't3', 4, 0.3)]);
    await store.close();
    // What a crash right after the erase record was synced leaves: the record, and every erased event still on disk.
    const [profile] = fixtureData().profiles.filter((p) => p.id === 'a1-p1');
    await fs.appendFile(
      path.join(dir, 'journal.ndjson'),
      `${JSON.stringify({ op: 'erase', profile: { ...profile, historyDeletedAt: 1 } })}\n`,
    );
    const reopened = await EmbeddedStore.open(dir);
    expect(await reopened.getWatchState('a1-p1')).toEqual([]);
    const text = await storedText(dir);
    for (const id of ['"e1"', '"e2"', '"i1"', 'mine-1']) expect(text).not.toContain(id);
    expect(text).toContain('"purged":true');
    await reopened.close();
  });
});

describe('embedded store snapshot of an older version', () => {
  it('reads accounts saved with a fixed UTC offset, before accounts had time zones, as zones fixed at that offset', async () => {
    const dir = await tempDir();
    const store = await EmbeddedStore.open(dir);
    await store.bulkLoad(fixtureData(), fixtureSimilarity());
    await store.close();
    const file = path.join(dir, 'snapshot', 'population.json');
    const population = JSON.parse(await fs.readFile(file, 'utf8'));
    const offsets: Record<string, number> = { a1: 540, a2: -300 };
    for (const a of population.accounts) {
      delete a.timeZone;
      a.utcOffsetMinutes = offsets[a.id];
    }
    await fs.writeFile(file, JSON.stringify(population));
    const reopened = await EmbeddedStore.open(dir);
    expect(await reopened.getAccount('a1')).toMatchObject({ country: 'KR', timeZone: 'Etc/GMT-9' });
    expect(await reopened.getAccount('a2')).toMatchObject({ country: 'US', timeZone: 'Etc/GMT+5' });
    await reopened.close();
  });
});
