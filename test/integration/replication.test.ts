import type { DomainChanges } from '../../src/domain/changes';
import type { PlaybackEvent, Profile } from '../../src/domain/types';
import { RedisLink } from '../../src/server/shared-state/redis-link';
import { Replication } from '../../src/server/shared-state/replication';
import { ChangeFeed } from '../../src/shared/change-feed';
import { describeRedis, startRedis, type RedisProcess } from '../support/redis';

const owner: Profile = { id: 'p1', accountId: 'a1', name: 'P', isKids: false, maturityLimit: 'ADULTS', language: 'en', createdAt: 0 };
const play = (eventId: string, profileId = 'p1'): PlaybackEvent => ({
  eventId,
  profileId,
  titleId: 't1',
  occurredAt: 1_000,
  progress: 0.5,
  device: 'TV',
  sessionId: null,
});

/** One replica as the shared stream sees it: its change feed, and what it applied of the others' changes. */
interface Replica {
  changes: ChangeFeed<DomainChanges>;
  applied: { kind: string; change: unknown }[];
  rebuilds: number;
  replication: Replication;
}

async function replica(url: string): Promise<Replica> {
  const changes = new ChangeFeed<DomainChanges>();
  const r: Partial<Replica> = { changes, applied: [], rebuilds: 0 };
  r.replication = new Replication({
    link: new RedisLink({ url }),
    changes,
    apply: async (kind, change) => void r.applied!.push({ kind, change }),
    rebuild: async () => void r.rebuilds!++,
  });
  await r.replication.start();
  return r as Replica;
}

/** Waits until `check` holds, looking every 20 ms at most `boundMs / 20` times (no clock read). */
async function until(check: () => boolean, boundMs = 10_000): Promise<void> {
  for (let attempt = 0; !check(); attempt++) {
    if (attempt >= boundMs / 20) throw new Error(`not so within ${boundMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The replication of changes between replicas through a real Redis, in process. */
describeRedis('replication through a Redis stream', () => {
  let redis: RedisProcess;
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    redis = await startRedis();
    [a, b] = [await replica(redis.url), await replica(redis.url)];
  });
  afterAll(async () => {
    await Promise.all([a, b].map((r) => r?.replication.close()));
    await redis?.stop();
  });

  it("applies each of one replica's changes once on the other, never back on its own, and a resent event never twice", async () => {
    await a.changes.publish('playbacksRecorded', { events: [play('e1'), play('e2')], owners: [owner] });
    // A retry of the same events (the reply was lost), and another profile's event of the same id.
    await a.changes.publish('playbacksRecorded', {
      events: [play('e1'), play('e2'), play('e1', 'p2')],
      owners: [owner, { ...owner, id: 'p2' }],
    });
    await a.changes.publish('profileChanged', { profileId: 'p1' });
    await until(() => b.applied.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(b.applied.map((x) => x.kind)).toEqual(['playbacksRecorded', 'playbacksRecorded', 'profileChanged']);
    const events = b.applied.flatMap((x) =>
      x.kind === 'playbacksRecorded' ? (x.change as DomainChanges['playbacksRecorded']).events : [],
    );
    expect(events.map((e) => `${e.profileId}:${e.eventId}`)).toEqual(['p1:e1', 'p1:e2', 'p2:e1']);
    expect((b.applied[1].change as DomainChanges['playbacksRecorded']).owners.map((p) => p.id)).toEqual(['p2']);
    expect(a.applied).toEqual([]);
  });

  it("hands another replica's change to this replica's caches, and does not send it on again", async () => {
    const heard: string[] = [];
    const off = b.changes.on('titleChanged', ({ titleId }) => void heard.push(titleId));
    await a.changes.publish('titleChanged', { titleId: 't9' });
    await until(() => heard.length === 1);
    off();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(a.applied).toEqual([]);
    expect(heard).toEqual(['t9']);
  });

  it('starts without Redis, serving its own view, and joins the others when Redis comes', async () => {
    const late = await startRedis();
    await late.kill();
    // Start-up waits a bounded time for Redis, then goes on (a start that waited for Redis would never resolve).
    const alone = await replica(late.url);
    expect(alone.replication.status().connected).toBe(false);
    await alone.changes.publish('profileChanged', { profileId: 'p7' });
    expect(alone.replication.status().queued).toBe(1);
    await late.restart();
    const other = await replica(late.url);
    await until(() => alone.replication.status().connected && alone.replication.status().queued === 0, 20_000);
    await alone.changes.publish('titleChanged', { titleId: 't7' });
    await until(() => other.applied.some((x) => x.kind === 'titleChanged'));
    await Promise.all([alone.replication.close(), other.replication.close()]);
    await late.stop();
  });

  it('queues changes while Redis is away; a Redis that comes back empty makes every replica rebuild from the store', async () => {
    await redis.kill();
    await until(() => !a.replication.status().connected && !b.replication.status().connected);
    await a.changes.publish('feedbackChanged', { profileId: 'p1', titleId: 't1' });
    expect(a.replication.status().queued).toBe(1);
    const appliedBefore = b.applied.length;
    await redis.restart();
    await until(() => a.replication.status().rebuilds === 1 && b.replication.status().rebuilds === 1, 20_000);
    // The store has what was queued: it is not sent after the rebuild.
    expect(a.replication.status().queued).toBe(0);
    await a.changes.publish('profileChanged', { profileId: 'p3' });
    await until(() => b.applied.length === appliedBefore + 1);
    expect(b.applied.at(-1)).toEqual({ kind: 'profileChanged', change: { profileId: 'p3' } });
  });
});
