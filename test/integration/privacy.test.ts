import type { HomepageResult } from '../../src/homepage/homepage-service';
import { AFTER_LAST_PLAY, startHarness, type AppHarness } from '../support/app-harness';

const TV = { device: 'TV' as const, localTime: '2026-11-27T20:00' };
const DATA_SUMMARY = `dataSummary { description personalization playbackEvents impressionEvents titlesWatched artworkThemeCounters
  recentlyShownTitles tasteVector firstActivityAt lastActivityAt historyErasedAt onboarding { genres } }`;

/** What a page is made of, leaving out the profile's name (in "Top Picks for …") and the artwork draw. */
const shape = (page: HomepageResult) => page.rows.map((r) => `${r.kind}:${r.items.map((i) => i.titleId).join(',')}`);
const sources = (page: HomepageResult) => new Set(page.rows.flatMap((r) => r.items.flatMap((i) => [...i.sources])));

/**
 * Privacy: erasing a profile's viewing history removes it everywhere and leaves a cold-start
 * homepage; switching personalization off serves the non-personalized page and records nothing.
 */
describe('privacy controls', () => {
  let app: AppHarness;
  // The server's clock an hour after the world's last play: its four-week statistics then hold the world's last weeks.
  const now = AFTER_LAST_PLAY;
  beforeAll(async () => (app = await startHarness({ clock: () => now, cacheSeconds: 60 })), 120_000);
  afterAll(() => app.close());

  /** A warm adult profile with impressions and plays, in an account with room for a twin profile to compare with. */
  function warmProfile(skip: number) {
    return app.world.profiles.filter(
      (p) =>
        !p.isKids &&
        app.world.profiles.filter((q) => q.accountId === p.accountId).length <= 4 &&
        app.world.playbacks.filter((e) => e.profileId === p.id).length >= 10 &&
        app.world.impressions.some((e) => e.profileId === p.id),
    )[skip];
  }

  /** A new profile with the same settings, created through the API: what a cold start looks like for this viewer. */
  async function twin(profileId: string): Promise<string> {
    const [p] = await app.services.store.getProfiles([profileId]);
    const res = await app.run(
      'mutation($input: NewProfileInput!) { createProfile(input: $input) { id } }',
      { input: { name: `Twin of ${p!.name}`, isKids: p!.isKids, maturityLimit: p!.maturityLimit, language: p!.language } },
      { ownerOf: profileId },
    );
    expect(res.errors).toBeUndefined();
    return res.data.createProfile.id;
  }

  const summary = async (profileId: string) => {
    const res = await app.run(`query($id: ID!) { profile(id: $id) { ${DATA_SUMMARY} } }`, { id: profileId }, { ownerOf: profileId });
    expect(res.errors).toBeUndefined();
    return res.data.profile.dataSummary;
  };

  it('erases the history from the store, the feature store, the vectors and the caches; the next homepage is the cold-start one', async () => {
    const profile = warmProfile(0);
    const plays = app.world.playbacks.filter((e) => e.profileId === profile.id);
    const before = await summary(profile.id);
    expect(before).toMatchObject({ personalization: true, tasteVector: 'TRAINED', historyErasedAt: null });
    expect(before.playbackEvents).toBe(plays.length);
    expect(before.impressionEvents).toBeGreaterThan(0);
    expect(before.description).toMatch(/playback reports of \d+ titles/);
    const warmPage = await app.services.homepage.homepage(profile.id, TV);
    expect(sources(warmPage).has('COLLABORATIVE')).toBe(true);

    const res = await app.run(
      'mutation($id: ID!) { deleteViewingHistory(profileId: $id) { erasedAt playbackEvents impressionEvents purge } }',
      { id: profile.id },
      { ownerOf: profile.id },
    );
    expect(res).toEqual({
      data: {
        deleteViewingHistory: {
          erasedAt: new Date(now).toISOString(),
          playbackEvents: plays.length,
          impressionEvents: before.impressionEvents,
          purge: 'DONE',
        },
      },
    });

    const after = await summary(profile.id);
    expect(after).toMatchObject({
      playbackEvents: 0,
      impressionEvents: 0,
      titlesWatched: 0,
      artworkThemeCounters: 0,
      recentlyShownTitles: 0,
      tasteVector: 'NONE',
      firstActivityAt: null,
      lastActivityAt: null,
      personalization: true,
      onboarding: null,
    });
    expect(after.historyErasedAt).toBe(new Date(now).toISOString());
    expect(after.description).toMatch(
      /^No viewing activity is stored, and no taste vector\. Personalization is on\. History was erased on/,
    );
    const history = await app.run(
      'query($id: ID!) { profile(id: $id) { viewingHistory(first: 50) { eventId } } }',
      { id: profile.id },
      { ownerOf: profile.id },
    );
    expect(history.data.profile.viewingHistory).toEqual([]);
    expect(await app.services.store.getWatchState(profile.id)).toEqual([]);
    expect((await app.services.store.playbacksSince(0)).some((e) => e.profileId === profile.id)).toBe(false);
    expect(app.services.models.now.collaborative.vectorSource(profile.id, [])).toBe('NONE');

    // The next homepage (the 60 s cache notwithstanding) is exactly the page a new profile with the same settings gets.
    const erasedPage = await app.services.homepage.homepage(profile.id, TV);
    const cold = await app.services.homepage.homepage(await twin(profile.id), TV);
    expect(sources(erasedPage).has('COLLABORATIVE')).toBe(false);
    expect(erasedPage.rows.map((r) => r.kind)).not.toContain('CONTINUE_WATCHING');
    expect(shape(erasedPage)).toEqual(shape(cold));
    expect(shape(erasedPage)).not.toEqual(shape(warmPage));

    // A late retry of an erased report does not bring it back.
    const retry = await app.services.playback.record([
      {
        eventId: plays[0].eventId,
        profileId: profile.id,
        titleId: plays[0].titleId,
        progress: plays[0].progress,
        device: 'TV',
        occurredAt: new Date(plays[0].occurredAt),
      },
    ]);
    expect(retry).toMatchObject({ accepted: 0, ignored: 1 });
    // New viewing after the erasure is recorded and personalizes again.
    const fresh = await app.services.playback.record([
      { eventId: 'after-erasure-1', profileId: profile.id, titleId: plays[0].titleId, progress: 0.4, device: 'TV' },
    ]);
    expect(fresh).toMatchObject({ accepted: 1, ignored: 0 });
    expect((await summary(profile.id)).tasteVector).toBe('FOLDED_IN');
  });

  it('takes the erased plays and impressions out of the shared aggregates, and only those', async () => {
    const profile = warmProfile(1);
    const plays = app.world.playbacks.filter((e) => e.profileId === profile.id);
    const shown = app.world.impressions.filter((e) => e.profileId === profile.id);
    // The title it was shown last, and the ranker's four-week statistics as of then.
    const last = shown.reduce((a, b) => (b.occurredAt > a.occurredAt ? b : a));
    const { titleId } = last;
    const mine = shown.filter((e) => e.titleId === titleId).length;
    const evidence = () => app.services.features.evidence(titleId, last.occurredAt);
    const artwork = async () => (await app.services.store.artworkStats([titleId])).reduce((n, a) => n + a.shown, 0);
    const [evidenceBefore, artworkBefore] = [evidence(), await artwork()];
    await app.services.privacy.eraseHistory((await app.services.store.getProfiles([profile.id]))[0]!);
    expect(await artwork()).toBe(artworkBefore - mine);
    // Counted: within the statistics' four weeks of `last`, and within those of the server's clock (what it read at start).
    const recent = shown.filter(
      (e) => e.titleId === titleId && e.occurredAt > last.occurredAt - 27 * 86_400_000 && e.occurredAt >= now - 28 * 86_400_000,
    ).length;
    expect(recent).toBeGreaterThan(0);
    expect(evidence().impressions).toBe(evidenceBefore.impressions - recent);
    expect(plays.length).toBeGreaterThan(0);
  });

  it('serves the non-personalized page and records nothing while personalization is off, and resumes when it is on', async () => {
    const profile = warmProfile(2);
    const set = (enabled: boolean) =>
      app.run(
        'mutation($id: ID!, $on: Boolean!) { setPersonalization(profileId: $id, enabled: $on) { id personalization } }',
        { id: profile.id, on: enabled },
        { ownerOf: profile.id },
      );
    const warm = await app.services.homepage.homepage(profile.id, TV);
    const stored = await summary(profile.id);

    expect((await set(false)).data.setPersonalization).toEqual({ id: profile.id, personalization: false });
    const off = await app.services.homepage.homepage(profile.id, TV);
    expect(shape(off)).toEqual(shape(await app.services.homepage.homepage(await twin(profile.id), TV)));
    expect(sources(off).has('COLLABORATIVE')).toBe(false);

    const titleId = app.world.titles[3].id;
    const play = await app.run(
      'mutation($e: [PlaybackEventInput!]!) { recordPlayback(events: $e) { accepted duplicates ignored } }',
      { e: [{ eventId: 'opted-out-1', profileId: profile.id, titleId, progress: 0.5, device: 'TV' }] },
      { ownerOf: profile.id },
    );
    expect(play).toEqual({ data: { recordPlayback: { accepted: 0, duplicates: 0, ignored: 1 } } });
    const item = off.rows[0].items[0];
    const imp = await app.services.impressions.record([
      {
        eventId: 'opted-out-i1',
        profileId: profile.id,
        titleId: item.titleId,
        artworkId: item.artworkId,
        requestId: off.requestId,
        rowIndex: 0,
        position: 0,
        device: 'TV',
      },
    ]);
    expect(imp).toMatchObject({ accepted: 0, ignored: 1 });
    // Stored history is kept, untouched, while off.
    const whileOff = await summary(profile.id);
    expect(whileOff).toMatchObject({
      personalization: false,
      playbackEvents: stored.playbackEvents,
      impressionEvents: stored.impressionEvents,
    });
    expect(whileOff.description).toContain('Personalization is off: nothing new is recorded');

    expect((await set(true)).data.setPersonalization.personalization).toBe(true);
    expect(shape(await app.services.homepage.homepage(profile.id, TV))).toEqual(shape(warm));
    expect(
      await app.services.playback.record([{ eventId: 'opted-in-1', profileId: profile.id, titleId, progress: 0.5, device: 'TV' }]),
    ).toMatchObject({ accepted: 1, ignored: 0 });
  });
});
