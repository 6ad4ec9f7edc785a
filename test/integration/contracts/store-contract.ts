import type { Store } from '../../../graph/store';
import { DuplicateTitleError } from '../../../graph/errors';
import { NotFoundError } from '../../../src/domain/errors';
import type { SimilarEdge, Title } from '../../../src/domain/types';
import { FIXTURE_START, fixtureData, fixtureSimilarity, impression, playback } from '../../support/fixture-data';
import { defineArtworkStatsCases } from './artwork-stats-contract';
import { defineEventIdentityCases } from './event-identity-contract';
import { defineEventsSinceCases } from './events-since-contract';
import { defineExperimentCases } from './experiment-contract';
import { defineProfileCases } from './profile-contract';
import { defineFeedbackCases } from './feedback-contract';
import { definePromotionCases } from './promotion-contract';

const bestFirst = (a: SimilarEdge, b: SimilarEdge) => b.score - a.score || (a.to < b.to ? -1 : 1);
const edgesFrom = (edges: SimilarEdge[], from: string) => edges.filter((e) => e.from === from).sort(bestFirst);

/** A new Korean crime film by the fixture's director, with one new actor. */
function newTitle(): Title {
  const base = fixtureData().titles.find((t) => t.id === 't3')!;
  return {
    ...base,
    id: 'n1',
    name: 'Harbor Lights',
    genres: ['Crime', 'Thriller'],
    cast: [
      { id: 'p1', name: 'Ava Reed' },
      { id: 'np-new', name: 'New Face' },
    ],
    artwork: [{ id: 'n1-a1', titleId: 'n1', theme: 'DARK' }],
  };
}
const newEdges = (): SimilarEdge[] => [
  { from: 'n1', to: 't3', score: 0.9, basis: ['director:p9', 'genre:Crime'] },
  { from: 't3', to: 'n1', score: 0.9, basis: ['director:p9', 'genre:Crime'] },
  { from: 'n1', to: 't4', score: 0.4, basis: ['genre:Thriller'] },
  { from: 't4', to: 'n1', score: 0.4, basis: ['genre:Thriller'] },
];

/**
 * How to get a store for the contract suite: `open` gives a store over fresh, empty storage;
 * `reopen` closes it and opens the same storage again, as a restarted process would.
 */
export interface StoreHarness {
  open(): Promise<Store>;
  reopen(store: Store): Promise<Store>;
}

/** The behaviour every Store implementation must share, with identical answers. */
export function defineStoreSuite(name: string, harness: () => StoreHarness): void {
  describe(`Store contract: ${name}`, () => {
    let h: StoreHarness;
    let store: Store;

    beforeEach(async () => {
      h = harness();
      store = await h.open();
      await store.bulkLoad(fixtureData(), fixtureSimilarity());
    });
    afterEach(async () => store.close());

    it('reports empty before a load and not after', async () => {
      expect(await store.isEmpty()).toBe(false);
      await store.close();
      // Fresh storage (for Neo4j: the same test database, emptied).
      store = await harness().open();
      expect(await store.isEmpty()).toBe(true);
      await store.bulkLoad(fixtureData(), fixtureSimilarity());
      expect(await store.isEmpty()).toBe(false);
      await expect(store.bulkLoad(fixtureData(), [])).rejects.toThrow();
    });

    it('returns titles in the order asked, null for unknown ids, and lists them by id', async () => {
      const got = await store.getTitles(['t2', 'nope', 't1']);
      expect(got.map((t) => t?.name ?? null)).toEqual(['Little Orchard', null, 'The Paper Crown']);
      expect(got[0]?.artwork.map((a) => a.theme)).toEqual(['DRAMATIC', 'PORTRAIT', 'DARK']);
      expect(got[2]).toMatchObject({ genres: ['Drama'], cast: [{ id: 'p1', name: 'Ava Reed' }, expect.anything()], maturityTier: 'TEENS' });
      expect((await store.listTitles()).map((t) => t.id)).toEqual(['t1', 't2', 't3', 't4']);
    });

    it('knows people with their titles, and the genres', async () => {
      const [ava, nobody] = await store.getPeople(['p1', 'p-none']);
      expect(ava).toMatchObject({ id: 'p1', name: 'Ava Reed' });
      expect([...ava!.titleIds].sort()).toEqual(['t1', 't2', 't3', 't4']);
      expect(nobody).toBeNull();
      expect(await store.listGenres()).toEqual(['Action', 'Crime', 'Drama', 'Family', 'Kids', 'Thriller']);
    });

    it('pages through profiles by id with a cursor', async () => {
      expect(await store.countProfiles()).toBe(3);
      const first = await store.listProfiles(2);
      expect(first.profiles.map((p) => p.id)).toEqual(['a1-p1', 'a1-p2']);
      expect(first.hasMore).toBe(true);
      const rest = await store.listProfiles(2, 'a1-p2');
      expect(rest.profiles.map((p) => p.id)).toEqual(['a2-p1']);
      expect(rest.hasMore).toBe(false);
      expect((await store.getProfiles(['a1-p2', 'x']))[0]).toMatchObject({ isKids: true, maturityLimit: 'LITTLE_KIDS' });
      expect(await store.getAccount('a1')).toMatchObject({ country: 'KR', timeZone: 'Asia/Seoul' });
      expect(await store.getAccount('zz')).toBeNull();
      expect((await store.profilesOfAccount('a1')).map((p) => p.id)).toEqual(['a1-p1', 'a1-p2']);
      expect(await store.profilesOfAccount('zz')).toEqual([]);
    });

    it('derives watch state and history from playback events', async () => {
      const state = await store.getWatchState('a1-p1');
      expect(state.map((s) => [s.titleId, s.progress, s.completed])).toEqual([
        ['t3', 0.95, true],
        ['t1', 0.4, false],
      ]);
      const history = await store.viewingHistory('a1-p1', 10);
      expect(history.map((e) => e.eventId)).toEqual(['e2', 'e1']);
      expect(await store.viewingHistory('a1-p1', 1)).toHaveLength(1);
      expect(await store.viewingHistory('a1-p2', 10)).toEqual([]);
    });

    it('records playback idempotently by profile and eventId and folds it into watch state', async () => {
      const events = [playback('n1', 'a1-p1', 't1', 4, 0.6), playback('n2', 'a1-p1', 't4', 4.5, 0.1)];
      expect(await store.recordPlayback(events)).toEqual({ accepted: 2, duplicates: 0, acceptedEvents: events });
      expect(await store.recordPlayback([...events, playback('e1', 'a1-p1', 't1', 1, 0.4)])).toMatchObject({ accepted: 0, duplicates: 3 });
      expect(await store.recordPlayback([playback('n3', 'a2-p1', 't2', 4, 1), playback('n3', 'a2-p1', 't2', 4, 1)])).toMatchObject({
        accepted: 1,
        duplicates: 1,
      });
      const t1 = (await store.getWatchState('a1-p1')).find((s) => s.titleId === 't1')!;
      expect(t1).toMatchObject({ progress: 0.6, plays: 2, completed: false, firstAt: FIXTURE_START + 86_400_000 });
      expect((await store.viewingHistory('a1-p1', 1))[0].eventId).toBe('n2');
    });

    it('keeps the latest progress when an older event arrives late', async () => {
      await store.recordPlayback([playback('late', 'a1-p1', 't1', 0.5, 0.9)]);
      const t1 = (await store.getWatchState('a1-p1')).find((s) => s.titleId === 't1')!;
      expect(t1).toMatchObject({ progress: 0.4, plays: 2, completed: true });
    });

    it('knows when the newest playback happened', async () => {
      expect(await store.latestPlaybackAt()).toBe(FIXTURE_START + 3 * 86_400_000);
      await store.recordPlayback([playback('x1', 'a1-p1', 't2', 4, 0.1)]);
      expect(await store.latestPlaybackAt()).toBe(FIXTURE_START + 4 * 86_400_000);
    });

    it("lists plays since a moment with the viewer's country, oldest first", async () => {
      const plays = await store.playsSince(FIXTURE_START);
      expect(plays.map((p) => [p.eventId, p.titleId, p.country, p.kids])).toEqual([
        ['e1', 't1', 'KR', false],
        ['e2', 't3', 'KR', false],
        ['e3', 't1', 'US', false],
      ]);
      expect((await store.playsSince(FIXTURE_START + 2.5 * 86_400_000)).map((p) => p.eventId)).toEqual(['e3']);
    });

    it('lists every watch state by profile then title', async () => {
      await store.recordPlayback([playback('k1', 'a1-p2', 't2', 4, 0.5)]);
      const all = await store.listWatchStates();
      expect(all.map((w) => [w.profileId, w.titleId, w.plays])).toEqual([
        ['a1-p1', 't1', 1],
        ['a1-p1', 't3', 1],
        ['a1-p2', 't2', 1],
        ['a2-p1', 't1', 1],
      ]);
      expect(all[1]).toEqual((await store.getWatchState('a1-p1')).find((w) => w.titleId === 't3'));
    });

    it('records impressions idempotently', async () => {
      expect(await store.recordImpressions([impression('i1', 'a1-p1', 't1', 1), impression('i9', 'a1-p1', 't3', 4)])).toMatchObject({
        accepted: 1,
        duplicates: 1,
      });
    });

    it('serves the SIMILAR_TO graph it was loaded with, best first, within a maturity limit', async () => {
      const all = fixtureSimilarity();
      for (const id of ['t1', 't2', 't3', 't4']) expect(await store.similarTitles(id, 10)).toEqual(edgesFrom(all, id));
      expect(await store.similarTitles('t1', 1)).toEqual(edgesFrom(all, 't1').slice(0, 1));
      const kidsSafe = await store.similarTitles('t1', 10, 'LITTLE_KIDS');
      expect(kidsSafe.map((e) => e.to)).toEqual(
        edgesFrom(all, 't1')
          .filter((e) => e.to === 't2')
          .map((e) => e.to),
      );
      expect(await store.similarTitles('nope', 10)).toEqual([]);
    });

    it('adds a title with its people and edges both ways, at once', async () => {
      await store.addTitle(newTitle(), newEdges());
      expect((await store.getTitles(['n1']))[0]).toEqual(newTitle());
      expect((await store.listTitles()).map((t) => t.id)).toEqual(['n1', 't1', 't2', 't3', 't4']);
      expect(await store.similarTitles('n1', 10)).toEqual(edgesFrom(newEdges(), 'n1'));
      expect((await store.similarTitles('t3', 1))[0]).toEqual(newEdges()[1]);
      expect((await store.similarTitles('t4', 10)).map((e) => e.to)).toContain('n1');
      const [ava, newcomer] = await store.getPeople(['p1', 'np-new']);
      expect(ava!.titleIds).toContain('n1');
      expect(newcomer).toEqual({ id: 'np-new', name: 'New Face', titleIds: ['n1'] });
      expect(await store.listGenres()).toEqual(['Action', 'Crime', 'Drama', 'Family', 'Kids', 'Thriller']);
    });

    it('rejects a title whose id exists, writing nothing', async () => {
      const before = await store.similarTitles('t4', 10);
      const clash = { ...newTitle(), id: 't1' };
      await expect(store.addTitle(clash, [{ from: 't4', to: 't1', score: 5, basis: [] }])).rejects.toBeInstanceOf(DuplicateTitleError);
      expect((await store.getTitles(['t1']))[0]?.name).toBe('The Paper Crown');
      expect(await store.similarTitles('t4', 10)).toEqual(before);
      expect((await store.getPeople(['np-new']))[0]).toBeNull();
    });

    defineEventsSinceCases(
      () => store,
      async () => (store = await h.reopen(store)),
    );
    defineEventIdentityCases(
      () => store,
      async () => (store = await h.reopen(store)),
    );
    defineArtworkStatsCases(
      () => store,
      async () => (store = await h.reopen(store)),
      newTitle,
    );
    defineProfileCases(
      () => store,
      async () => (store = await h.reopen(store)),
    );
    describe('viewer feedback', () =>
      defineFeedbackCases(
        () => store,
        async () => (store = await h.reopen(store)),
      ));
    describe('promotions', () =>
      definePromotionCases(
        () => store,
        async () => (store = await h.reopen(store)),
      ));
    describe('experiments', () =>
      defineExperimentCases(
        () => store,
        async () => (store = await h.reopen(store)),
      ));

    it("replaces a title's availability, durably, and clears it with null", async () => {
      const licence = { countries: ['KR', 'US'], from: FIXTURE_START, until: FIXTURE_START + 90 * 86_400_000 };
      const [before] = await store.getTitles(['t1']);
      expect(await store.setTitleAvailability('t1', licence)).toEqual({ ...before, availability: licence });
      await store.setTitleAvailability('t3', { countries: [] });
      await expect(store.setTitleAvailability('nope', licence)).rejects.toBeInstanceOf(NotFoundError);
      store = await h.reopen(store);
      expect((await store.getTitles(['t1', 't3'])).map((t) => t?.availability)).toEqual([licence, { countries: [] }]);
      expect((await store.listTitles()).find((t) => t.id === 't1')?.availability).toEqual(licence);
      expect(await store.setTitleAvailability('t1', null)).toEqual(before);
      store = await h.reopen(store);
      expect((await store.getTitles(['t1']))[0]).toEqual(before);
    });

    it("loads a dataset's feedback with it", async () => {
      await store.close();
      h = harness();
      store = await h.open();
      const rating = {
        profileId: 'a2-p1',
        titleId: 't1',
        rating: 'DOWN' as const,
        ratedAt: FIXTURE_START,
        notInterestedAt: null,
        myListAt: null,
        hiddenAt: null,
        updatedAt: FIXTURE_START,
      };
      await store.bulkLoad({ ...fixtureData(), feedback: [rating] }, fixtureSimilarity());
      expect(await store.titleFeedback('a2-p1')).toEqual([rating]);
      store = await h.reopen(store);
      expect(await store.listTitleFeedback()).toEqual([rating]);
    });

    it('keeps acknowledged writes across a restart', async () => {
      await store.addTitle(newTitle(), newEdges());
      await store.recordPlayback([playback('d1', 'a2-p1', 't3', 4, 0.3)]);
      await store.recordImpressions([impression('d2', 'a2-p1', 't3', 4)]);
      store = await h.reopen(store);
      expect((await store.viewingHistory('a2-p1', 1))[0].eventId).toBe('d1');
      expect(await store.recordPlayback([playback('d1', 'a2-p1', 't3', 4, 0.3)])).toMatchObject({ accepted: 0, duplicates: 1 });
      expect(await store.recordImpressions([impression('d2', 'a2-p1', 't3', 4)])).toMatchObject({ accepted: 0, duplicates: 1 });
      expect((await store.listTitles()).length).toBe(5);
      expect((await store.similarTitles('t3', 1))[0].to).toBe('n1');
    });
  });
}
