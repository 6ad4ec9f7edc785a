import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';

/**
 * What the two MovieLens readers (movielens-csv.ts, movielens-100k.ts) share: the parsed row types,
 * the record splitter, rating validation and the Collector they fill. movielens.ts re-exports the
 * public names (MovieLensSkip, MAX_SKIPPED_ENTRIES, splitMovieTitle).
 */

export interface MovieLensSkip {
  /** File name within the folder, e.g. "ratings.csv". */
  file: string;
  /** 1-based line number in that file. */
  line: number;
  reason: string;
}

/** At most this many skipped rows are kept with their reasons; all are counted. */
export const MAX_SKIPPED_ENTRIES = 100;

/**
 * "Toy Story (1995)" → name "Toy Story", year 1995. Also a series range "(2006–2007)" (first year)
 * and stray trailing spaces, both present in ml-latest-small. Names are otherwise kept as written,
 * including MovieLens's trailing articles ("American President, The"): rewriting them would mangle
 * titles such as "City of Lost Children, The (Cité des enfants perdus, La)".
 */
export function splitMovieTitle(raw: string): { name: string; year: number | null } {
  const text = raw.replace(/\s+/g, ' ').trim();
  const m = /^(.*?)\s*\((\d{4})(?:\s*[-–]\s*\d{0,4})?\)$/.exec(text);
  if (!m || !m[1]) return { name: text, year: null };
  return { name: m[1], year: Number(m[2]) };
}

/** Genre values meaning "no genre": dropped, so the title has no genres rather than a fake one. */
export const NO_GENRE = new Set(['(no genres listed)', 'unknown']);

export interface Movie {
  id: number;
  name: string;
  year: number | null;
  genres: string[];
}

export interface Rating {
  user: number;
  movie: number;
  rating: number;
  /** Epoch ms. */
  at: number;
}

export interface TagUse {
  user: number;
  movie: number;
  tag: string;
  at: number;
}

export async function readText(dir: string, file: string, encoding: BufferEncoding): Promise<string> {
  return fs.readFile(path.join(dir, file), encoding);
}

export async function readOptional(dir: string, file: string, encoding: BufferEncoding): Promise<string | null> {
  try {
    return await readText(dir, file, encoding);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export type Row = { fields: string[]; line: number };

/**
 * Records with the line each starts on. `quote: false` for the ml-100k files, which are not RFC CSV
 * (a title may hold a double quote). A structural CSV error (an unclosed quote) throws naming the
 * file and line: nothing after it can be trusted.
 */
export function records(text: string, file: string, delimiter: string, quote: boolean): Row[] {
  let recs: { record: string[]; info: { lines: number } }[];
  try {
    // csv-parse's typings do not model `info: true`, which wraps each record as { record, info }.
    recs = parse(text, {
      bom: true,
      delimiter,
      quote: quote ? '"' : false,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as typeof recs;
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new Error(`${file} is not valid ${quote ? 'CSV' : 'delimited text'} near line ${e.lines ?? '?'}: ${e.message}`, { cause: err });
  }
  // info.lines is where a record ends; quoted fields may span lines, so count back to its start.
  return recs.map(({ record, info }) => ({
    fields: record,
    line: info.lines - record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0),
  }));
}

export const INT = /^\d+$/;
const RATING = /^\d+(\.\d+)?$/;

/**
 * What the parsers accumulate, in file order: movies first, then ratings and tags checked against
 * them. Skipped rows: the first MAX_SKIPPED_ENTRIES are kept, all are counted.
 */
export class Collector {
  readonly skipped: MovieLensSkip[] = [];
  skippedCount = 0;
  unknownMovieRatings = 0;
  readonly movies = new Map<number, Movie & { line: number }>();
  readonly ratings: Rating[] = [];
  private readonly pairLine = new Map<string, number>();
  readonly tags: TagUse[] = [];

  skip(file: string, line: number, reason: string): void {
    this.skippedCount++;
    if (this.skipped.length < MAX_SKIPPED_ENTRIES) this.skipped.push({ file, line, reason });
  }

  /** The first row of a movie id wins; later ones are skipped. */
  addMovie(file: string, line: number, movie: Movie): void {
    const first = this.movies.get(movie.id);
    if (first) this.skip(file, line, `duplicate movie id ${movie.id} (first on line ${first.line})`);
    else this.movies.set(movie.id, { ...movie, line });
  }

  /**
   * Ratings of unknown movies are skipped and counted. A repeated (user, movie) pair keeps its first
   * row, since the event id `ml-r<user>-<movie>` must be unique (MovieLens holds one rating per pair).
   */
  addRating(file: string, line: number, r: Rating | string): void {
    if (typeof r === 'string') return this.skip(file, line, r);
    if (!this.movies.has(r.movie)) {
      this.unknownMovieRatings++;
      return this.skip(file, line, `rating of unknown movie ${r.movie}`);
    }
    const pair = `${r.user}-${r.movie}`;
    const first = this.pairLine.get(pair);
    if (first !== undefined)
      return this.skip(file, line, `duplicate rating of movie ${r.movie} by user ${r.user} (first on line ${first})`);
    this.pairLine.set(pair, line);
    this.ratings.push(r);
  }

  addTag(file: string, line: number, t: TagUse): void {
    if (!this.movies.has(t.movie)) return this.skip(file, line, `tag of unknown movie ${t.movie}`);
    this.tags.push(t);
  }
}

/**
 * Validates one rating row. Ids must be non-negative integers, the rating a number in 0.5..5
 * (MovieLens's scale: half stars in the CSV sets, whole stars in ml-100k), the timestamp whole
 * seconds since 1970 (UTC).
 */
export function ratingOf(u: string, m: string, r: string, t: string): Rating | string {
  if (!INT.test(u)) return `bad user id "${u}"`;
  if (!INT.test(m)) return `bad movie id "${m}"`;
  if (!RATING.test(r)) return `bad rating "${r}"`;
  const rating = Number(r);
  if (rating < 0.5 || rating > 5) return `rating ${r} outside 0.5..5`;
  if (!INT.test(t)) return `bad timestamp "${t}"`;
  return { user: Number(u), movie: Number(m), rating, at: Number(t) * 1000 };
}
