import type { Store } from '../../../graph/store';
import type { ImpressionEvent, PlaybackEvent } from '../../../src/domain/types';
import { FIXTURE_START, fixtureData, impression, playback } from '../../support/fixture-data';
import { DAY_MS } from '../../../src/shared/time';

const oldestFirst = (a: { occurredAt: number; eventId: string }, b: { occurredAt: number; eventId: string }) =>
  a.occurredAt - b.occurredAt || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

/** Events whose every field differs from the fixture helpers' defaults, so a dropped or retyped field shows. */
const fullPlayback = (id: string, day: number, sessionId: string | null): PlaybackEvent => ({
  ...playback(id, 'a2-p1', 't4', day, 0.375),
  device: 'PHONE',
  sessionId,
});
const fullImpression = (id: string, day: number, sessionId: string | null): ImpressionEvent => ({
  ...impression(id, 'a1-p1', 't2', day),
  artworkId: 't2-a3',
  device: 'WEB',
  localHour: 7,
  localWeekday: 6,
  requestId: 'req-9',
  rowIndex: 3,
  position: 11,
  sessionId,
});

/**
 * Writes out of time order on purpose: ties in time (in reverse id order), an event older than
 * the whole bulk load, and one on the `since` boundary used below.
 */
function writtenPlaybacks(): PlaybackEvent[] {
  return [fullPlayback('z2', 2, 's-7'), fullPlayback('z1', 2, null), fullPlayback('late', 0.5, 's-8'), fullPlayback('edge', 2.5, null)];
}
function writtenImpressions(): ImpressionEvent[] {
  return [
    fullImpression('j2', 3, 's-1'),
    fullImpression('j1', 3, null),
    fullImpression('late', 0.25, null),
    fullImpression('edge', 2.5, 's-2'),
  ];
}

/** A deterministic shuffle (no Math.random, so a failure reproduces). */
function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * playbacksSince / impressionsSince, part of the store contract. `store` gives the suite's
 * current store (loaded with the fixture); `reopen` restarts it and makes the new one current.
 */
export function defineEventsSinceCases(store: () => Store, reopen: () => Promise<Store>): void {
  it('lists bulk-loaded playbacks and impressions since a moment, oldest first, exactly as written', async () => {
    const data = fixtureData();
    expect(await store().playbacksSince(FIXTURE_START)).toStrictEqual([...data.playbacks].sort(oldestFirst));
    expect(await store().impressionsSince(FIXTURE_START)).toStrictEqual([...data.impressions].sort(oldestFirst));
    // `since` is inclusive: an event exactly at it is in, one a millisecond earlier is out.
    expect((await store().playbacksSince(FIXTURE_START + 2 * DAY_MS)).map((e) => e.eventId)).toEqual(['e2', 'e3']);
    expect((await store().playbacksSince(FIXTURE_START + 2 * DAY_MS + 1)).map((e) => e.eventId)).toEqual(['e3']);
    expect((await store().impressionsSince(FIXTURE_START + 3 * DAY_MS)).map((e) => e.eventId)).toEqual(['i2']);
    expect(await store().impressionsSince(FIXTURE_START + 3 * DAY_MS + 1)).toEqual([]);
    expect(await store().playbacksSince(FIXTURE_START + 10 * DAY_MS)).toEqual([]);
  });

  it('merges written events into time order, ties by eventId, and keeps them across a restart', async () => {
    const data = fixtureData();
    const plays = writtenPlaybacks();
    const shown = writtenImpressions();
    await store().recordPlayback(plays.slice(0, 2));
    // A read between writes, so a store that orders lazily must merge more than once.
    expect((await store().playbacksSince(FIXTURE_START)).map((e) => e.eventId)).toEqual(['e1', 'e2', 'z1', 'z2', 'e3']);
    await store().recordPlayback(plays.slice(2));
    await store().recordImpressions(shown);
    const allPlays = [...data.playbacks, ...plays].sort(oldestFirst);
    const allShown = [...data.impressions, ...shown].sort(oldestFirst);
    expect(allPlays.map((e) => e.eventId)).toEqual(['late', 'e1', 'e2', 'z1', 'z2', 'edge', 'e3']);
    const check = async () => {
      expect(await store().playbacksSince(0)).toStrictEqual(allPlays);
      expect(await store().impressionsSince(0)).toStrictEqual(allShown);
      const boundary = FIXTURE_START + 2.5 * DAY_MS;
      expect(await store().playbacksSince(boundary)).toStrictEqual(allPlays.filter((e) => e.occurredAt >= boundary));
      expect(await store().impressionsSince(boundary)).toStrictEqual(allShown.filter((e) => e.occurredAt >= boundary));
    };
    await check();
    await reopen();
    await check();
  });

  it('keeps the order whatever order events arrive in, over several batches', async () => {
    // Twelve distinct minutes, three events each, so ties are common; written shuffled in five batches.
    const events = Array.from({ length: 36 }, (_, i) => ({
      ...fullImpression(`s${String(i).padStart(2, '0')}`, 4, i % 2 ? 's' : null),
      occurredAt: FIXTURE_START + 4 * DAY_MS + (i % 12) * 60_000,
    }));
    const order = shuffled(events, 7);
    for (let i = 0; i < order.length; i += 8) {
      await store().recordImpressions(order.slice(i, i + 8));
      if (i === 16) await store().impressionsSince(FIXTURE_START);
    }
    const expected = [...fixtureData().impressions, ...events].sort(oldestFirst);
    for (const minute of [-5000, -1, 0, 5, 7, 11, 12]) {
      const since = FIXTURE_START + 4 * DAY_MS + minute * 60_000;
      expect(await store().impressionsSince(since)).toStrictEqual(expected.filter((e) => e.occurredAt >= since));
    }
  });
}
