import { startHarness, type AppHarness } from '../support/app-harness';

const RECORD_PLAYBACK = 'mutation($e: [PlaybackEventInput!]!) { recordPlayback(events: $e) { accepted duplicates ignored } }';
const RECORD_IMPRESSIONS = 'mutation($e: [ImpressionEventInput!]!) { recordImpressions(events: $e) { accepted duplicates ignored } }';
const HISTORY = 'query($id: ID!) { profile(id: $id) { viewingHistory(first: 500) { eventId title { id } } } }';

const byId = (a: { eventId: string }, b: { eventId: string }) => (a.eventId < b.eventId ? -1 : 1);

/**
 * Event ids are chosen by clients and scoped to their profile: an account that sends ids another
 * account's profile already has learns nothing about them (no duplicates), and its events land in
 * its own history, leaving the other's alone.
 */
describe('event ids across accounts', () => {
  let app: AppHarness;
  beforeAll(async () => (app = await startHarness()), 120_000);
  afterAll(() => app.close());

  it("records an account's events under ids another account's profile has: no duplicates, in its own history only", async () => {
    const store = app.services.store;
    const adults = app.world.profiles.filter((p) => !p.isKids);
    const mine = adults[0];
    const me = { as: mine.accountId };
    const theirs = adults.find(
      (p) =>
        p.accountId !== mine.accountId &&
        app.world.playbacks.filter((e) => e.profileId === p.id).length >= 3 &&
        app.world.impressions.filter((e) => e.profileId === p.id).length >= 3,
    )!;
    const theirPlays = await store.viewingHistory(theirs.id, 500);
    const theirImpressions = (await store.impressionsSince(0)).filter((e) => e.profileId === theirs.id);
    const title = app.world.titles[0];

    const plays = theirPlays
      .slice(0, 3)
      .map((e) => ({ eventId: e.eventId, profileId: mine.id, titleId: title.id, progress: 0.3, device: 'TV' }));
    const shown = theirImpressions.slice(0, 3).map((e, i) => ({
      eventId: e.eventId,
      profileId: mine.id,
      titleId: title.id,
      artworkId: title.artwork[0].id,
      requestId: 'r-ids',
      rowIndex: 0,
      position: i,
      device: 'TV',
    }));
    expect(plays.map((e) => e.eventId)).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${theirs.id}-e`))]));
    expect(await app.run(RECORD_PLAYBACK, { e: plays }, me)).toEqual({
      data: { recordPlayback: { accepted: 3, duplicates: 0, ignored: 0 } },
    });
    expect(await app.run(RECORD_IMPRESSIONS, { e: shown }, me)).toEqual({
      data: { recordImpressions: { accepted: 3, duplicates: 0, ignored: 0 } },
    });
    // A retry is a duplicate of the account's own events, as ever.
    expect(await app.run(RECORD_PLAYBACK, { e: plays }, me)).toEqual({
      data: { recordPlayback: { accepted: 0, duplicates: 3, ignored: 0 } },
    });
    expect(await app.run(RECORD_IMPRESSIONS, { e: shown }, me)).toEqual({
      data: { recordImpressions: { accepted: 0, duplicates: 3, ignored: 0 } },
    });

    const history = (await app.run(HISTORY, { id: mine.id }, me)).data.profile.viewingHistory as {
      eventId: string;
      title: { id: string };
    }[];
    const ids = new Set(plays.map((e) => e.eventId));
    expect(history.filter((e) => ids.has(e.eventId)).sort(byId)).toEqual(
      plays.map((e) => ({ eventId: e.eventId, title: { id: title.id } })).sort(byId),
    );
    expect((await store.impressionsSince(0)).filter((e) => e.profileId === mine.id && e.requestId === 'r-ids')).toHaveLength(3);
    // The other account's profile is as it was.
    expect(await store.viewingHistory(theirs.id, 500)).toEqual(theirPlays);
    expect((await store.impressionsSince(0)).filter((e) => e.profileId === theirs.id)).toEqual(theirImpressions);
  });
});
