import type { WorldSize, Dataset, ImportFormat } from '../domain/dataset';
import { worldAroundCatalog, observable, type WorldProgress } from '../world/generate';
import type { WorldTruth } from '../world/truth';
import { readCatalogFile } from './catalog-file';
import { readMovieLens } from './movielens';
import { readAvailabilityFile, withLicences } from './availability-file';

export interface ImportedDataset {
  data: Dataset;
  /** Hidden tastes of simulated viewers; absent for real viewers. */
  truth?: WorldTruth;
  summary: Record<string, unknown>;
}

/**
 * A dataset from files a user provides. `netflix-titles`: a real catalog (CSV file) with viewers
 * simulated around it, licensed where the simulated history reached (src/world/availability.ts).
 * `movielens`: a folder of real viewers and their ratings as implicit interactions (no
 * impressions: MovieLens logged none), licensed everywhere. `availabilityFile` overrides licences
 * (src/import/availability-file.ts).
 */
export async function importDataset(
  format: ImportFormat,
  file: string,
  viewers: WorldSize,
  seed: number,
  onProgress?: WorldProgress,
  availabilityFile?: string,
): Promise<ImportedDataset> {
  const licences = availabilityFile ? await readAvailabilityFile(availabilityFile) : undefined;
  const licensed = (data: Dataset): Dataset =>
    licences ? { ...data, titles: withLicences(data.titles, licences, availabilityFile!) } : data;
  if (format === 'movielens') {
    const ml = await readMovieLens(file);
    return { data: licensed(ml.data), summary: { layout: ml.layout, ratings: ml.ratings, skipped: ml.skippedCount } };
  }
  const { titles, skipped } = await readCatalogFile(file);
  const world = worldAroundCatalog(titles, viewers, seed, onProgress);
  const data = licensed(observable(world));
  return {
    data,
    truth: world.truth,
    summary: {
      titles: titles.length,
      skipped: skipped.length,
      firstSkipped: skipped.slice(0, 5),
      regionalTitles: data.titles.filter((t) => t.availability).length,
    },
  };
}
