import { promises as fs } from 'node:fs';
import type { Dataset } from '../domain/dataset';
import { readMl100kLayout } from './movielens-100k';
import { readCsvLayout } from './movielens-csv';
import { Collector, type MovieLensSkip } from './movielens-shared';
import { movieLensWorld } from './movielens-world';

/**
 * MovieLens (GroupLens, https://grouplens.org/datasets/movielens/) to the project's Dataset:
 * movies become titles, users become one account with one profile each, and every rating becomes
 * one playback event whose progress follows the rating (see progressFromRating). There are no
 * impressions: MovieLens does not record what was shown to whom.
 *
 * Two folder layouts are read:
 * - 'csv' (ml-latest, ml-latest-small, ml-20m, ml-25m): ratings.csv `userId,movieId,rating,timestamp`,
 *   movies.csv `movieId,title,genres` (RFC 4180 CSV, UTF-8, titles "Name (1995)", genres
 *   pipe-separated) and optionally tags.csv `userId,movieId,tag,timestamp`.
 * - 'ml-100k' (the classic 1998 set): u.data `user<TAB>item<TAB>rating<TAB>timestamp`, u.item
 *   `id|title|release date|video release date|IMDb URL|19 genre flags` in latin1 and without
 *   any quoting, optionally u.genre `name|index` naming the flag columns. It has no tags.
 * When a folder holds both, the CSV layout wins (it is the newer and richer one).
 *
 * The whole files are read into memory: fine for ml-latest-small, ml-100k and ml-1m sized sets;
 * ml-25m (650 MB of ratings, 25M playback objects) would need a streaming reader.
 *
 * For offline evaluation, note what the titles carry from the whole file and so "see the future"
 * of a temporal split: tags (from tags.csv, all times) and addedAt (first rating). Nothing
 * derived from ratings goes into a title's content (no rating counts or means in descriptions),
 * so content-based features do not leak the held-out ratings.
 *
 * This module is the entry point (layout detection and the result); the work is split across
 * movielens-csv.ts and movielens-100k.ts (one reader per layout), movielens-shared.ts (row
 * parsing, validation and the collector both readers fill) and movielens-world.ts (the mapping to
 * Dataset). Their public names are re-exported here: import from this module.
 */

export { MAX_SKIPPED_ENTRIES, splitMovieTitle } from './movielens-shared';
export type { MovieLensSkip } from './movielens-shared';
export { ML100K_GENRES } from './movielens-100k';
export { DEFAULT_RELEASE_YEAR, MAX_TITLE_TAGS, UNKNOWN_RUNTIME_MINUTES, movieLensThemes, progressFromRating } from './movielens-world';

export type MovieLensLayout = 'csv' | 'ml-100k';

export interface MovieLensData {
  data: Dataset;
  layout: MovieLensLayout;
  /** Ratings imported, i.e. playback events produced. */
  ratings: number;
  /** Tag applications that went into title tags (CSV layout only; 0 for ml-100k). */
  tags: number;
  /** The first MAX_SKIPPED_ENTRIES skipped rows (movie file, then ratings, then tags, each in line order); skippedCount counts them all. */
  skipped: MovieLensSkip[];
  skippedCount: number;
  /** Of the skipped rows, ratings of a movie id missing from the movie file. */
  unknownMovieRatings: number;
  /** Titles whose release year could not be read (given DEFAULT_RELEASE_YEAR). */
  unknownYears: number;
}

const FILES: Record<MovieLensLayout, { required: string[]; optional: string[] }> = {
  csv: { required: ['ratings.csv', 'movies.csv'], optional: ['tags.csv'] },
  'ml-100k': { required: ['u.data', 'u.item'], optional: ['u.genre'] },
};

function expectedFiles(): string {
  return (Object.keys(FILES) as MovieLensLayout[])
    .map(
      (l) =>
        `${l} layout: ${FILES[l].required.join(' + ')}${FILES[l].optional.length ? ` (optional ${FILES[l].optional.join(', ')})` : ''}`,
    )
    .join('; ');
}

/** Which layout the folder holds; throws naming the folder and the files each layout needs. */
async function detectLayout(dir: string): Promise<MovieLensLayout> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'does not exist' : e.code === 'ENOTDIR' ? 'is not a folder' : `cannot be read (${e.message})`;
    throw new Error(`MovieLens folder ${dir} ${why}; expected ${expectedFiles()}`, { cause: err });
  }
  const present = new Set(names);
  for (const layout of ['csv', 'ml-100k'] as const) if (FILES[layout].required.every((f) => present.has(f))) return layout;
  const found = [...FILES.csv.required, ...FILES.csv.optional, ...FILES['ml-100k'].required, ...FILES['ml-100k'].optional].filter((f) =>
    present.has(f),
  );
  throw new Error(
    `${dir} is not a MovieLens folder: expected ${expectedFiles()}; found ${found.length ? found.join(', ') : 'none of these files'}`,
  );
}

/**
 * Reads a MovieLens folder (CSV or ml-100k layout, detected from the files present) into Dataset.
 * Deterministic: the same folder always gives the same data. Malformed rows are skipped and reported;
 * a folder missing the required files, or a file that is not valid CSV / lacks its header columns,
 * throws. Output order: titles by movie id, accounts and profiles by user id, playbacks by time
 * (then event id) so a temporal split is a slice.
 */
export async function readMovieLens(dir: string): Promise<MovieLensData> {
  const layout = await detectLayout(dir);
  const c = new Collector();
  if (layout === 'csv') await readCsvLayout(dir, c);
  else await readMl100kLayout(dir, c);
  const { data, unknownYears } = movieLensWorld(c);
  return {
    data,
    layout,
    ratings: data.playbacks.length,
    tags: c.tags.length,
    skipped: c.skipped,
    skippedCount: c.skippedCount,
    unknownMovieRatings: c.unknownMovieRatings,
    unknownYears,
  };
}
