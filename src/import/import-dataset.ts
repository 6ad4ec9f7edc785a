import type { WorldSize, Dataset, ImportFormat } from '../domain/dataset';
import { worldAroundCatalog, observable, type WorldProgress } from '../world/generate';
import type { WorldTruth } from '../world/truth';
import { readCatalogFile } from './catalog-file';
import { readMovieLens } from './movielens';

export interface ImportedDataset {
  data: Dataset;
  /** Hidden tastes of simulated viewers; absent for real viewers. */
  truth?: WorldTruth;
  summary: Record<string, unknown>;
}

/**
 * A dataset from files a user provides. `netflix-titles`: a real catalog (CSV file) with viewers
 * simulated around it. `movielens`: a folder of real viewers and their ratings as implicit
 * interactions (no impressions: MovieLens logged none).
 */
export async function importDataset(
  format: ImportFormat,
  file: string,
  viewers: WorldSize,
  seed: number,
  onProgress?: WorldProgress,
): Promise<ImportedDataset> {
  if (format === 'movielens') {
    const ml = await readMovieLens(file);
    return { data: ml.data, summary: { layout: ml.layout, ratings: ml.ratings, skipped: ml.skippedCount } };
  }
  const { titles, skipped } = await readCatalogFile(file);
  const world = worldAroundCatalog(titles, viewers, seed, onProgress);
  return {
    data: observable(world),
    truth: world.truth,
    summary: { titles: titles.length, skipped: skipped.length, firstSkipped: skipped.slice(0, 5) },
  };
}
