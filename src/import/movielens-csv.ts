import { type Collector, INT, NO_GENRE, readOptional, readText, ratingOf, records, splitMovieTitle, type Row } from './movielens-shared';

/**
 * The CSV layout (ml-latest, ml-latest-small, ml-20m, ml-25m): ratings.csv
 * `userId,movieId,rating,timestamp`, movies.csv `movieId,title,genres` (RFC 4180 CSV, UTF-8, titles
 * "Name (1995)", genres pipe-separated) and optionally tags.csv `userId,movieId,tag,timestamp`.
 * Columns are found by header name.
 */

/** Splits off the header row and maps the wanted columns to their positions; throws when one is missing. */
function withHeader(rows: Row[], file: string, columns: readonly string[]): { body: Row[]; index: number[]; width: number } {
  const [header, ...body] = rows;
  if (!header) throw new Error(`${file} is empty: expected a header row ${columns.join(',')}`);
  const names = header.fields.map((f) => f.trim());
  const index = columns.map((c) => names.indexOf(c));
  const missing = columns.filter((_, k) => index[k] < 0);
  if (missing.length) throw new Error(`${file} header (line ${header.line}) lacks columns: ${missing.join(', ')}`);
  return { body, index, width: names.length };
}

function parseCsvMovies(text: string, c: Collector): void {
  const file = 'movies.csv';
  const { body, index, width } = withHeader(records(text, file, ',', true), file, ['movieId', 'title', 'genres']);
  for (const { fields, line } of body) {
    if (fields.length !== width) {
      c.skip(file, line, `expected ${width} fields, got ${fields.length}`);
      continue;
    }
    const [id, title, genres] = index.map((k) => fields[k]);
    if (!INT.test(id.trim())) {
      c.skip(file, line, `bad movie id "${id}"`);
      continue;
    }
    if (!title.trim()) {
      c.skip(file, line, `movie ${id.trim()}: empty title`);
      continue;
    }
    c.addMovie(file, line, {
      id: Number(id.trim()),
      ...splitMovieTitle(title),
      genres: genres
        .split('|')
        .map((g) => g.trim())
        .filter((g) => g && !NO_GENRE.has(g)),
    });
  }
}

function parseCsvRatings(text: string, c: Collector): void {
  const file = 'ratings.csv';
  const { body, index, width } = withHeader(records(text, file, ',', true), file, ['userId', 'movieId', 'rating', 'timestamp']);
  for (const { fields, line } of body) {
    if (fields.length !== width) {
      c.skip(file, line, `expected ${width} fields, got ${fields.length}`);
      continue;
    }
    c.addRating(file, line, ratingOf(...(index.map((k) => fields[k].trim()) as [string, string, string, string])));
  }
}

function parseCsvTags(text: string, c: Collector): void {
  const file = 'tags.csv';
  const { body, index, width } = withHeader(records(text, file, ',', true), file, ['userId', 'movieId', 'tag', 'timestamp']);
  for (const { fields, line } of body) {
    if (fields.length !== width) {
      c.skip(file, line, `expected ${width} fields, got ${fields.length}`);
      continue;
    }
    const [u, m, tag, t] = index.map((k) => fields[k]);
    if (!INT.test(u.trim())) {
      c.skip(file, line, `bad user id "${u}"`);
      continue;
    }
    if (!INT.test(m.trim())) {
      c.skip(file, line, `bad movie id "${m}"`);
      continue;
    }
    if (!INT.test(t.trim())) {
      c.skip(file, line, `bad timestamp "${t}"`);
      continue;
    }
    // Tags are free text: "Funny", " funny" and "funny" are one tag.
    const normal = tag.replace(/\s+/g, ' ').trim().toLowerCase();
    if (!normal) {
      c.skip(file, line, 'empty tag');
      continue;
    }
    c.addTag(file, line, { user: Number(u.trim()), movie: Number(m.trim()), tag: normal, at: Number(t.trim()) * 1000 });
  }
}

/** Reads a CSV-layout folder into the collector: movies, then ratings, then tags (when tags.csv exists). */
export async function readCsvLayout(dir: string, c: Collector): Promise<void> {
  const [moviesText, ratingsText, tagsText] = await Promise.all([
    readText(dir, 'movies.csv', 'utf8'),
    readText(dir, 'ratings.csv', 'utf8'),
    readOptional(dir, 'tags.csv', 'utf8'),
  ]);
  parseCsvMovies(moviesText, c);
  parseCsvRatings(ratingsText, c);
  if (tagsText !== null) parseCsvTags(tagsText, c);
}
