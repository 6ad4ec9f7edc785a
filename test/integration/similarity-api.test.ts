import type { Store } from '../../graph/store';
import { allowedFor, type Title } from '../../src/domain/types';
import { startHarness, type AppHarness } from '../support/app-harness';
import { holdNeo4jWhileRunning, NEO4J_URI, openEmptyNeo4jStore } from '../support/neo4j';

const SIMILAR = `query($id: ID!, $limit: Int, $profileId: ID) {
  similarTitles(titleId: $id, limit: $limit, profileId: $profileId) { score reason title { id maturityTier } }
}`;
/** Partners ask for similar titles; catalog teams add titles with an admin token. */
const PARTNER = { partner: 'acme' };
const CATALOG_TEAM = { admin: 'catalog' };
const ADD = `mutation($input: NewTitleInput!) { addTitle(input: $input) { id name cast directors genres artwork { id theme } } }`;

/** A new title that shares an existing one's director, lead actors, genres and country. */
function lookalike(of: Title, externalId: string) {
  return {
    externalId,
    name: `${of.name}: The Return`,
    kind: of.kind,
    genres: of.genres.slice(0, 2),
    tags: of.tags.slice(0, 1),
    cast: [...of.cast.slice(0, 2).map((p) => p.name), 'Someone New'],
    directors: of.directors.map((p) => p.name),
    country: of.country,
    language: of.language,
    releaseYear: 2026,
    maturityRating: of.maturityRating,
    maturityTier: of.maturityTier,
    runtimeMinutes: of.runtimeMinutes,
    seasons: of.seasons,
  };
}

const stores: [string, (() => Promise<Store>) | undefined][] = [['embedded', undefined]];
if (NEO4J_URI) stores.push(['neo4j', () => openEmptyNeo4jStore()]);
else test.skip('similarTitles and addTitle on Neo4j (skipped: no Neo4j; set NEO4J_URI or install Java 17 + Maven)', () => {});

describe.each(stores)('similarTitles and addTitle through GraphQL on the %s store', (_name, openStore) => {
  let app: AppHarness;
  if (openStore) holdNeo4jWhileRunning();
  // Loading the world into Neo4j and training can pass jest's 60 s default on a busy machine.
  beforeAll(async () => (app = await startHarness({ openStore })), 180_000);
  afterAll(async () => app.close());

  const anchor = () => app.world.titles.find((t) => t.directors.length === 1 && t.cast.length >= 3 && t.maturityTier === 'ADULTS')!;

  it('gives neighbours best first, each with a reason naming what they share', async () => {
    const a = anchor();
    const res = await app.run(SIMILAR, { id: a.id, limit: 10 }, PARTNER);
    expect(res.errors).toBeUndefined();
    const similar = res.data.similarTitles;
    expect(similar).toHaveLength(10);
    expect(similar.map((s: any) => s.score)).toEqual([...similar.map((s: any) => s.score)].sort((x: number, y: number) => y - x));
    expect(similar.map((s: any) => s.title.id)).not.toContain(a.id);
    for (const s of similar) expect(s.reason).toMatch(/^(Same director|Shared|Watched together|Both)/);
  });

  it("applies a kids profile's maturity limit", async () => {
    const kid = app.world.profiles.find((p) => p.maturityLimit === 'LITTLE_KIDS')!;
    const family = app.world.titles.find((t) => t.maturityTier === 'LITTLE_KIDS')!;
    const res = await app.run(SIMILAR, { id: family.id, limit: 50, profileId: kid.id }, { ownerOf: kid.id });
    expect(res.errors).toBeUndefined();
    expect(res.data.similarTitles.length).toBeGreaterThan(0);
    for (const s of res.data.similarTitles) expect(allowedFor('LITTLE_KIDS', s.title.maturityTier)).toBe(true);
    const unfiltered = await app.run(SIMILAR, { id: anchor().id, limit: 50 });
    expect(unfiltered.data.similarTitles.some((s: any) => s.title.maturityTier === 'ADULTS')).toBe(true);
  });

  it('rejects a bad limit or an unknown profile', async () => {
    expect((await app.run(SIMILAR, { id: anchor().id, limit: 51 })).errors![0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'limit',
    });
    expect((await app.run(SIMILAR, { id: anchor().id, profileId: 'nobody' })).errors![0].extensions.code).toBe('NOT_FOUND');
  });

  it('links a new title at once, both ways, with no viewing events', async () => {
    const a = anchor();
    const added = await app.run(ADD, { input: lookalike(a, 'new-1') }, CATALOG_TEAM);
    expect(added.errors).toBeUndefined();
    expect(added.data.addTitle).toMatchObject({ id: 'new-1', directors: a.directors.map((p) => p.name) });
    expect(added.data.addTitle.artwork.map((x: any) => x.id)).toEqual(['new-1-a1', 'new-1-a2', 'new-1-a3']);

    const own = (await app.run(SIMILAR, { id: 'new-1', limit: 5 })).data.similarTitles;
    expect(own[0].title.id).toBe(a.id);
    expect(own[0].reason).toContain(`Same director: ${a.directors[0].name}`);
    const back = (await app.run(SIMILAR, { id: a.id, limit: 5 })).data.similarTitles;
    expect(back.map((s: any) => s.title.id)).toContain('new-1');
    expect((await app.run('{ title(id: "new-1") { name } }')).data.title.name).toBe(`${a.name}: The Return`);
  });

  it.each([
    ['an empty name', { name: '  ' }, 'input.name'],
    ['no genres', { genres: [] }, 'input.genres'],
    ['a lower-case country', { country: 'kr' }, 'input.country'],
    ['a series without seasons', { kind: 'SERIES', seasons: null }, 'input.seasons'],
    ['a duplicate external id', { externalId: 't1' }, 'input.externalId'],
  ])('rejects %s with BAD_USER_INPUT and writes nothing', async (_what, change, field) => {
    const input = { ...lookalike(anchor(), 'bad-1'), ...change };
    const res = await app.run(ADD, { input }, CATALOG_TEAM);
    expect(res.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await app.services.store.getTitles(['bad-1'])).toEqual([null]);
    expect((await app.services.store.getTitles(['t1']))[0]?.name).toBe(app.world.titles.find((t) => t.id === 't1')!.name);
  });

  it.each([
    [
      'a missing name',
      (i: Record<string, unknown>) => {
        delete i.name;
      },
    ],
    [
      'an unknown kind',
      (i: Record<string, unknown>) => {
        i.kind = 'PODCAST';
      },
    ],
    [
      'an unknown maturity tier',
      (i: Record<string, unknown>) => {
        i.maturityTier = 'GROWNUPS';
      },
    ],
  ])('rejects %s at the schema with BAD_USER_INPUT', async (_what, spoil) => {
    const input: Record<string, unknown> = lookalike(anchor(), 'bad-2');
    spoil(input);
    expect((await app.run(ADD, { input }, CATALOG_TEAM)).errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(await app.services.store.getTitles(['bad-2'])).toEqual([null]);
  });
});
