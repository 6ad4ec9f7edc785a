import type { Store } from '../../../graph/store';
import { UnknownProfileError } from '../../../graph/errors';
import { FIXTURE_START } from '../../support/fixture-data';
import { DAY_MS } from '../../../src/shared/time';

const at = (days: number) => FIXTURE_START + days * DAY_MS;

/**
 * Viewer feedback, part of the store contract: one record per (profile, title), changed one
 * control at a time, idempotent, durable across a restart, erased with the history except My
 * List, and counted in the profile's data summary.
 */
export function defineFeedbackCases(store: () => Store, reopen: () => Promise<Store>): void {
  it('keeps each control of a title, idempotently, across a restart', async () => {
    const rated = await store().changeTitleFeedback('a1-p1', 't3', { rating: 'DOWN' }, at(3));
    expect(rated).toEqual({
      profileId: 'a1-p1',
      titleId: 't3',
      rating: 'DOWN',
      ratedAt: at(3),
      notInterestedAt: null,
      myListAt: null,
      hiddenAt: null,
      updatedAt: at(3),
    });
    // The same rating again keeps its time; a second title, a second record.
    expect(await store().changeTitleFeedback('a1-p1', 't3', { rating: 'DOWN' }, at(4))).toEqual(rated);
    await store().changeTitleFeedback('a1-p1', 't1', { myList: true }, at(4));
    await store().changeTitleFeedback('a1-p1', 't1', { myList: true }, at(5));
    await store().changeTitleFeedback('a1-p1', 't1', { notInterested: true }, at(5));
    await store().changeTitleFeedback('a1-p1', 't1', { notInterested: false }, at(6));
    await store().changeTitleFeedback('a1-p1', 't4', { hiddenFromContinueWatching: true }, at(6));
    await store().changeTitleFeedback('a2-p1', 't3', { rating: 'UP' }, at(2));
    await expect(store().changeTitleFeedback('nobody', 't3', { rating: 'UP' }, at(2))).rejects.toBeInstanceOf(UnknownProfileError);

    for (const restart of [false, true]) {
      const s = restart ? await reopen() : store();
      expect(await s.titleFeedback('a1-p1')).toEqual([
        {
          profileId: 'a1-p1',
          titleId: 't1',
          rating: null,
          ratedAt: null,
          notInterestedAt: null,
          myListAt: at(4),
          hiddenAt: null,
          updatedAt: at(6),
        },
        rated,
        {
          profileId: 'a1-p1',
          titleId: 't4',
          rating: null,
          ratedAt: null,
          notInterestedAt: null,
          myListAt: null,
          hiddenAt: at(6),
          updatedAt: at(6),
        },
      ]);
      expect((await s.listTitleFeedback()).map((f) => `${f.profileId}/${f.titleId}`)).toEqual([
        'a1-p1/t1',
        'a1-p1/t3',
        'a1-p1/t4',
        'a2-p1/t3',
      ]);
      expect(await s.profileData('a1-p1')).toMatchObject({ ratings: 1, notInterested: 0, myList: 1 });
    }
  });

  it("reads a viewer's profile, account, watch state and feedback together as each is read alone", async () => {
    const s = store();
    // One record of its own, taken back at the end (the other cases' records may be there or not).
    await s.changeTitleFeedback('a1-p1', 't2', { notInterested: true }, at(6));
    const [profile] = await s.getProfiles(['a1-p1']);
    try {
      const alone = async (profileId: string) => {
        const [[p], watch, feedback] = await Promise.all([
          s.getProfiles([profileId]),
          s.getWatchState(profileId),
          s.titleFeedback(profileId),
        ]);
        return { profile: p, account: await s.getAccount(p!.accountId), watch, feedback };
      };
      for (const profileId of ['a1-p1', 'a2-p1', 'a1-p2']) {
        const expected = await alone(profileId);
        expect(await s.viewerState(profileId)).toEqual(expected);
        expect(await s.viewerState(profileId, expected.profile!.accountId)).toEqual(expected);
      }
      expect((await s.viewerState('a1-p1')).watch.length).toBeGreaterThan(0);
      expect((await s.viewerState('a1-p1')).feedback.length).toBeGreaterThan(0);
      expect(await s.viewerState('nobody')).toEqual({ profile: null, account: null, watch: [], feedback: [] });
      // Asked for by another account: the profile (for its FORBIDDEN) and nothing else of it.
      expect(await s.viewerState('a1-p1', 'a2')).toEqual({ profile, account: null, watch: [], feedback: [] });
      // With personalization off nothing the profile watched is read; its feedback still is (the controls it set).
      await s.updateProfile({ ...profile!, personalizationOff: true });
      const off = await alone('a1-p1');
      expect(await s.viewerState('a1-p1')).toEqual({ ...off, watch: [] });
    } finally {
      await s.updateProfile(profile!);
      await s.changeTitleFeedback('a1-p1', 't2', { notInterested: false }, at(7));
    }
  });

  it('drops a record once every control is taken back', async () => {
    await store().changeTitleFeedback('a2-p1', 't1', { rating: 'UP' }, at(1));
    expect(await store().changeTitleFeedback('a2-p1', 't1', { rating: 'DOWN' }, at(2))).toMatchObject({ rating: 'DOWN', ratedAt: at(2) });
    expect(await store().changeTitleFeedback('a2-p1', 't1', { rating: null }, at(3))).toBeNull();
    expect(await store().changeTitleFeedback('a2-p1', 't1', { myList: false }, at(3))).toBeNull();
    expect(await (await reopen()).titleFeedback('a2-p1')).toEqual([]);
  });

  it('serialises concurrent changes of one title', async () => {
    await Promise.all([
      store().changeTitleFeedback('a2-p1', 't3', { rating: 'UP' }, at(1)),
      store().changeTitleFeedback('a2-p1', 't3', { myList: true }, at(1)),
      store().changeTitleFeedback('a2-p1', 't3', { notInterested: true }, at(1)),
      store().changeTitleFeedback('a2-p1', 't3', { hiddenFromContinueWatching: true }, at(1)),
    ]);
    expect(await store().titleFeedback('a2-p1')).toEqual([
      {
        profileId: 'a2-p1',
        titleId: 't3',
        rating: 'UP',
        ratedAt: at(1),
        notInterestedAt: at(1),
        myListAt: at(1),
        hiddenAt: at(1),
        updatedAt: at(1),
      },
    ]);
  });

  it('erases thumbs, "not interested" and Continue Watching removals with the history, keeping My List', async () => {
    // Rated after it was listed: the kept record's time goes back to the listing's.
    await store().changeTitleFeedback('a1-p1', 't1', { rating: 'UP' }, at(2.5));
    await store().changeTitleFeedback('a1-p1', 't1', { myList: true }, at(2));
    await store().changeTitleFeedback('a1-p1', 't3', { notInterested: true }, at(2));
    await store().changeTitleFeedback('a1-p1', 't4', { hiddenFromContinueWatching: true }, at(2));
    await store().changeTitleFeedback('a2-p1', 't3', { rating: 'DOWN' }, at(2));
    await store().eraseViewingHistory('a1-p1', at(3));
    for (const restart of [false, true]) {
      const s = restart ? await reopen() : store();
      expect(await s.titleFeedback('a1-p1')).toEqual([
        {
          profileId: 'a1-p1',
          titleId: 't1',
          rating: null,
          ratedAt: null,
          notInterestedAt: null,
          myListAt: at(2),
          hiddenAt: null,
          updatedAt: at(2),
        },
      ]);
      expect(await s.titleFeedback('a2-p1')).toMatchObject([{ titleId: 't3', rating: 'DOWN' }]);
      expect(await s.profileData('a1-p1')).toMatchObject({ ratings: 0, notInterested: 0, myList: 1 });
    }
  });
}
