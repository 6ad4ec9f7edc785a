import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../../graph/embedded/embedded-store';
import { allowedFor } from '../../src/domain/types';
import { loadDataset } from '../../src/catalog/load-dataset';
import { createServices, type Services } from '../../src/server/services';
import { trainTestBundle } from '../support/app-harness';
import { generateWorld, observable, type World } from '../../src/world/generate';

const RARE_GENRES = ['Horror', 'Western', 'Anime', 'War', 'Sports', 'Documentary'];

/** On the default world with the serving defaults: the data and settings the demo runs on. */
describe('real-time fold-in', () => {
  let world: World;
  let services: Services;
  let dir: string;

  // A whole bundle (retrieval and ranker) on the default world: about two minutes on two cores.
  beforeAll(async () => {
    world = generateWorld('default', 7);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fold-in-'));
    const store = await EmbeddedStore.open(dir);
    await loadDataset(store, observable(world));
    services = await createServices(store, await trainTestBundle(store));
  }, 600_000);
  afterAll(async () => {
    await services.close();
    await services.store.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const share = async (profileId: string, genre: string) => {
    const found = await services.models.now.retrieval.only('COLLABORATIVE', 100).generate(await services.homepage.request(profileId));
    return found.filter((c) => c.title.genres.includes(genre)).length / found.length;
  };

  it("after three plays of a genre never watched, that genre's share of collaborative candidates rises", async () => {
    const profiles = world.profiles.filter((p) => !p.isKids && world.playbacks.filter((e) => e.profileId === p.id).length >= 8).slice(0, 5);
    const results: [number, number][] = [];
    for (const profile of profiles) {
      const watched = new Set(
        world.playbacks.filter((e) => e.profileId === profile.id).flatMap((e) => world.titles.find((t) => t.id === e.titleId)!.genres),
      );
      const genre = RARE_GENRES.find((g) => !watched.has(g))!;
      const picks = world.titles.filter((t) => t.genres[0] === genre && allowedFor(profile.maturityLimit, t.maturityTier)).slice(0, 3);
      const before = await share(profile.id, genre);
      const outcome = await services.playback.record(
        picks.map((t, i) => ({
          eventId: `fold-${profile.id}-${i}`,
          profileId: profile.id,
          titleId: t.id,
          progress: 1,
          device: 'TV' as const,
        })),
      );
      expect(outcome.accepted).toBe(3);
      results.push([before, await share(profile.id, genre)]);
    }
    expect(results.filter(([before, after]) => after > before).length).toBeGreaterThanOrEqual(4);
    const mean = (i: 0 | 1) => results.reduce((s, r) => s + r[i], 0) / results.length;
    expect(mean(1)).toBeGreaterThan(2 * mean(0));
  });
});
