import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../../graph/embedded/embedded-store';
import type { Store } from '../../graph/store';
import { MATURITY_TIERS, type ImpressionEvent, type PlaybackEvent } from '../../src/domain/types';
import { buildSimilarityGraph } from '../../src/similarity/similarity-graph';
import { observable } from '../../src/world/generate';
import { smallWorld } from '../support/app-harness';
import { describeNeo4j, openEmptyNeo4jStore } from '../support/neo4j';

/** Every read the API makes, over a spread of ids: the two stores must answer all of them alike. */
async function answers(store: Store, titleIds: string[], profileIds: string[], accountIds: string[], since: number) {
  const pages = [];
  for (let after: string | undefined, n = 0; n < 5; n++) {
    const page = await store.listProfiles(40, after);
    pages.push(page);
    after = page.profiles.at(-1)?.id;
  }
  const similar = [];
  for (const id of titleIds) {
    similar.push(await store.similarTitles(id, 50));
    similar.push(await store.similarTitles(id, 7, MATURITY_TIERS[titleIds.indexOf(id) % 4]));
  }
  const people = [...new Set((await store.getTitles(titleIds)).flatMap((t) => t!.cast.map((p) => p.id)))];
  return {
    titles: await store.listTitles(),
    someTitles: await store.getTitles([...titleIds, 'missing']),
    people: await store.getPeople(people),
    genres: await store.listGenres(),
    pages,
    count: await store.countProfiles(),
    profiles: await store.getProfiles(profileIds),
    accounts: await Promise.all(accountIds.map((a) => store.getAccount(a))),
    households: await Promise.all(accountIds.map((a) => store.profilesOfAccount(a))),
    watch: await Promise.all(profileIds.map((p) => store.getWatchState(p))),
    history: await Promise.all(profileIds.map((p) => store.viewingHistory(p, 25))),
    plays: await store.playsSince(since),
    playbacks: await store.playbacksSince(since),
    impressions: await store.impressionsSince(since),
    allPlaybacks: await store.playbacksSince(0),
    watchStates: await store.listWatchStates(),
    latest: await store.latestPlaybackAt(),
    similar,
    artwork: await store.artworkStats((await store.listTitles()).map((t) => t.id)),
    themes: await Promise.all(profileIds.map((p) => store.themeStats(p))),
  };
}

describeNeo4j('the embedded and Neo4j stores on the same data', () => {
  const world = smallWorld();
  const data = observable(world);
  const similarity = buildSimilarityGraph(data.titles, data.playbacks);
  const titleIds = data.titles.filter((_, i) => i % 9 === 0).map((t) => t.id);
  const profileIds = data.profiles.filter((_, i) => i % 7 === 0).map((p) => p.id);
  const accountIds = data.accounts.filter((_, i) => i % 10 === 0).map((a) => a.id);
  const since = data.manifest.end - 7 * 86_400_000;
  let embedded: Store;
  let neo4j: Store;
  let dir: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'parity-'));
    embedded = await EmbeddedStore.open(dir);
    neo4j = await openEmptyNeo4jStore();
    await Promise.all([embedded.bulkLoad(data, similarity), neo4j.bulkLoad(data, similarity)]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([embedded?.close(), neo4j?.close()]);
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('give identical answers after the same bulk load, similarTitles order included', async () => {
    const [a, b] = await Promise.all([embedded, neo4j].map((s) => answers(s, titleIds, profileIds, accountIds, since)));
    expect(b).toStrictEqual(a);
    expect(a.similar.filter((_, i) => i % 2 === 0).every((list) => list.length === 50)).toBe(true);
    // Not vacuous: the window holds events of both kinds, and the whole playback log is there.
    expect(a.playbacks.length).toBeGreaterThan(0);
    expect(a.impressions.length).toBeGreaterThan(0);
    expect(a.allPlaybacks).toHaveLength(data.playbacks.length);
  });

  it('give identical answers after the same writes', async () => {
    const at = data.manifest.end;
    const events: PlaybackEvent[] = profileIds.flatMap((p, i) => [
      {
        eventId: `w-${i}-a`,
        profileId: p,
        titleId: titleIds[i % titleIds.length],
        occurredAt: at + i * 1000,
        progress: 0.3,
        device: 'PHONE',
        sessionId: 's',
      },
      {
        eventId: `w-${i}-b`,
        profileId: p,
        titleId: titleIds[i % titleIds.length],
        occurredAt: at - 5000,
        progress: 0.95,
        device: 'TV',
        sessionId: null,
      },
    ]);
    const newTitle = {
      ...data.titles[0],
      id: 'zz-new',
      name: 'Brand New',
      artwork: [{ id: 'zz-new-a1', titleId: 'zz-new', theme: 'DARK' as const }],
    };
    const edges = [
      { from: 'zz-new', to: titleIds[1], score: 0.77, basis: ['genre:Drama'] },
      { from: titleIds[1], to: 'zz-new', score: 0.77, basis: ['genre:Drama'] },
    ];
    // Impressions at the same moment (ties by eventId) and ones older than `since`, arriving last.
    const shown: ImpressionEvent[] = profileIds.flatMap((p, i) =>
      [at, since - 1, since].map((occurredAt, k) => ({
        ...data.impressions[i],
        eventId: `w-imp-${i}-${k}`,
        profileId: p,
        occurredAt,
        sessionId: k === 1 ? null : `ws-${i}`,
      })),
    );
    // Plays of the shown titles within the hour after the newest impressions: the bandit credits them.
    const clicks: PlaybackEvent[] = profileIds.map((p, i) => ({
      ...events[0],
      eventId: `w-${i}-c`,
      profileId: p,
      titleId: data.impressions[i].titleId,
      occurredAt: at + 600_000,
    }));
    for (const store of [embedded, neo4j]) {
      expect(await store.recordPlayback([...events, events[0]])).toMatchObject({ accepted: events.length, duplicates: 1 });
      expect(await store.recordImpressions(shown)).toMatchObject({ accepted: shown.length, duplicates: 0 });
      expect(await store.recordPlayback(clicks)).toMatchObject({ accepted: clicks.length });
      await store.addTitle(newTitle, edges);
    }
    const [a, b] = await Promise.all([embedded, neo4j].map((s) => answers(s, [...titleIds, 'zz-new'], profileIds, accountIds, since)));
    expect(b).toStrictEqual(a);
    expect(a.impressions.filter((e) => e.eventId.startsWith('w-imp-'))).toHaveLength(2 * profileIds.length);
    // Not vacuous: the seeded counters hold the logs' plays, and the writes moved them.
    expect(a.artwork.reduce((n, s) => n + s.taken, 0)).toBeGreaterThan(data.playbacks.length / 2);
    expect(a.artwork.find((s) => s.titleId === 'zz-new')).toEqual({ titleId: 'zz-new', artworkId: 'zz-new-a1', shown: 0, taken: 0 });
  });
});
