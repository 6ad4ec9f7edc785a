import type { Title } from '../domain/types';
import type { GeneratedCatalog } from './catalog';
import { Rng } from '../shared/random';
import { DAY_MS } from '../shared/time';

/**
 * A real catalog dressed for the simulator: hidden quality, buzz and artwork appeal drawn per
 * title (deterministically from the seed), and its people with the language of their first
 * title and fame from how often they appear. Viewers simulated over it then have favourites
 * among real people and lean to real countries.
 */
export function importedCatalog(titles: readonly Title[], seed: number, end: number): GeneratedCatalog {
  const truth: GeneratedCatalog['truth'] = {};
  const people = new Map<string, GeneratedCatalog['people'][number]>();
  for (const t of [...titles].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const rng = new Rng(`imported:${seed}:${t.id}`);
    const quality = rng.normal();
    const recent = end - t.addedAt < 365 * DAY_MS;
    truth[t.id] = {
      quality,
      buzz: rng.normal(0, 1) + 0.4 * quality + (recent ? 0.6 : 0),
      artworkAppeal: t.artwork.map(() => rng.normal(0, 0.35)),
    };
    for (const p of [...t.cast, ...t.directors]) {
      const known = people.get(p.id);
      if (known) known.fame += 1;
      else people.set(p.id, { id: p.id, name: p.name, language: t.language, fame: 1 });
    }
  }
  return { titles: [...titles], truth, people: [...people.values()] };
}
