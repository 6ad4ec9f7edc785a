import { FEATURE_INDEX } from '../../src/ranking/features/feature-spec';
import { AFTER_LAST_PLAY, startHarness, type AppHarness } from '../support/app-harness';

const PAGE = `query ($id: ID!) { homepage(profileId: $id, context: { device: TV }) { requestId rows { items { title { id } artwork { id } } } } }`;
const RECORD = `mutation ($events: [ImpressionEventInput!]!) { recordImpressions(events: $events) { accepted duplicates } }`;
const PLAYED = `mutation ($events: [PlaybackEventInput!]!) { recordPlayback(events: $events) { accepted } }`;
const tooMany = Array.from({ length: 11 }, (_, i) => ({ experimentId: `e${i}`, variant: 'a' }));

describe('recordImpressions', () => {
  let app: AppHarness;
  beforeAll(async () => {
    app = await startHarness();
  }, 120_000);
  afterAll(() => app.close());

  /** How often the title was shown to the profile, as the ranker's feature reads it. */
  async function timesShown(profileId: string, titleId: string): Promise<number> {
    const req = await app.services.homepage.request(profileId);
    const models = app.services.models.now;
    const candidates = await models.retrieval.generate(req);
    const title = app.services.catalog.get(titleId)!;
    const row = await app.services.features.rows(
      req,
      candidates,
      { collaborative: models.collaborative, neighbours: app.services.similarity.neighbours },
      [title],
    );
    return Math.round(Math.expm1(row[FEATURE_INDEX.get('cross_times_shown_log')!]));
  }

  it("logs what a served page showed, durably and once, and counts it into the ranker's exposure features", async () => {
    const profile = app.world.profiles.find((p) => !p.isKids)!;
    const page = (await app.run(PAGE, { id: profile.id }, { ownerOf: profile.id })).data.homepage;
    // A row with three items: row order is the page builder's business.
    const rowIndex = page.rows.findIndex((r: any) => r.items.length >= 3);
    const shown = page.rows[rowIndex].items.slice(0, 3);
    const before = await timesShown(profile.id, shown[0].title.id);
    const since = AFTER_LAST_PLAY - 1;
    const events = shown.map((item: any, position: number) => ({
      eventId: `imp-${profile.id}-${position}`,
      profileId: profile.id,
      titleId: item.title.id,
      artworkId: item.artwork.id,
      requestId: page.requestId,
      rowIndex,
      position,
      device: 'TV',
    }));
    expect((await app.run(RECORD, { events }, { ownerOf: profile.id })).data.recordImpressions).toEqual({ accepted: 3, duplicates: 0 });
    expect((await app.run(RECORD, { events }, { ownerOf: profile.id })).data.recordImpressions).toEqual({ accepted: 0, duplicates: 3 });
    const stored = (await app.services.store.impressionsSince(since)).filter((e) => e.profileId === profile.id);
    expect(stored.map((e) => [e.titleId, e.artworkId, e.requestId, e.rowIndex, e.position])).toEqual(
      events.map((e: any) => [e.titleId, e.artworkId, page.requestId, rowIndex, e.position]),
    );
    for (const e of stored) expect(e.localHour).toBeGreaterThanOrEqual(0);
    expect(await timesShown(profile.id, shown[0].title.id)).toBe(before + 1);
  });

  it("keeps the page's experiment variants and feeds the artwork bandit: the impression counts, a play within the hour credits it", async () => {
    const profile = app.world.profiles.filter((p) => !p.isKids)[1];
    const page = (await app.run(PAGE, { id: profile.id }, { ownerOf: profile.id })).data.homepage;
    const item = page.rows[0].items[0];
    const since = AFTER_LAST_PLAY - 1;
    const [before] = (await app.services.store.artworkStats([item.title.id])).filter((s) => s.artworkId === item.artwork.id);
    const experiments = [
      { experimentId: 'utility-weights', variant: 'finish-heavy' },
      { experimentId: 'rows', variant: 'control' },
    ];
    const event = {
      eventId: `exp-${profile.id}`,
      profileId: profile.id,
      titleId: item.title.id,
      artworkId: item.artwork.id,
      requestId: page.requestId,
      rowIndex: 0,
      position: 0,
      device: 'TV',
      experiments,
    };
    expect((await app.run(RECORD, { events: [event] }, { ownerOf: profile.id })).data.recordImpressions).toEqual({
      accepted: 1,
      duplicates: 0,
    });
    const stored = (await app.services.store.impressionsSince(since)).find((e) => e.eventId === event.eventId)!;
    expect(stored.experiments).toEqual(experiments);
    expect((await app.services.store.artworkStats([item.title.id])).find((s) => s.artworkId === item.artwork.id)).toEqual({
      ...before,
      shown: before.shown + 1,
    });
    const play = { eventId: `exp-play-${profile.id}`, profileId: profile.id, titleId: item.title.id, progress: 0.1, device: 'TV' };
    expect((await app.run(PLAYED, { events: [play] }, { ownerOf: profile.id })).data.recordPlayback).toEqual({ accepted: 1 });
    expect((await app.services.store.artworkStats([item.title.id])).find((s) => s.artworkId === item.artwork.id)).toEqual({
      ...before,
      shown: before.shown + 1,
      taken: before.taken + 1,
    });
  });

  it.each([
    ['eleven experiments', { experiments: tooMany }, 'events[0].experiments'],
    ['an empty experiment id', { experiments: [{ experimentId: '', variant: 'a' }] }, 'events[0].experiments[0].experimentId'],
    ['a variant over 64 characters', { experiments: [{ experimentId: 'x', variant: 'v'.repeat(65) }] }, 'events[0].experiments[0].variant'],
    [
      'one experiment twice',
      {
        experiments: [
          { experimentId: 'x', variant: 'a' },
          { experimentId: 'x', variant: 'b' },
        ],
      },
      'events[0].experiments',
    ],
    ['artwork of another title', { artworkId: 'OTHER' }, 'events[0].artworkId'],
    ['a negative position', { position: -1 }, 'events[0].position'],
    ['an unknown profile', { profileId: 'nobody' }, 'events[0].profileId'],
    ['an unknown title', { titleId: 'no-such-title' }, 'events[0].titleId'],
    ['an id with spaces around it', { eventId: ' padded' }, 'events[0].eventId'],
  ])('refuses %s with BAD_USER_INPUT naming the field, writing nothing', async (_what, change: Record<string, unknown>, field) => {
    const [title, other] = app.world.titles;
    const event = {
      eventId: 'bad-1',
      profileId: app.world.profiles[0].id,
      titleId: title.id,
      artworkId: title.artwork[0].id,
      requestId: 'r',
      rowIndex: 0,
      position: 0,
      device: 'WEB',
      ...change,
    };
    if (event.artworkId === 'OTHER') event.artworkId = other.artwork[0].id;
    const res = await app.run(RECORD, { events: [event] }, { ownerOf: app.world.profiles[0].id });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect((await app.services.store.impressionsSince(0)).some((e) => e.eventId.trim() === 'bad-1')).toBe(false);
  });

  it('refuses an empty batch', async () => {
    expect((await app.run(RECORD, { events: [] })).errors?.[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});
