import { allowedFor, type MaturityTier } from '../../src/domain/types';
import type { HomepageResult } from '../../src/homepage/homepage-service';
import { AFTER_LAST_PLAY, startHarness, type AppHarness } from '../support/app-harness';

const TV = { device: 'TV' as const, localTime: '2026-11-27T20:00' };

/** Profiles: created and changed through the API, each with its own homepage and its maturity limit everywhere. */
describe('profiles', () => {
  let app: AppHarness;
  const now = AFTER_LAST_PLAY;
  beforeAll(async () => (app = await startHarness({ clock: () => now, cacheSeconds: 60 })), 120_000);
  afterAll(() => app.close());

  const create = (input: Record<string, unknown>, as = 'a1') =>
    app.run(
      'mutation($input: NewProfileInput!) { createProfile(input: $input) { id name isKids maturityLimit language personalization onboarding { genres } } }',
      { input },
      { as },
    );
  const update = (profileId: string, input: Record<string, unknown>) =>
    app.run(
      'mutation($id: ID!, $input: ProfileUpdateInput!) { updateProfile(profileId: $id, input: $input) { id name isKids maturityLimit language } }',
      { id: profileId, input },
      { ownerOf: profileId },
    );
  const tiers = (page: HomepageResult) => page.rows.flatMap((r) => r.items.map((i) => app.services.catalog.get(i.titleId)!.maturityTier));
  /** An account of the small world with room for two more profiles. */
  const roomy = () => app.world.accounts.find((a) => app.world.profiles.filter((p) => p.accountId === a.id).length <= 3)!;

  it("creates a profile in the caller's account with defaults, and validates every field", async () => {
    const account = roomy();
    const first = app.world.profiles.find((p) => p.accountId === account.id)!;
    const made = await create({ name: '  Robin ' }, account.id);
    expect(made.errors).toBeUndefined();
    expect(made.data.createProfile).toMatchObject({
      name: 'Robin',
      isKids: false,
      maturityLimit: 'ADULTS',
      language: first.language,
      personalization: true,
      onboarding: null,
    });
    expect(made.data.createProfile.id).toMatch(new RegExp(`^${account.id}-p[0-9a-f]{8}$`));
    expect((await app.services.store.getProfiles([made.data.createProfile.id]))[0]?.accountId).toBe(account.id);

    const kid = await create({ name: 'Sam', isKids: true }, account.id);
    expect(kid.data.createProfile).toMatchObject({ isKids: true, maturityLimit: 'OLDER_KIDS' });

    const bad: [Record<string, unknown>, string][] = [
      [{ name: '' }, 'input.name'],
      [{ name: 'x'.repeat(41) }, 'input.name'],
      [{ name: 'robin' }, 'input.name'],
      [{ name: 'Kid', isKids: true, maturityLimit: 'ADULTS' }, 'input.maturityLimit'],
      [{ name: 'Lang', language: 'EN' }, 'input.language'],
    ];
    for (const [input, field] of bad) {
      const res = await create(input, account.id);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const count = (await app.services.store.profilesOfAccount(account.id)).length;
    for (let i = count; i < 5; i++) expect((await create({ name: `Extra ${i}` }, account.id)).errors).toBeUndefined();
    const sixth = await create({ name: 'One too many' }, account.id);
    expect(sixth.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect(sixth.errors?.[0].message).toMatch(/at most|5 profiles/);
    expect(await app.services.store.profilesOfAccount(account.id)).toHaveLength(5);
  });

  it('updates name, kids flag, maturity limit and language, and the next homepage applies the limit', async () => {
    const adult = app.world.profiles.find(
      (p) => !p.isKids && p.maturityLimit === 'ADULTS' && app.world.playbacks.some((e) => e.profileId === p.id),
    )!;
    const before = await app.services.homepage.homepage(adult.id, TV);
    expect(tiers(before)).toContain('ADULTS');

    const res = await update(adult.id, { maturityLimit: 'OLDER_KIDS', name: 'Renamed', language: 'fr' });
    expect(res.data.updateProfile).toMatchObject({ name: 'Renamed', maturityLimit: 'OLDER_KIDS', language: 'fr', isKids: false });
    // The cached page (60 s) is dropped: the limit holds on the very next page.
    const after = await app.services.homepage.homepage(adult.id, TV);
    expect(after.rows.length).toBeGreaterThan(2);
    for (const tier of tiers(after)) expect(allowedFor('OLDER_KIDS', tier as MaturityTier)).toBe(true);
    // Rows named after a watched title (Because You Watched …) name only titles within the new limit.
    const named = app.world.titles.filter((t) => !allowedFor('OLDER_KIDS', t.maturityTier)).map((t) => t.name);
    expect(before.rows.some((r) => named.some((n) => r.displayTitle.endsWith(n)))).toBe(true);
    for (const row of after.rows) expect(named.some((n) => row.displayTitle.endsWith(` ${n}`))).toBe(false);
    expect(after.rows[1].displayTitle + after.rows[0].displayTitle).toContain('Renamed');

    // similarTitles with the profile applies it too.
    const adultTitle = app.world.titles.find((t) => t.maturityTier === 'ADULTS')!;
    const similar = await app.run(
      'query($t: ID!, $p: ID) { similarTitles(titleId: $t, profileId: $p, limit: 50) { title { maturityTier } } }',
      { t: adultTitle.id, p: adult.id },
      { ownerOf: adult.id },
    );
    expect(similar.errors).toBeUndefined();
    for (const s of similar.data.similarTitles) expect(allowedFor('OLDER_KIDS', s.title.maturityTier)).toBe(true);

    // Making it a kids profile keeps a kids' limit; an adult limit on a kids profile is refused.
    expect((await update(adult.id, { isKids: true })).data.updateProfile).toMatchObject({ isKids: true, maturityLimit: 'OLDER_KIDS' });
    expect((await update(adult.id, { maturityLimit: 'TEENS' })).errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'input.maturityLimit',
    });
    expect((await update(adult.id, { name: '' })).errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    expect((await app.services.store.getProfiles([adult.id]))[0]).toMatchObject({
      isKids: true,
      maturityLimit: 'OLDER_KIDS',
      name: 'Renamed',
    });
  });

  it("keeps every title of a kids profile's homepage, on every device, within its limit", async () => {
    const kids = app.world.profiles.filter((p) => p.isKids).slice(0, 5);
    for (const kid of kids) {
      for (const device of ['TV', 'PHONE'] as const) {
        const page = await app.services.homepage.homepage(kid.id, { device });
        expect(page.rows.length).toBeGreaterThan(0);
        for (const tier of tiers(page)) expect(allowedFor(kid.maturityLimit, tier as MaturityTier)).toBe(true);
        // Artwork is a variant of the shown (allowed) title.
        for (const item of page.rows.flatMap((r) => r.items)) expect(item.artworkId.startsWith(`${item.titleId}-`)).toBe(true);
      }
    }
  });
});
