import type { WorldSize, Dataset, ImportFormat } from '../domain/dataset';
import { worldAroundCatalog, observable, type WorldProgress } from '../world/generate';
import type { WorldTruth } from '../world/truth';
import { readCatalogFile } from './catalog-file';
import { readMovieLens } from './movielens';
import { readAvailabilityFile, withLicences } from './availability-file';
import { withinLicences } from '../world/availability';

export interface ImportedDataset {
  data: Dataset;
  /** Hidden tastes of simulated viewers; absent for real viewers. */
  truth?: WorldTruth;
  summary: Record<string, unknown>;
}

/**
 * A dataset from files a user provides. `netflix-titles`: a real catalog (CSV file) with viewers
 * simulated around it, with licences drawn as the generated world's are (src/world/availability.ts).
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
  const licensed = (data: Dataset): Dataset => {
    if (!licences) return data;
    const titles = withLicences(data.titles, licences, availabilityFile!);
    // The file's licences hold for the history too: no event of a title its viewer's country does not license.
    const within = <E extends { profileId: string; titleId: string }>(events: readonly E[]) =>
      withinLicences(events, titles, data.accounts, data.profiles);
    const [playbacks, impressions] = [within(data.playbacks), within(data.impressions)];
    return {
      ...data,
      manifest: { ...data.manifest, counts: { ...data.manifest.counts, playbacks: playbacks.length, impressions: impressions.length } },
      titles,
      playbacks,
      impressions,
      ...(data.feedback ? { feedback: within(data.feedback) } : {}),
    };
  };
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
