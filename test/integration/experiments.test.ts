import type { Experiment, Lever } from '../../src/domain/experiment';
import type { Profile } from '../../src/domain/types';
import { assignVariant } from '../../src/experiments/assignment';
import type { HomepageResult } from '../../src/homepage/homepage-service';
import { createServices } from '../../src/server/services';
import { DAY_MS } from '../../src/shared/time';
import { AFTER_LAST_PLAY, startHarness, type AppHarness, type Caller } from '../support/app-harness';

const ADMIN = { admin: 'ops' };
const TV = { device: 'TV' as const, localTime: '2026-11-27T20:00' };
const CREATE = `mutation C($input: NewExperimentInput!) { createExperiment(input: $input) { id status kind lever unit trafficShare layerStart variants { name weight settings } } }`;
const START = `mutation S($id: ID!) { startExperiment(id: $id) { id status startedAt } }`;
const STOP = `mutation S($id: ID!) { stopExperiment(id: $id) { id status stoppedAt } }`;

/** A page's titles and artwork, row by row: what tells two pages apart. */
const shape = (page: HomepageResult) => page.rows.map((r) => `${r.kind}:${r.items.map((i) => `${i.titleId}/${i.artworkId}`).join(',')}`);
const titlesOnly = (page: HomepageResult) => page.rows.map((r) => `${r.kind}:${r.items.map((i) => i.titleId).join(',')}`);

/**
 * Experiments end to end on the small world (embedded store, page cache on): the admin API and
 * its coded errors, each lever changing the page of the same profile in the same context, the
 * exposure stored once a day, the eligibility rule, assignment agreed by two servers on one store,
 * interleaving's credit, and the results computed from the stored events.
 */
describe('experiments', () => {
  let app: AppHarness;
  let now = AFTER_LAST_PLAY;
  let counter = 0;
  beforeAll(async () => {
    app = await startHarness({ clock: () => now, cacheSeconds: 60 });
  }, 180_000);
  afterAll(() => app.close());

  const adults = () => app.world.profiles.filter((p) => !p.isKids && !p.personalizationOff);
  const page = (profile: Profile) => app.services.homepage.homepage(profile.id, TV);
  /** An experiment of two equal arms, each `[name, settings]`, with `extra` fields. */
  const twoArms = (id: string, lever: Lever, arms: [string, Record<string, unknown>][], extra: Record<string, unknown> = {}) => ({
    id,
    description: 'd',
    hypothesis: 'h',
    lever,
    primaryMetric: 'WATCH_MINUTES',
    variants: arms.map(([name, settings]) => ({ name, weight: 0.5, settings })),
    ...extra,
  });
  const create = async (input: Record<string, unknown>) => expect((await app.run(CREATE, { input }, ADMIN)).errors).toBeUndefined();

  /** A salt under which `profile` draws `variant` (the hash is public, so a test can aim). */
  function saltFor(e: Pick<Experiment, 'id' | 'unit' | 'lever' | 'variants' | 'layer'>, profile: Profile, variant: string): string {
    for (let i = 0; ; i++) {
      const salt = `${e.id}-${i}`;
      if (assignVariant({ ...e, salt }, { accountId: profile.accountId, profileId: profile.id }) === variant) return salt;
    }
  }

  /** Runs an experiment on `lever` with `variants`, whose salt puts `profile` in `variant`; returns the page it gets and stops it. */
  async function pageUnder(
    profile: Profile,
    lever: Lever,
    variants: { name: string; settings: Record<string, unknown> }[],
    variant: string,
  ) {
    const id = `lever-${++counter}`;
    const weighted = variants.map((v) => ({ ...v, weight: 1 / variants.length }));
    const salt = saltFor({ id, unit: 'PROFILE', lever, variants: weighted, layer: { start: 0, end: 1 } }, profile, variant);
    const input = {
      id,
      description: `${lever} test`,
      hypothesis: 'pages differ',
      lever,
      unit: 'PROFILE',
      salt,
      variants: weighted,
      primaryMetric: 'WATCH_MINUTES',
    };
    await create(input);
    expect((await app.run(START, { id }, ADMIN)).errors).toBeUndefined();
    const first = await page(profile);
    const again = await page(profile);
    const exposures = await app.services.store.exposuresOf(id);
    expect((await app.run(STOP, { id }, ADMIN)).errors).toBeUndefined();
    return { id, first, again, exposures };
  }

  const LEVERS: [Lever, Record<string, unknown>, Record<string, unknown>, (p: HomepageResult) => string[]][] = [
    ['RANKER', {}, { model: 'HEURISTIC' }, titlesOnly],
    ['RANKER', {}, { utility: { click: 1, finish: 0, ret: 8 } }, titlesOnly],
    ['SOURCES', {}, { off: ['COLLABORATIVE', 'CONTENT'] }, titlesOnly],
    ['EXPLORATION', { share: 0 }, { share: 0.5 }, titlesOnly],
    ['ROW_PLACEMENT', {}, { policy: 'FIXED' }, titlesOnly],
    ['ARTWORK', { policy: 'BEST' }, { policy: 'RANDOM' }, shape],
  ];

  it.each(LEVERS)(
    '%s: control %j and treatment %j build different pages for one profile and context; each exposure stored once',
    async (lever, a, b, view) => {
      const profile = adults()[3];
      const variants = [
        { name: 'control', settings: a },
        { name: 'treatment', settings: b },
      ];
      const control = await pageUnder(profile, lever, variants, 'control');
      const treated = await pageUnder(profile, lever, variants, 'treatment');
      expect(control.first.experiments).toEqual([{ experimentId: control.id, variant: 'control' }]);
      expect(treated.first.experiments).toEqual([{ experimentId: treated.id, variant: 'treatment' }]);
      expect(view(treated.first)).not.toEqual(view(control.first));
      // The page cache keeps each variant's page apart, and a page seen twice is exposed once.
      expect(view(control.again)).toEqual(view(control.first));
      for (const run of [control, treated]) {
        expect(run.exposures).toEqual([
          {
            experimentId: run.id,
            variant: run.first.experiments[0].variant,
            unitId: profile.id,
            profileId: profile.id,
            day: Math.floor(now / DAY_MS),
            at: now,
          },
        ]);
      }
    },
  );

  it("serves the product's default as a control with empty settings, and stopped experiments leave pages alone", async () => {
    const profile = adults()[5];
    const plain = titlesOnly(await page(profile));
    const control = await pageUnder(
      profile,
      'ROW_PLACEMENT',
      [
        { name: 'control', settings: {} },
        { name: 'fixed', settings: { policy: 'FIXED' } },
      ],
      'control',
    );
    expect(titlesOnly(control.first)).toEqual(plain);
    const after = await page(profile);
    expect(after.experiments).toEqual([]);
    expect(titlesOnly(after)).toEqual(plain);
  });

  it('refuses bad definitions with coded errors, and non-admins', async () => {
    const base = {
      id: 'bad',
      description: 'd',
      hypothesis: 'h',
      lever: 'EXPLORATION',
      primaryMetric: 'PLAYS_PER_PAGE_VIEW',
      variants: [
        { name: 'control', weight: 0.5, settings: {} },
        { name: 'more', weight: 0.5, settings: { share: 0.3 } },
      ],
    };
    const error = async (input: object, caller: Caller = ADMIN) => (await app.run(CREATE, { input }, caller)).errors?.[0];
    expect(await error({ ...base, variants: [base.variants[0], { ...base.variants[1], weight: 0.4 }] })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'experiment.variants' },
      message: expect.stringContaining('weights sum to 0.9'),
    });
    expect(await error({ ...base, lever: 'PRICE' })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT' },
      message: expect.stringContaining('Lever'),
    });
    expect(await error({ ...base, variants: [base.variants[0], { ...base.variants[1], settings: { share: 0.9 } }] })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'experiment.variants[1].settings.share' },
    });
    expect(await error({ ...base, variants: [base.variants[0], { ...base.variants[1], settings: { colour: 'red' } }] })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: expect.stringContaining('experiment.variants[1].settings') },
    });
    expect(await error({ ...base, kind: 'INTERLEAVING' })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'experiment.kind' },
    });
    expect(await error(base, { as: 'a1' })).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    expect(await error(base, { anonymous: true })).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });

    expect((await app.run(CREATE, { input: { ...base, id: 'half-1', trafficShare: 0.5 } }, ADMIN)).data.createExperiment).toMatchObject({
      layerStart: 0,
      trafficShare: 0.5,
    });
    // Without a start, the next one takes the free half; a third finds none left.
    expect((await app.run(CREATE, { input: { ...base, id: 'half-2', trafficShare: 0.5 } }, ADMIN)).data.createExperiment).toMatchObject({
      layerStart: 0.5,
    });
    expect(await error({ ...base, id: 'half-3', trafficShare: 0.2 })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'experiment.trafficShare' },
    });
    expect(await error({ ...base, id: 'half-4', trafficShare: 0.2, layerStart: 0.4 })).toMatchObject({
      extensions: { code: 'CONFLICT', reason: 'LAYER_OVERLAP' },
    });
    expect(await error({ ...base, id: 'dupe-names', variants: [base.variants[0], { ...base.variants[0] }] })).toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'experiment.variants' },
      message: expect.stringContaining('distinct'),
    });
    expect(
      await error({
        ...base,
        id: 'half-1',
        lever: 'ARTWORK',
        variants: [
          { name: 'a', weight: 0.5 },
          { name: 'b', weight: 0.5 },
        ],
      }),
    ).toMatchObject({
      extensions: { code: 'CONFLICT', reason: 'ALREADY_EXISTS' },
    });
    expect((await app.run(START, { id: 'half-1' }, ADMIN)).data.startExperiment.status).toBe('RUNNING');
    expect((await app.run(START, { id: 'half-1' }, ADMIN)).errors?.[0]).toMatchObject({
      extensions: { code: 'CONFLICT', reason: 'ALREADY_STARTED' },
    });
    expect((await app.run(STOP, { id: 'half-2' }, ADMIN)).data.stopExperiment.status).toBe('STOPPED');
    expect((await app.run(STOP, { id: 'half-2' }, ADMIN)).errors?.[0]).toMatchObject({
      extensions: { code: 'CONFLICT', reason: 'ALREADY_STOPPED' },
    });
    expect((await app.run(START, { id: 'nope' }, ADMIN)).errors?.[0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    const list = await app.run(`{ experiments { id status } }`, {}, ADMIN);
    expect(list.data.experiments).toEqual(
      expect.arrayContaining([
        { id: 'half-1', status: 'RUNNING' },
        { id: 'half-2', status: 'STOPPED' },
      ]),
    );
    expect((await app.run(`{ experiments { id } }`, {}, { as: 'a1' })).errors?.[0].extensions.code).toBe('FORBIDDEN');
    await app.run(STOP, { id: 'half-1' }, ADMIN);
  });

  it('enrols no kids profile and no profile with personalization off, and says so on the page', async () => {
    const kid = app.world.profiles.find((p) => p.isKids)!;
    const adult = adults().find((p) => p.accountId === kid.accountId) ?? adults()[0];
    const id = 'everyone';
    await create(
      twoArms(id, 'ROW_PLACEMENT', [
        ['a', {}],
        ['b', { policy: 'FIXED' }],
      ]),
    );
    await app.run(START, { id }, ADMIN);
    const query = `query P($id: ID!) { homepage(profileId: $id) { experiments { experimentId variant } rows { items { experiments { experimentId variant } } } } }`;
    const kidPage = await app.run(query, { id: kid.id }, { ownerOf: kid.id });
    expect(kidPage.data.homepage.experiments).toEqual([]);
    const adultPage = await app.run(query, { id: adult.id }, { ownerOf: adult.id });
    expect(adultPage.data.homepage.experiments).toEqual([{ experimentId: id, variant: expect.any(String) }]);
    // Every item echoes the page's variants.
    for (const row of adultPage.data.homepage.rows)
      for (const item of row.items) expect(item.experiments).toEqual(adultPage.data.homepage.experiments);
    await app.services.profiles.setPersonalization(adult, false);
    expect((await app.run(query, { id: adult.id }, { ownerOf: adult.id })).data.homepage.experiments).toEqual([]);
    await app.services.profiles.setPersonalization({ ...adult, personalizationOff: true }, true);
    expect((await app.services.store.exposuresOf(id)).map((x) => x.profileId)).toEqual([adult.id]);
    await app.run(STOP, { id }, ADMIN);
  });

  it('assigns every unit the same variant on a second server sharing the store, which sees the start within its refresh', async () => {
    const second = await createServices(app.services.store, app.services.models.now.bundle, {
      clock: () => now,
      experimentRefreshSeconds: 0.1,
    });
    try {
      const id = 'two-servers';
      await create(
        twoArms(id, 'SOURCES', [
          ['a', {}],
          ['b', { off: ['TRENDING'] }],
        ]),
      );
      expect((await second.homepage.homepage(adults()[0].id, TV)).experiments).toEqual([]);
      await app.run(START, { id }, ADMIN);
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const profile of adults().slice(0, 20)) {
        const [one, two] = [await app.services.homepage.homepage(profile.id, TV), await second.homepage.homepage(profile.id, TV)];
        expect(two.experiments).toEqual(one.experiments);
        expect(one.experiments).toHaveLength(1);
      }
      // Account units: a household's profiles share one variant.
      const byAccount = new Map<string, Set<string>>();
      for (const profile of adults()) {
        const variant = (await second.homepage.homepage(profile.id, TV)).experiments[0].variant;
        byAccount.set(profile.accountId, (byAccount.get(profile.accountId) ?? new Set()).add(variant));
      }
      expect([...byAccount.values()].every((variants) => variants.size === 1)).toBe(true);
      expect(new Set([...byAccount.values()].map((v) => [...v][0])).size).toBe(2);
      await app.run(STOP, { id }, ADMIN);
    } finally {
      await second.close();
    }
  }, 120_000);

  it('interleaves two rankers in Top Picks, credits plays to the ranker that placed the title, and reports the preference', async () => {
    const id = 'interleave';
    await create({
      ...twoArms(
        id,
        'RANKER',
        [
          ['heuristic', { model: 'HEURISTIC' }],
          ['trained', {}],
        ],
        { kind: 'INTERLEAVING', unit: 'PROFILE' },
      ),
      primaryMetric: 'PLAYS_PER_PAGE_VIEW',
    });
    await app.run(START, { id }, ADMIN);
    const profiles = adults().slice(0, 12);
    let credited = 0;
    for (const [k, profile] of profiles.entries()) {
      const home = await page(profile);
      expect(home.experiments).toEqual([{ experimentId: id, variant: 'interleaved' }]);
      const picks = home.rows.find((r) => r.kind === 'TOP_PICKS')!;
      const teams = picks.items.map((i) => i.experiments[0].variant);
      expect(new Set(teams.filter((t) => t !== 'interleaved'))).toEqual(new Set(['heuristic', 'trained']));
      // Other rows carry the page's entry: no ranker is credited for them.
      expect(home.rows.find((r) => r.kind !== 'TOP_PICKS')!.items[0].experiments).toEqual(home.experiments);
      await app.services.impressions.record(
        picks.items.map((item, position) => ({
          eventId: `il-${profile.id}-${position}`,
          profileId: profile.id,
          titleId: item.titleId,
          artworkId: item.artworkId,
          requestId: home.requestId,
          rowIndex: picks.position,
          position,
          device: 'TV',
          occurredAt: new Date(now),
          experiments: item.experiments,
        })),
      );
      // Each viewer plays the first title the trained ranker placed, and two in three also one of the heuristic's.
      const trainedPick = picks.items.find((i) => i.experiments[0].variant === 'trained')!;
      const heuristicPick = picks.items.find((i) => i.experiments[0].variant === 'heuristic')!;
      const plays = [trainedPick, ...(k % 3 === 0 ? [] : [heuristicPick])];
      credited += plays.length;
      await app.services.playback.record(
        plays.map((item, n) => ({
          eventId: `il-play-${profile.id}-${n}`,
          profileId: profile.id,
          titleId: item.titleId,
          progress: 0.5,
          device: 'TV',
          occurredAt: new Date(now + 60_000),
        })),
      );
    }
    now += 120_000;
    const results = await app.run(
      `query R($id: ID!) { experimentResults(id: $id) { sampleRatio { p } metrics { metric } interleaving { variant units share low high significant credited { variant plays } } } }`,
      { id },
      ADMIN,
    );
    expect(results.errors).toBeUndefined();
    const il = results.data.experimentResults.interleaving;
    expect(results.data.experimentResults.sampleRatio).toBeNull();
    expect(il.variant).toBe('trained');
    expect(il.units).toBe(profiles.length);
    // Trained wins a third of the units outright and ties the rest: (4 · 1 + 8 · 0.5) / 12.
    expect(il.share).toBeCloseTo(8 / 12, 6);
    expect(il.credited).toEqual([
      { variant: 'heuristic', plays: 8 },
      { variant: 'trained', plays: 12 },
    ]);
    expect(credited).toBe(20);
    expect(il.low).toBeLessThan(il.share);
    expect(il.high).toBeGreaterThan(il.share);
    await app.run(STOP, { id }, ADMIN);
  }, 120_000);

  it('reports each metric per variant with intervals, CUPED, SRM and guardrails from the stored events; an erased history leaves them', async () => {
    now += DAY_MS;
    const id = 'results';
    await create(
      twoArms(
        id,
        'EXPLORATION',
        [
          ['control', {}],
          ['explore', { share: 0.4 }],
        ],
        { unit: 'PROFILE' },
      ),
    );
    await app.run(START, { id }, ADMIN);
    const profiles = adults().slice(0, 30);
    for (const [k, profile] of profiles.entries()) {
      const home = await page(profile);
      const items = home.rows.flatMap((r) => r.items.slice(0, 3).map((item) => ({ item, row: r.position })));
      await app.services.impressions.record(
        items.map(({ item, row }, n) => ({
          eventId: `res-${profile.id}-${n}`,
          profileId: profile.id,
          titleId: item.titleId,
          artworkId: item.artworkId,
          requestId: home.requestId,
          rowIndex: row,
          position: item.position,
          device: 'TV',
          occurredAt: new Date(now),
          experiments: item.experiments,
        })),
      );
      await app.services.playback.record([
        {
          eventId: `res-play-${profile.id}`,
          profileId: profile.id,
          titleId: items[k % items.length].item.titleId,
          progress: 0.2 + (k % 5) * 0.2,
          device: 'TV',
          occurredAt: new Date(now + 60_000),
        },
      ]);
    }
    now += 120_000;
    const query = `query R($id: ID!) { experimentResults(id: $id) { variants { name units pageViews } sampleRatio { chiSquare p mismatch }
      metrics { metric variant control treatment difference low high significant cuped { varianceRemoved low high } }
      guardrails { metric variant control treatment low high breached } } }`;
    const { data, errors } = await app.run(query, { id }, ADMIN);
    expect(errors).toBeUndefined();
    const r = data.experimentResults;
    expect(r.variants.reduce((s: number, v: { units: number }) => s + v.units, 0)).toBe(profiles.length);
    expect(r.variants.every((v: { units: number; pageViews: number }) => v.units > 5 && v.pageViews === v.units)).toBe(true);
    expect(r.sampleRatio.p).toBeGreaterThan(0.001);
    expect(r.metrics.map((m: { metric: string }) => m.metric)).toEqual([
      'PLAYS_PER_PAGE_VIEW',
      'WATCH_MINUTES',
      'FINISH_RATE',
      'NEXT_DAY_RETURN',
      'ARTWORK_TAKE_RATE',
      'COVERAGE',
    ]);
    const plays = r.metrics.find((m: { metric: string }) => m.metric === 'PLAYS_PER_PAGE_VIEW');
    // One play per page in both variants: no difference, and the delta method's interval is (0, 0).
    expect(plays).toMatchObject({ control: 1, treatment: 1, difference: 0, significant: false });
    const minutes = r.metrics.find((m: { metric: string }) => m.metric === 'WATCH_MINUTES');
    expect(minutes.low).toBeLessThan(minutes.high);
    expect(minutes.cuped.varianceRemoved).toEqual(expect.any(Number));
    const take = r.metrics.find((m: { metric: string }) => m.metric === 'ARTWORK_TAKE_RATE');
    expect(take.control).toBeGreaterThan(0);
    expect(r.guardrails.map((g: { metric: string }) => g.metric)).toEqual(['LATENCY_P99', 'ERROR_RATE']);
    const latency = r.guardrails[0];
    expect(latency.control).toBeGreaterThan(0);
    expect(latency.treatment).toBeGreaterThan(0);
    expect(r.guardrails[1]).toMatchObject({ control: 0, treatment: 0, breached: false });

    await app.services.privacy.eraseHistory(profiles[0]);
    const after = (await app.run(query, { id }, ADMIN)).data.experimentResults;
    expect(after.variants.reduce((s: number, v: { units: number }) => s + v.units, 0)).toBe(profiles.length - 1);
    await app.run(STOP, { id }, ADMIN);
  }, 120_000);
});
