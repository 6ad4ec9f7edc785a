import type { Store } from '../../../graph/store';
import { DuplicateProfileError, ProfileLimitError, UnknownProfileError } from '../../../graph/errors';
import type { Profile } from '../../../src/domain/types';
import { FIXTURE_START, impression, playback } from '../../support/fixture-data';
import { DAY_MS } from '../../../src/shared/time';

const newProfile = (id: string, accountId = 'a2'): Profile => ({
  id,
  accountId,
  name: `New ${id}`,
  isKids: false,
  maturityLimit: 'TEENS',
  language: 'en',
  createdAt: FIXTURE_START + DAY_MS,
});

/**
 * Profiles and erasure, part of the store contract: created within an account's limit, updated
 * whole, and a profile's viewing history erased with everything derived from it (and only that),
 * across a restart. `store` gives the suite's current store (loaded with the fixture); `reopen` restarts it.
 */
export function defineProfileCases(store: () => Store, reopen: () => Promise<Store>): void {
  it('creates profiles within the account limit, refusing a taken id and an unknown account', async () => {
    await store().createProfile(newProfile('a2-p2'), 3);
    await expect(store().createProfile(newProfile('a2-p2'), 3)).rejects.toBeInstanceOf(DuplicateProfileError);
    await expect(store().createProfile(newProfile('a9-p1', 'a9'), 3)).rejects.toBeInstanceOf(UnknownProfileError);
    await store().createProfile(newProfile('a2-p3'), 3);
    await expect(store().createProfile(newProfile('a2-p4'), 3)).rejects.toBeInstanceOf(ProfileLimitError);
    await reopen();
    expect((await store().profilesOfAccount('a2')).map((p) => p.id)).toEqual(['a2-p1', 'a2-p2', 'a2-p3']);
    expect((await store().getProfiles(['a2-p2']))[0]).toEqual(newProfile('a2-p2'));
    expect(await store().countProfiles()).toBe(5);
    expect((await store().listProfiles(10, 'a2-p1')).profiles.map((p) => p.id)).toEqual(['a2-p2', 'a2-p3']);
  });

  it('updates a profile whole, onboarding answers and switches included', async () => {
    const [before] = await store().getProfiles(['a1-p1']);
    const after: Profile = {
      ...before!,
      name: 'Renamed',
      maturityLimit: 'TEENS',
      personalizationOff: true,
      onboarding: { genres: ['Crime', 'Drama'], titleIds: ['t3'], completedAt: FIXTURE_START + 5 * DAY_MS },
    };
    await store().updateProfile(after);
    await expect(store().updateProfile({ ...after, id: 'nobody' })).rejects.toBeInstanceOf(UnknownProfileError);
    await expect(store().updateProfile({ ...after, accountId: 'a2' })).rejects.toBeInstanceOf(UnknownProfileError);
    await reopen();
    expect((await store().getProfiles(['a1-p1']))[0]).toEqual(after);
  });

  it('summarises what it stores about a profile', async () => {
    expect(await store().profileData('a1-p1')).toEqual({
      playbacks: 2,
      impressions: 1,
      titles: 2,
      artworkThemes: 3,
      ratings: 0,
      notInterested: 0,
      myList: 0,
      firstEventAt: FIXTURE_START + DAY_MS,
      lastEventAt: FIXTURE_START + 2 * DAY_MS,
    });
    expect(await store().profileData('a1-p2')).toEqual({
      playbacks: 0,
      impressions: 0,
      titles: 0,
      artworkThemes: 0,
      ratings: 0,
      notInterested: 0,
      myList: 0,
      firstEventAt: null,
      lastEventAt: null,
    });
  });

  it("erases a profile's history and what was derived from it, and nothing of other profiles", async () => {
    await store().recordImpressions([impression('x1', 'a1-p1', 't3', 3), impression('x2', 'a2-p1', 't3', 3)]);
    await store().recordPlayback([{ ...playback('xp1', 'a1-p1', 't3', 3, 0.5) }, { ...playback('xp2', 'a2-p1', 't3', 3, 0.3) }]);
    const [before] = await store().getProfiles(['a1-p1']);
    await store().updateProfile({ ...before!, onboarding: { genres: ['Drama'], titleIds: ['t1'], completedAt: FIXTURE_START } });
    const otherBefore = { watch: await store().getWatchState('a2-p1'), themes: await store().themeStats('a2-p1') };
    const erasedAt = FIXTURE_START + 4 * DAY_MS;

    const erased = await store().eraseViewingHistory('a1-p1', erasedAt);
    expect(erased.playbacks.map((e) => e.eventId).sort()).toEqual(['e1', 'e2', 'xp1']);
    expect(erased.impressions.map((e) => e.eventId).sort()).toEqual(['i1', 'x1']);
    expect(erased.profile).toEqual({ ...before, historyDeletedAt: erasedAt });
    await expect(store().eraseViewingHistory('nobody', erasedAt)).rejects.toBeInstanceOf(UnknownProfileError);

    for (const restart of [false, true]) {
      const s = restart ? await reopen() : store();
      expect(await s.getWatchState('a1-p1')).toEqual([]);
      expect(await s.viewingHistory('a1-p1', 50)).toEqual([]);
      expect(await s.themeStats('a1-p1')).toEqual([]);
      expect((await s.playbacksSince(0)).map((e) => e.eventId)).toEqual(['e3', 'xp2']);
      expect((await s.impressionsSince(0)).map((e) => e.eventId)).toEqual(['i2', 'x2']);
      expect((await s.listWatchStates()).map((w) => w.profileId)).toEqual(['a2-p1', 'a2-p1']);
      expect((await s.getProfiles(['a1-p1']))[0]).toEqual({ ...before, historyDeletedAt: erasedAt });
      expect(await s.profileData('a1-p1')).toEqual({
        playbacks: 0,
        impressions: 0,
        titles: 0,
        artworkThemes: 0,
        ratings: 0,
        notInterested: 0,
        myList: 0,
        firstEventAt: null,
        lastEventAt: null,
      });
      // The shared counters lose exactly a1-p1's share: i1 (credited by e1) and x1 (credited by xp1) of t1-a1/t3-a1; x2 stays, credited by xp2.
      expect((await s.artworkStats(['t1', 't3'])).filter((a) => a.artworkId.endsWith('-a1'))).toEqual([
        { titleId: 't1', artworkId: 't1-a1', shown: 0, taken: 0 },
        { titleId: 't3', artworkId: 't3-a1', shown: 1, taken: 1 },
      ]);
      expect(await s.getWatchState('a2-p1')).toEqual(otherBefore.watch);
      expect(await s.themeStats('a2-p1')).toEqual(otherBefore.themes);
    }
    // New history after the erasure is kept as usual.
    await store().recordPlayback([playback('after1', 'a1-p1', 't2', 5, 0.3)]);
    expect((await (await reopen()).getWatchState('a1-p1')).map((w) => w.titleId)).toEqual(['t2']);
  });
}
