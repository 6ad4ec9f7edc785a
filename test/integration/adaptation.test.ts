import type { HomepageResult } from '../../src/homepage/homepage-service';
import { AFTER_LAST_PLAY, startHarness, type AppHarness } from '../support/app-harness';
import { DAY_MS } from '../../src/shared/time';

/**
 * Recent behaviour weighs heavily: a genre a profile starts watching shows on its homepage
 * within the session, and fades once the profile goes back to its older taste.
 */
describe('real-time adaptation', () => {
  let app: AppHarness;
  let now = AFTER_LAST_PLAY;
  beforeAll(async () => (app = await startHarness({ clock: () => now })), 120_000);
  afterAll(() => app.close());

  const TV = { device: 'TV' as const, localTime: '2026-11-27T20:00' };
  const genreRows = (page: HomepageResult) => page.rows.filter((r) => r.kind === 'GENRE').map((r) => r.displayTitle);
  const mentions = (page: HomepageResult, genre: string) =>
    page.rows
      .slice(0, 6)
      .flatMap((r) => r.items.slice(0, 6))
      .filter((i) => app.services.catalog.get(i.titleId)!.genres.includes(genre)).length;

  it('shows a genre new to the profile within the session, and lets it fade when older taste returns', async () => {
    const profile = app.world.profiles.find((p) => !p.isKids && app.world.playbacks.filter((e) => e.profileId === p.id).length >= 15)!;
    const watched = new Set(
      app.world.playbacks.filter((e) => e.profileId === profile.id).flatMap((e) => app.services.catalog.get(e.titleId)!.genres),
    );
    const counts = new Map<string, number>();
    for (const t of app.world.titles) for (const g of t.genres) counts.set(g, (counts.get(g) ?? 0) + 1);
    const genre = [...counts].filter(([g, n]) => !watched.has(g) && n >= 15).sort((a, b) => b[1] - a[1])[0][0];
    const before = await app.services.homepage.homepage(profile.id, TV);
    expect(genreRows(before)).not.toContain(genre);

    // Three episodes of the new genre, minutes apart, in one session.
    const fresh = app.world.titles.filter((t) => t.genres[0] === genre).slice(0, 3);
    for (const [k, t] of fresh.entries()) {
      await app.services.playback.record([
        {
          eventId: `adapt-new-${k}`,
          profileId: profile.id,
          titleId: t.id,
          progress: 0.8,
          device: 'TV',
          occurredAt: new Date(now + k * 60_000),
        },
      ]);
    }
    now += 10 * 60_000;
    const during = await app.services.homepage.homepage(profile.id, TV);
    expect(genreRows(during)).toContain(genre);
    expect(mentions(during, genre)).toBeGreaterThan(mentions(before, genre));

    // Weeks later, after plays of what the profile always watched, the new genre has faded.
    const usual = app.world.playbacks.filter((e) => e.profileId === profile.id).map((e) => e.titleId);
    for (let day = 1; day <= 40; day += 3) {
      now += 3 * DAY_MS;
      const titleId = usual[day % usual.length];
      await app.services.playback.record([
        { eventId: `adapt-old-${day}`, profileId: profile.id, titleId, progress: 0.6, device: 'TV', occurredAt: new Date(now) },
      ]);
    }
    const later = await app.services.homepage.homepage(profile.id, TV);
    // Measured on the test world (Comedy): 6 of the top rows' first titles before, 12 right after (and a Comedy row), 4 six weeks later.
    expect(genreRows(later)).not.toContain(genre);
    expect(mentions(later, genre)).toBeLessThan(mentions(during, genre));
  });
});
