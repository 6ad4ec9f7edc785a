import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../../graph/embedded/embedded-store';
import type { Store } from '../../graph/store';
import { ThompsonArtworkSelector } from '../../src/artwork/artwork-selector';
import { ArtworkStatsCache } from '../../src/artwork/artwork-stats-cache';
import { CatalogIndex } from '../../src/pipeline/catalog-index';
import { ImpressionService } from '../../src/events/impression-service';
import { PlaybackService } from '../../src/events/playback-service';
import type { FeatureStore } from '../../src/ranking/features/feature-store';
import type { HomepageRequest } from '../../src/pipeline/request';
import type { RetrievalUpdates } from '../../src/events/online-updates';
import { Rng } from '../../src/shared/random';
import { FIXTURE_START, fixtureData, fixtureSimilarity } from '../support/fixture-data';
import { DAY_MS } from '../../src/shared/time';

const REFRESH = 30_000;

/** Two API replicas on one store: each with its own statistics cache, bandit and event services. */
describe('artwork bandit fed by the write path, on replicas sharing a store', () => {
  let store: Store;
  let now: number;
  const clock = () => now;

  beforeEach(async () => {
    store = await EmbeddedStore.open(await fs.mkdtemp(path.join(os.tmpdir(), 'bandit-')));
    await store.bulkLoad(fixtureData(), fixtureSimilarity());
    now = FIXTURE_START + 4 * DAY_MS;
  });
  afterEach(() => store.close());

  function replica(onError: (err: unknown) => void = () => {}, over: Pick<Store, 'artworkStats' | 'themeStats'> = store) {
    const cache = new ArtworkStatsCache({ store: over, refreshMs: REFRESH, clock, onError });
    const bandit = new ThompsonArtworkSelector(cache, new Rng('replica'));
    const catalog = new CatalogIndex(fixtureData().titles, new Map());
    const features = { noteImpressions: () => {} } as unknown as FeatureStore;
    const retrieval = { apply: async () => {} } as unknown as RetrievalUpdates;
    return {
      cache,
      bandit,
      impressions: new ImpressionService({ store, catalog, features, clock, artwork: bandit }),
      playback: new PlaybackService({ store, catalog, retrieval, clock, artwork: bandit }),
    };
  }
  const request = (profileId: string) => ({ profile: { id: profileId } }) as HomepageRequest;
  const shown = (eventId: string, artworkId: string) => ({
    eventId,
    profileId: 'a2-p1',
    titleId: 't3',
    artworkId,
    requestId: 'r',
    rowIndex: 0,
    position: 0,
    device: 'TV' as const,
    occurredAt: new Date(now),
  });

  it('chooses one variant per title with a reason, from the seeded statistics', async () => {
    const a = replica();
    const titles = fixtureData().titles;
    const chosen = await a.bandit.choose(request('a1-p1'), titles);
    expect([...chosen.keys()].sort()).toEqual(['t1', 't2', 't3', 't4']);
    for (const t of titles) {
      const c = chosen.get(t.id)!;
      expect(t.artwork.map((x) => x.id)).toContain(c.id);
      expect(c.reason).toMatch(new RegExp(`^Shown with its ${c.theme.toLowerCase()} artwork: `));
    }
    expect((await a.cache.variants(['t1'])).get('t1')!.get('t1-a1')).toEqual({ shown: 1, taken: 1 });
  });

  it("counts a replica's own impressions and credited plays at once; the other replica sees them after its refresh", async () => {
    const a = replica();
    const b = replica();
    for (const r of [a, b]) {
      await r.cache.variants(['t3']);
      await r.cache.themes('a2-p1');
    }
    await a.impressions.record([shown('f1', 't3-a2')]);
    expect((await a.cache.variants(['t3'])).get('t3')!.get('t3-a2')).toEqual({ shown: 1, taken: 0 });
    expect((await a.cache.themes('a2-p1')).get('PORTRAIT')).toMatchObject({ shown: 1, taken: 0 });
    now += 60_000 - REFRESH - 1;
    await a.playback.record([{ eventId: 'g1', profileId: 'a2-p1', titleId: 't3', progress: 0.3, device: 'TV', occurredAt: new Date(now) }]);
    expect((await a.cache.variants(['t3'])).get('t3')!.get('t3-a2')).toEqual({ shown: 1, taken: 1 });
    expect((await a.cache.themes('a2-p1')).get('PORTRAIT')).toMatchObject({ shown: 1, taken: 1 });
    // Replica b's copy is younger than the refresh interval: it still has the old counts.
    expect((await b.cache.variants(['t3'])).get('t3')!.get('t3-a2')).toEqual({ shown: 0, taken: 0 });
    // Past it, b answers from its stale copy once while it reads the store, then has the new counts.
    now += REFRESH;
    expect((await b.cache.variants(['t3'])).get('t3')!.get('t3-a2')).toEqual({ shown: 0, taken: 0 });
    await new Promise((resolve) => setImmediate(resolve));
    expect((await b.cache.variants(['t3'])).get('t3')!.get('t3-a2')).toEqual({ shown: 1, taken: 1 });
  });

  it('never counts a duplicate impression locally', async () => {
    const a = replica();
    await a.cache.variants(['t3']);
    await a.impressions.record([shown('d1', 't3-a1')]);
    await a.impressions.record([shown('d1', 't3-a1')]);
    expect((await a.cache.variants(['t3'])).get('t3')!.get('t3-a1')).toEqual({ shown: 1, taken: 0 });
  });

  it('still dresses a page when the store cannot answer, and says so', async () => {
    const errors: unknown[] = [];
    const down = { artworkStats: () => Promise.reject(new Error('down')), themeStats: () => Promise.reject(new Error('down')) };
    let calls = 0;
    const hanging = {
      artworkStats: () => (calls++ === 0 ? down.artworkStats() : new Promise<never>(() => {})),
      themeStats: () => (calls++ <= 1 ? down.themeStats() : new Promise<never>(() => {})),
    };
    const { bandit } = replica((err) => errors.push(err), hanging);
    const chosen = await bandit.choose(request('a1-p1'), fixtureData().titles);
    expect(chosen.size).toBe(4);
    expect(errors.length).toBeGreaterThan(0);
    // The next page does not wait for a store that now hangs: it reads again in the background.
    expect((await bandit.choose(request('a1-p1'), fixtureData().titles)).size).toBe(4);
  });
});
