import type { Store } from '../../../graph/store';
import { FIXTURE_START, impression, playback } from '../../support/fixture-data';
import { DAY_MS } from '../../../src/shared/time';

const DAY_4 = FIXTURE_START + 4 * DAY_MS;
const ids = (events: { eventId: string; profileId: string }[]) => events.map((e) => [e.eventId, e.profileId]);

/**
 * An event is identified by its profile and its id, part of the store contract: event ids are
 * chosen by clients, so the same id on another account's profile is another event, never a
 * duplicate (which would tell one account what ids another has, and drop the other's event).
 * The fixture's a1-p1 (account a1) has e1, e2 and i1; a2-p1 (account a2) has e3 and i2.
 */
export function defineEventIdentityCases(store: () => Store, reopen: () => Promise<Store>): void {
  it("takes another account's event id as a new event, and a repeat on the same profile as a duplicate", async () => {
    const play = playback('e1', 'a2-p1', 't4', 4, 0.3);
    const shown = impression('i1', 'a2-p1', 't4', 4);
    expect(await store().recordPlayback([play])).toEqual({ accepted: 1, duplicates: 0, acceptedEvents: [play] });
    expect(await store().recordImpressions([shown])).toEqual({ accepted: 1, duplicates: 0, acceptedEvents: [shown] });
    for (const restart of [false, true]) {
      const s = restart ? await reopen() : store();
      expect(await s.recordPlayback([play, playback('e1', 'a1-p1', 't1', 1, 0.4)])).toMatchObject({ accepted: 0, duplicates: 2 });
      expect(await s.recordImpressions([shown, impression('i1', 'a1-p1', 't1', 1)])).toMatchObject({ accepted: 0, duplicates: 2 });
      expect((await s.viewingHistory('a2-p1', 10)).map((e) => [e.eventId, e.titleId])).toEqual([
        ['e1', 't4'],
        ['e3', 't1'],
      ]);
      expect((await s.viewingHistory('a1-p1', 10)).map((e) => [e.eventId, e.titleId])).toEqual([
        ['e2', 't3'],
        ['e1', 't1'],
      ]);
      expect((await s.getWatchState('a2-p1')).map((w) => w.titleId)).toEqual(['t4', 't1']);
      expect(ids(await s.impressionsSince(0))).toEqual([
        ['i1', 'a1-p1'],
        ['i2', 'a2-p1'],
        ['i1', 'a2-p1'],
      ]);
    }
  });

  it('accepts one id on two profiles in one batch as two events, ordered by profile when time and id tie', async () => {
    const mine = playback('b1', 'a1-p1', 't2', 4, 0.5);
    const theirs = playback('b1', 'a2-p1', 't2', 4, 0.5);
    expect(await store().recordPlayback([theirs, mine, { ...mine }])).toEqual({
      accepted: 2,
      duplicates: 1,
      acceptedEvents: [theirs, mine],
    });
    const shownMine = impression('b2', 'a1-p1', 't2', 4);
    const shownTheirs = impression('b2', 'a2-p1', 't2', 4);
    expect(await store().recordImpressions([shownTheirs, shownMine])).toEqual({
      accepted: 2,
      duplicates: 0,
      acceptedEvents: [shownTheirs, shownMine],
    });
    for (const restart of [false, true]) {
      const s = restart ? await reopen() : store();
      expect(await s.playbacksSince(DAY_4)).toStrictEqual([mine, theirs]);
      expect(ids(await s.playsSince(DAY_4))).toEqual(ids([mine, theirs]));
      expect(await s.impressionsSince(DAY_4)).toStrictEqual([shownMine, shownTheirs]);
    }
  });

  it("credits a play only to its own profile's impression of an id, and erases only the erased profile's events", async () => {
    // Both profiles were shown t3's first variant under one impression id, at the same moment.
    await store().recordImpressions([impression('s1', 'a1-p1', 't3', 4), impression('s1', 'a2-p1', 't3', 4)]);
    await store().recordPlayback([playback('c1', 'a2-p1', 't3', 4, 0.2)]);
    const t3a1 = async (s: Store) => (await s.artworkStats(['t3'])).find((a) => a.artworkId === 't3-a1');
    expect(await t3a1(store())).toMatchObject({ shown: 2, taken: 1 });
    // a1-p1's own s1 is not credited yet, whatever happened to a2-p1's: its play credits it.
    await store().recordPlayback([playback('c1', 'a1-p1', 't3', 4, 0.2)]);
    expect(await t3a1(store())).toMatchObject({ shown: 2, taken: 2 });
    const theirThemes = await store().themeStats('a2-p1');

    await store().eraseViewingHistory('a1-p1', FIXTURE_START + 5 * DAY_MS);
    for (const restart of [false, true]) {
      const s = restart ? await reopen() : store();
      expect(await t3a1(s)).toMatchObject({ shown: 1, taken: 1 });
      expect(await s.themeStats('a2-p1')).toEqual(theirThemes);
      expect(ids(await s.playbacksSince(DAY_4))).toEqual([['c1', 'a2-p1']]);
      expect(ids(await s.impressionsSince(DAY_4))).toEqual([['s1', 'a2-p1']]);
      expect(await s.recordPlayback([playback('c1', 'a2-p1', 't3', 4, 0.2)])).toMatchObject({ accepted: 0, duplicates: 1 });
      expect(await s.recordImpressions([impression('s1', 'a2-p1', 't3', 4)])).toMatchObject({ accepted: 0, duplicates: 1 });
    }
  });
}
