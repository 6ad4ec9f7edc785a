import { type Collector, INT, NO_GENRE, readOptional, readText, ratingOf, records, splitMovieTitle } from './movielens-shared';

/**
 * The ml-100k layout (the classic 1998 set): u.data `user<TAB>item<TAB>rating<TAB>timestamp`,
 * u.item `id|title|release date|video release date|IMDb URL|19 genre flags` in latin1 and without
 * any quoting, optionally u.genre `name|index` naming the flag columns. It has no tags.
 */

/** The classic ml-100k genre order of u.item's 19 flag columns (used when u.genre is absent). */
export const ML100K_GENRES = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
] as const;

/** u.genre: `name|index` lines naming u.item's flag columns; absent or incomplete entries fall back to ML100K_GENRES. */
function parseGenreNames(text: string | null): string[] {
  const names: string[] = [...ML100K_GENRES];
  if (text === null) return names;
  for (const { fields } of records(text, 'u.genre', '|', false)) {
    const [name, index] = fields.map((f) => f.trim());
    if (name && index !== undefined && INT.test(index) && Number(index) < 64) names[Number(index)] = name;
  }
  // Array.from, not map: map would skip the holes a sparse index list leaves.
  return Array.from({ length: names.length }, (_, k) => names[k] ?? `genre-${k}`);
}

/** ml-100k release dates look like "01-Jan-1995"; the year is what we need. */
function yearOfReleaseDate(text: string): number | null {
  const m = /(\d{4})\s*$/.exec(text.trim());
  return m ? Number(m[1]) : null;
}

function parseItems(text: string, genreNames: string[], c: Collector): void {
  const file = 'u.item';
  const width = 5 + genreNames.length;
  for (const { fields, line } of records(text, file, '|', false)) {
    if (fields.length !== width) {
      c.skip(file, line, `expected ${width} fields, got ${fields.length}`);
      continue;
    }
    const [id, title, released] = fields;
    if (!INT.test(id.trim())) {
      c.skip(file, line, `bad movie id "${id}"`);
      continue;
    }
    if (!title.trim()) {
      c.skip(file, line, `movie ${id.trim()}: empty title`);
      continue;
    }
    const flags = fields.slice(5).map((f) => f.trim());
    if (flags.some((f) => f !== '0' && f !== '1')) {
      c.skip(file, line, `movie ${id.trim()}: genre flags must be 0 or 1`);
      continue;
    }
    const split = splitMovieTitle(title);
    c.addMovie(file, line, {
      id: Number(id.trim()),
      name: split.name,
      // The title's "(1995)" is MovieLens's own release year; the release date column is the fallback.
      year: split.year ?? yearOfReleaseDate(released),
      genres: genreNames.filter((g, k) => flags[k] === '1' && !NO_GENRE.has(g)),
    });
  }
}

function parseUData(text: string, c: Collector): void {
  const file = 'u.data';
  for (const { fields, line } of records(text, file, '\t', false)) {
    if (fields.length !== 4) {
      c.skip(file, line, `expected 4 fields, got ${fields.length}`);
      continue;
    }
    c.addRating(file, line, ratingOf(...(fields.map((f) => f.trim()) as [string, string, string, string])));
  }
}

/** Reads an ml-100k folder into the collector: movies (u.item, genre columns from u.genre), then ratings (u.data). */
export async function readMl100kLayout(dir: string, c: Collector): Promise<void> {
  // u.item and u.genre are latin1 (ISO-8859-1): the "é" of "Misérables" is the single byte 0xE9.
  const [itemText, dataText, genreText] = await Promise.all([
    readText(dir, 'u.item', 'latin1'),
    readText(dir, 'u.data', 'latin1'),
    readOptional(dir, 'u.genre', 'latin1'),
  ]);
  parseItems(itemText, parseGenreNames(genreText), c);
  parseUData(dataText, c);
}
