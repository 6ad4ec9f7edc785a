import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../../graph/embedded/embedded-store';
import { FaultyDisk } from '../support/faulty-disk';
import { startHarness, type AppHarness } from '../support/app-harness';

const RECORD = 'mutation($events: [PlaybackEventInput!]!) { recordPlayback(events: $events) { accepted duplicates } }';
const ERASE = 'mutation($id: ID!) { deleteViewingHistory(profileId: $id) { playbackEvents impressionEvents purge } }';

/** The API over an embedded store whose disk fails when a test says: what a client sees of a full disk. */
describe('a failing disk, through the API', () => {
  const disk = new FaultyDisk();
  let dir: string;
  let app: AppHarness;
  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'disk-'));
    app = await startHarness({ openStore: () => EmbeddedStore.open(dir, undefined, { journalFs: disk, purgeRetryMs: 20 }) });
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await fs.rm(dir, { recursive: true, force: true });
  });
  afterEach(() => disk.heal());

  /** A profile of the world with playbacks, its owner calling. */
  const profileWithHistory = (skip: number) =>
    app.world.profiles.filter((p) => app.world.playbacks.filter((e) => e.profileId === p.id).length >= 3)[skip];

  it('answers a playback recorded while the disk is full with STORE_UNAVAILABLE (retryable), and records the retry once it has space', async () => {
    const profile = profileWithHistory(0);
    const titleId = app.world.playbacks.find((e) => e.profileId === profile.id)!.titleId;
    const events = [{ eventId: 'full-1', profileId: profile.id, titleId, progress: 0.4, device: 'TV' }];
    disk.fail('ENOSPC');
    const refused = await app.run(RECORD, { events }, { ownerOf: profile.id });
    expect(refused.data).toBeNull();
    expect(refused.errors).toEqual([
      expect.objectContaining({
        message: expect.not.stringContaining(dir),
        extensions: expect.objectContaining({ code: 'STORE_UNAVAILABLE', retryable: true }),
      }),
    ]);
    expect((await app.services.store.readiness()).ready).toBe(false);

    disk.heal();
    expect(await app.services.store.readiness()).toEqual({ ready: true });
    expect((await app.run(RECORD, { events }, { ownerOf: profile.id })).data).toEqual({ recordPlayback: { accepted: 1, duplicates: 0 } });
  });

  it('answers an erasure the disk refused to record with STORE_UNAVAILABLE, erasing nothing', async () => {
    const profile = profileWithHistory(1);
    const before = await app.services.store.getWatchState(profile.id);
    disk.fail('ENOSPC');
    const res = await app.run(ERASE, { id: profile.id }, { ownerOf: profile.id });
    expect(res.errors?.map((e) => e.extensions)).toEqual([expect.objectContaining({ code: 'STORE_UNAVAILABLE', retryable: true })]);
    expect(await app.services.store.getWatchState(profile.id)).toEqual(before);
  });

  it('answers an erasure whose files could not be rewritten yet with purge PENDING, and purges them once the disk takes it', async () => {
    const profile = profileWithHistory(2);
    const plays = app.world.playbacks.filter((e) => e.profileId === profile.id);
    disk.fail('ENOSPC', (file) => file.endsWith('.rewrite'));
    const res = await app.run(ERASE, { id: profile.id }, { ownerOf: profile.id });
    expect(res.errors).toBeUndefined();
    expect(res.data.deleteViewingHistory).toMatchObject({ playbackEvents: plays.length, purge: 'PENDING' });
    expect(await app.services.store.getWatchState(profile.id)).toEqual([]);
    const journal = () => fs.readFile(path.join(dir, 'journal.ndjson'), 'utf8');
    expect(await journal()).toContain('"op":"erase"');
    expect(await journal()).not.toContain('"purged":true');

    disk.heal();
    // The retry runs on a timer; jest's timeout bounds the wait.
    while (!(await journal()).includes('"purged":true')) await new Promise((resolve) => setTimeout(resolve, 20));
    const next = profileWithHistory(3);
    expect((await app.run(ERASE, { id: next.id }, { ownerOf: next.id })).data.deleteViewingHistory).toMatchObject({ purge: 'DONE' });
  });
});
