import type { Dataset, DatasetManifest, WorldSize } from '../domain/dataset';
import type { ImpressionEvent, PlaybackEvent, Title } from '../domain/types';
import { generateCatalog, type GeneratedCatalog } from './catalog';
import { generateHistory } from './history';
import { drawLicences, withinLicences } from './availability';
import { drawRatings } from './ratings';
import { importedCatalog } from './imported-catalog';
import { generatePopulation } from './population';
import { DAY_MS } from '../shared/time';
import { DEFAULT_WORLD_END, WORLD_SPECS } from './sizes';
import type { WorldTruth } from './truth';

/** A generated world: its observable data plus the hidden truth only evaluation may read. */
export interface World extends Dataset {
  truth: WorldTruth;
}

export type WorldProgress = (stage: 'catalog' | 'population' | 'history', done: number, total: number) => void;

/** Generates a whole world, deterministically for (size, seed, end). */
export function generateWorld(size: WorldSize, seed: number, onProgress?: WorldProgress, end = DEFAULT_WORLD_END): World {
  const spec = WORLD_SPECS[size];
  const start = end - spec.days * DAY_MS;
  const catalog = generateCatalog(seed, spec.titles, start, end);
  onProgress?.('catalog', 1, 1);
  return simulateViewers(catalog, size, size, seed, start, end, onProgress);
}

/**
 * A world around a real catalog: the population of `size` (its accounts and days; its title
 * count is ignored) watching the given titles, in the days before the newest title was added.
 */
export function worldAroundCatalog(titles: readonly Title[], size: WorldSize, seed: number, onProgress?: WorldProgress): World {
  const spec = WORLD_SPECS[size];
  const end = Math.max(...titles.map((t) => t.addedAt)) + DAY_MS;
  const start = end - spec.days * DAY_MS;
  const catalog = importedCatalog(titles, seed, end);
  onProgress?.('catalog', 1, 1);
  return simulateViewers(catalog, 'imported', size, seed, start, end, onProgress);
}

/** Accounts, profiles and their viewing history over `catalog`, for the population of `populationSize`. */
function simulateViewers(
  catalog: GeneratedCatalog,
  size: DatasetManifest['size'],
  populationSize: WorldSize,
  seed: number,
  start: number,
  end: number,
  onProgress?: WorldProgress,
): World {
  const spec = WORLD_SPECS[populationSize];
  const population = generatePopulation(seed, spec.accounts, start, catalog);
  onProgress?.('population', 1, 1);
  const total = population.profiles.length;
  const history = generateHistory(
    seed,
    catalog.titles,
    catalog.truth,
    population.accounts,
    population.profiles,
    population.tastes,
    start,
    spec.days,
    (done) => onProgress?.('history', done, total),
  );
  const titles = drawLicences(
    catalog.titles,
    population.accounts.map((a) => a.country),
    seed,
  );
  const licensed = <E extends PlaybackEvent | ImpressionEvent>(events: readonly E[]) =>
    withinLicences(events, titles, population.accounts, population.profiles);
  const playbacks = licensed(history.playbacks);
  const impressions = licensed(history.impressions);
  const truth = { titles: catalog.truth, profiles: population.tastes };
  return {
    manifest: {
      size,
      seed,
      start,
      end,
      counts: {
        titles: titles.length,
        accounts: population.accounts.length,
        profiles: population.profiles.length,
        playbacks: playbacks.length,
        impressions: impressions.length,
      },
    },
    titles,
    accounts: population.accounts,
    profiles: population.profiles,
    playbacks,
    impressions,
    feedback: drawRatings(titles, truth, playbacks, impressions, seed),
    truth,
  };
}

/** The part of a world a store may see: everything but the hidden truth. */
export function observable({ truth: _hidden, ...data }: World): Dataset {
  return data;
}
