import { AFTER_LAST_PLAY, startHarness, type AppHarness } from '../support/app-harness';

/** The homepage cache: one build per (profile, context bucket) within the TTL, dropped by the profile's new events. */
describe('homepage cache', () => {
  let app: AppHarness;
  let now = AFTER_LAST_PLAY;
  let builds: jest.SpyInstance;
  beforeAll(async () => {
    app = await startHarness({ clock: () => now, cacheSeconds: 60 });
    builds = jest.spyOn(app.services.models, 'use');
  }, 120_000);
  afterAll(() => app.close());

  const profile = () => app.world.profiles.find((p) => !p.isKids)!;
  const page = (device: 'TV' | 'PHONE' = 'TV') => app.services.homepage.homepage(profile().id, { device, localTime: '2026-11-27T20:00' });
  const ids = (p: Awaited<ReturnType<typeof page>>) => p.rows.map((r) => r.items.map((i) => i.titleId));

  it('builds a page once per profile and context bucket within the TTL, with a new request id each time', async () => {
    builds.mockClear();
    const first = await page();
    const second = await page();
    expect(builds).toHaveBeenCalledTimes(1);
    expect(ids(second)).toEqual(ids(first));
    expect(second.requestId).not.toBe(first.requestId);
    await page('PHONE');
    expect(builds).toHaveBeenCalledTimes(2);
  });

  it('builds again after the profile plays something, and the page shows it', async () => {
    const before = ids(await page()).flat();
    builds.mockClear();
    const title = app.world.titles.find((t) => t.maturityTier === 'ADULTS' && !before.includes(t.id))!;
    await app.services.playback.record([
      { eventId: 'cache-play-1', profileId: profile().id, titleId: title.id, progress: 0.3, device: 'TV', occurredAt: new Date(now) },
    ]);
    const after = await page();
    expect(builds).toHaveBeenCalledTimes(1);
    expect(after.rows.find((r) => r.kind === 'CONTINUE_WATCHING')!.items.map((i) => i.titleId)).toContain(title.id);
  });

  it("builds again when the profile's settings change in the store, even where this server was not told (another replica)", async () => {
    await page();
    builds.mockClear();
    const [stored] = await app.services.store.getProfiles([profile().id]);
    // Written to the store directly, as another replica's updateProfile would: this server's cache hears nothing of it.
    await app.services.store.updateProfile({ ...stored!, maturityLimit: 'TEENS' });
    const after = await page();
    expect(builds).toHaveBeenCalledTimes(1);
    expect(after.rows.flatMap((r) => r.items).every((i) => app.services.catalog.get(i.titleId)!.maturityTier !== 'ADULTS')).toBe(true);
    await app.services.store.updateProfile(stored!);
  });

  it('builds again after impressions of the profile, and after the TTL', async () => {
    const shown = await page();
    builds.mockClear();
    const item = shown.rows[1].items[0];
    await app.services.impressions.record([
      {
        eventId: 'cache-imp-1',
        profileId: profile().id,
        titleId: item.titleId,
        artworkId: item.artworkId,
        requestId: shown.requestId,
        rowIndex: 1,
        position: 0,
        device: 'TV',
        occurredAt: new Date(now),
      },
    ]);
    await page();
    expect(builds).toHaveBeenCalledTimes(1);
    now += 61_000;
    await page();
    expect(builds).toHaveBeenCalledTimes(2);
  });
});
