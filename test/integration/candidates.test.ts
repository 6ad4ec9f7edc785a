import { allowedFor } from '../../src/domain/types';
import { CANDIDATE_SOURCES } from '../../src/pipeline/candidates';
import { DecayedCounter } from '../../src/retrieval/trending';
import { SOURCE_FLOORS } from '../../src/retrieval/retrieval-plan';
import { startHarness, type AppHarness } from '../support/app-harness';
import { DAY_MS } from '../../src/shared/time';

const RECORD = `mutation($events: [PlaybackEventInput!]!) { recordPlayback(events: $events) { accepted } }`;

describe('candidate generation on the small world', () => {
  let app: AppHarness;
  beforeAll(async () => (app = await startHarness()));
  afterAll(async () => app.close());

  const adult = () => app.world.profiles.filter((p) => !p.isKids);

  it("unions 300 fused de-duplicated candidates beside the sources' floors, each tagged with its sources and their scores", async () => {
    const profile = adult()[3];
    const candidates = await app.services.models.now.retrieval.generate(await app.services.homepage.request(profile.id));
    expect(candidates.length).toBeGreaterThan(300);
    expect(candidates.length).toBeLessThanOrEqual(300 + Object.values(SOURCE_FLOORS).reduce((a, b) => a + b, 0));
    expect(new Set(candidates.map((c) => c.title.id)).size).toBe(candidates.length);
    for (const c of candidates) {
      expect(c.sources.size).toBeGreaterThan(0);
      for (const [source, score] of c.sources) {
        expect(CANDIDATE_SOURCES).toContain(source);
        expect(Number.isFinite(score)).toBe(true);
      }
    }
    const sources = new Set(candidates.flatMap((c) => [...c.sources.keys()]));
    for (const s of ['COLLABORATIVE', 'CONTENT', 'TRENDING'] as const) expect(sources).toContain(s);
  });

  it("keeps a kids profile's maturity limit in every source", async () => {
    for (const kid of app.world.profiles.filter((p) => p.isKids).slice(0, 5)) {
      const req = await app.services.homepage.request(kid.id);
      for (const source of CANDIDATE_SOURCES) {
        const found = await app.services.models.now.retrieval.only(source, 300).generate(req);
        for (const c of found) expect(allowedFor(kid.maturityLimit, c.title.maturityTier)).toBe(true);
      }
    }
  });

  it("counts plays into trending at once, in the player's country", async () => {
    const country = app.world.accounts[0].country;
    const locals = app.world.profiles.filter((p) => !p.isKids && app.world.accounts.find((a) => a.id === p.accountId)!.country === country);
    const viewer = locals[0];
    const trendingIds = async () =>
      (await app.services.models.now.retrieval.only('TRENDING', 40).generate(await app.services.homepage.request(viewer.id))).map(
        (c) => c.title.id,
      );
    const before = await trendingIds();
    const obscure = app.world.titles.find(
      (t) => t.maturityTier !== 'ADULTS' && !before.includes(t.id) && !app.world.playbacks.some((e) => e.titleId === t.id),
    )!;
    for (const [i, p] of locals.slice(1, 9).entries()) {
      const events = [0, 1, 2].map((k) => ({
        eventId: `trend-${i}-${k}`,
        profileId: p.id,
        titleId: obscure.id,
        progress: 0.5,
        device: 'TV',
      }));
      expect((await app.run(RECORD, { events }, { ownerOf: p.id })).errors).toBeUndefined();
    }
    expect(await trendingIds()).toContain(obscure.id);
  });
});

describe('decayed counters', () => {
  it('keep the same order whether updated play by play or rebuilt from scratch', () => {
    const plays = Array.from({ length: 400 }, (_, i) => ({ title: `t${(i * 7919) % 37}`, at: ((i % 50) * DAY_MS) / 5 }));
    const live = new DecayedCounter(3);
    live.top('KR', 0, 10, () => true); // builds the cached order early, so every later play repositions
    for (const p of plays) live.note('KR', p.title, p.at);
    const rebuilt = new DecayedCounter(3);
    for (const p of plays) rebuilt.note('KR', p.title, p.at);
    const now = 10 * DAY_MS;
    const a = live.top('KR', now, 37, () => true);
    const b = rebuilt.top('KR', now, 37, () => true);
    expect(a.map((x) => x.titleId)).toEqual(b.map((x) => x.titleId));
    a.forEach((x, i) => expect(x.score).toBeCloseTo(b[i].score, 9));
  });
});
