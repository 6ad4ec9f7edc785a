import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type { Account, ArtworkTheme, PlaybackEvent, Profile, Title } from '../../graph/types';
import type { WorldData } from '../world/generate';
import { UNKNOWN_COUNTRY, UNKNOWN_LANGUAGE } from './countries';

/**
 * MovieLens (GroupLens, https://grouplens.org/datasets/movielens/) to the project's WorldData:
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
 */

export type MovieLensLayout = 'csv' | 'ml-100k';

export interface MovieLensSkip {
  /** File name within the folder, e.g. "ratings.csv". */
  file: string;
  /** 1-based line number in that file. */
  line: number;
  reason: string;
}

export interface MovieLensData {
  data: WorldData;
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

/** At most this many skipped rows are kept with their reasons; all are counted. */
export const MAX_SKIPPED_ENTRIES = 100;

/** Release year for a title with no "(1995)" suffix and no readable release date: an arbitrary mid value. */
export const DEFAULT_RELEASE_YEAR = 2000;

/**
 * MovieLens has no runtimes (links.csv only points at IMDb/TMDB). 110 minutes is a typical
 * feature length; every imported movie gets it, so nothing may read meaning into it.
 */
export const UNKNOWN_RUNTIME_MINUTES = 110;

/** Number of tags kept per title: the most used ones. */
export const MAX_TITLE_TAGS = 5;

/**
 * A rating (0.5..5 stars) as the implicit-feedback strength of one play, so code built for viewing
 * data (graph/watch-state.ts, homepage/profile-signals.ts, the ranker's finish label) reads ratings
 * as interactions of matching strength. A step function, monotone non-decreasing in the rating:
 *
 * | stars     | progress | reads as (with COMPLETED_PROGRESS 0.9, FINISHED_PROGRESS 0.7)        |
 * |-----------|----------|------------------------------------------------------------------------|
 * | >= 4      | 1.0      | watched to the end: completed, full engagement                         |
 * | 3 .. 3.5  | 0.75     | finished (ranker label) but not completed, so it may show in Continue Watching |
 * | 2 .. 2.5  | 0.4      | dropped halfway: partial engagement                                    |
 * | < 2       | 0.1      | early abandonment: a weak signal (still above the 0.05 noise floor)    |
 *
 * Pure. Throws a RangeError for a value that is not a finite number in 0..5.
 */
export function progressFromRating(rating: number): number {
  if (!Number.isFinite(rating) || rating < 0 || rating > 5) throw new RangeError(`rating must be a number in 0..5, got ${rating}`);
  if (rating >= 4) return 1;
  if (rating >= 3) return 0.75;
  if (rating >= 2) return 0.4;
  return 0.1;
}

/** The classic ml-100k genre order of u.item's 19 flag columns (used when u.genre is absent). */
export const ML100K_GENRES = [
  'unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
] as const;

/** Genre values meaning "no genre": dropped, so the title has no genres rather than a fake one. */
const NO_GENRE = new Set(['(no genres listed)', 'unknown']);

/**
 * Artwork themes per MovieLens genre, strongest first. netflix-titles.ts keeps its genre-to-theme
 * rules private (and they match Netflix genre names like "Comedies"), so this is a small local table
 * in the same spirit. Genre names are kept as the file spells them ("Children" in the CSV sets,
 * "Children's" in ml-100k), so both spellings are here.
 */
const GENRE_THEMES: Record<string, ArtworkTheme[]> = {
  Action: ['ACTION'], Adventure: ['ACTION', 'SCENIC'], Animation: ['COMEDY', 'ENSEMBLE'],
  Children: ['COMEDY', 'ENSEMBLE'], "Children's": ['COMEDY', 'ENSEMBLE'], Comedy: ['COMEDY'],
  Crime: ['DARK', 'DRAMATIC'], Documentary: ['SCENIC', 'PORTRAIT'], Drama: ['DRAMATIC', 'PORTRAIT'],
  Fantasy: ['SCENIC', 'ACTION'], 'Film-Noir': ['DARK', 'PORTRAIT'], Horror: ['DARK'], IMAX: ['SCENIC', 'ACTION'],
  Musical: ['ENSEMBLE', 'PORTRAIT'], Mystery: ['DARK', 'PORTRAIT'], Romance: ['ROMANCE'], 'Sci-Fi': ['ACTION', 'SCENIC'],
  Thriller: ['DARK', 'DRAMATIC'], War: ['ACTION', 'DRAMATIC'], Western: ['SCENIC', 'ACTION'],
};
/** Themes filling up to three distinct variants when the genres suggest fewer (as in netflix-titles.ts). */
const FILL_THEMES: ArtworkTheme[] = ['PORTRAIT', 'ENSEMBLE', 'SCENIC'];

/** Three distinct themes: those of the genres in file order, then the fill themes. */
export function movieLensThemes(genres: readonly string[]): ArtworkTheme[] {
  const themes = new Set<ArtworkTheme>();
  for (const g of genres) for (const t of GENRE_THEMES[g] ?? []) themes.add(t);
  for (const t of FILL_THEMES) themes.add(t);
  return [...themes].slice(0, 3);
}

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

interface Movie {
  id: number;
  name: string;
  year: number | null;
  genres: string[];
}

interface Rating {
  user: number;
  movie: number;
  rating: number;
  /** Epoch ms. */
  at: number;
}

interface TagUse {
  user: number;
  movie: number;
  tag: string;
  at: number;
}

const FILES: Record<MovieLensLayout, { required: string[]; optional: string[] }> = {
  csv: { required: ['ratings.csv', 'movies.csv'], optional: ['tags.csv'] },
  'ml-100k': { required: ['u.data', 'u.item'], optional: ['u.genre'] },
};

function expectedFiles(): string {
  return (Object.keys(FILES) as MovieLensLayout[])
    .map((l) => `${l} layout: ${FILES[l].required.join(' + ')}${FILES[l].optional.length ? ` (optional ${FILES[l].optional.join(', ')})` : ''}`)
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
    throw new Error(`MovieLens folder ${dir} ${why}; expected ${expectedFiles()}`);
  }
  const present = new Set(names);
  for (const layout of ['csv', 'ml-100k'] as const) if (FILES[layout].required.every((f) => present.has(f))) return layout;
  const found = [...FILES.csv.required, ...FILES.csv.optional, ...FILES['ml-100k'].required, ...FILES['ml-100k'].optional]
    .filter((f) => present.has(f));
  throw new Error(
    `${dir} is not a MovieLens folder: expected ${expectedFiles()}; found ${found.length ? found.join(', ') : 'none of these files'}`,
  );
}

async function readText(dir: string, file: string, encoding: BufferEncoding): Promise<string> {
  return fs.readFile(path.join(dir, file), encoding);
}

async function readOptional(dir: string, file: string, encoding: BufferEncoding): Promise<string | null> {
  try {
    return await readText(dir, file, encoding);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

type Row = { fields: string[]; line: number };

/**
 * Records with the line each starts on. `quote: false` for the ml-100k files, which are not RFC CSV
 * (a title may hold a double quote). A structural CSV error (an unclosed quote) throws naming the
 * file and line: nothing after it can be trusted.
 */
function records(text: string, file: string, delimiter: string, quote: boolean): Row[] {
  let recs: { record: string[]; info: { lines: number } }[];
  try {
    // csv-parse's typings do not model `info: true`, which wraps each record as { record, info }.
    recs = parse(text, {
      bom: true, delimiter, quote: quote ? '"' : false, info: true, relax_column_count: true, skip_empty_lines: true,
    }) as unknown as typeof recs;
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new Error(`${file} is not valid ${quote ? 'CSV' : 'delimited text'} near line ${e.lines ?? '?'}: ${e.message}`);
  }
  // info.lines is where a record ends; quoted fields may span lines, so count back to its start.
  return recs.map(({ record, info }) => ({
    fields: record,
    line: info.lines - record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0),
  }));
}

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

const INT = /^\d+$/;
const RATING = /^\d+(\.\d+)?$/;

/**
 * What the parsers accumulate, in file order: movies first, then ratings and tags checked against
 * them. Skipped rows: the first MAX_SKIPPED_ENTRIES are kept, all are counted.
 */
class Collector {
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
    if (first !== undefined) return this.skip(file, line, `duplicate rating of movie ${r.movie} by user ${r.user} (first on line ${first})`);
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
function ratingOf(u: string, m: string, r: string, t: string): Rating | string {
  if (!INT.test(u)) return `bad user id "${u}"`;
  if (!INT.test(m)) return `bad movie id "${m}"`;
  if (!RATING.test(r)) return `bad rating "${r}"`;
  const rating = Number(r);
  if (rating < 0.5 || rating > 5) return `rating ${r} outside 0.5..5`;
  if (!INT.test(t)) return `bad timestamp "${t}"`;
  return { user: Number(u), movie: Number(m), rating, at: Number(t) * 1000 };
}

function parseCsvMovies(text: string, c: Collector): void {
  const file = 'movies.csv';
  const { body, index, width } = withHeader(records(text, file, ',', true), file, ['movieId', 'title', 'genres']);
  for (const { fields, line } of body) {
    if (fields.length !== width) { c.skip(file, line, `expected ${width} fields, got ${fields.length}`); continue; }
    const [id, title, genres] = index.map((k) => fields[k]);
    if (!INT.test(id.trim())) { c.skip(file, line, `bad movie id "${id}"`); continue; }
    if (!title.trim()) { c.skip(file, line, `movie ${id.trim()}: empty title`); continue; }
    c.addMovie(file, line, {
      id: Number(id.trim()),
      ...splitMovieTitle(title),
      genres: genres.split('|').map((g) => g.trim()).filter((g) => g && !NO_GENRE.has(g)),
    });
  }
}

function parseCsvRatings(text: string, c: Collector): void {
  const file = 'ratings.csv';
  const { body, index, width } = withHeader(records(text, file, ',', true), file, ['userId', 'movieId', 'rating', 'timestamp']);
  for (const { fields, line } of body) {
    if (fields.length !== width) { c.skip(file, line, `expected ${width} fields, got ${fields.length}`); continue; }
    c.addRating(file, line, ratingOf(...(index.map((k) => fields[k].trim()) as [string, string, string, string])));
  }
}

function parseCsvTags(text: string, c: Collector): void {
  const file = 'tags.csv';
  const { body, index, width } = withHeader(records(text, file, ',', true), file, ['userId', 'movieId', 'tag', 'timestamp']);
  for (const { fields, line } of body) {
    if (fields.length !== width) { c.skip(file, line, `expected ${width} fields, got ${fields.length}`); continue; }
    const [u, m, tag, t] = index.map((k) => fields[k]);
    if (!INT.test(u.trim())) { c.skip(file, line, `bad user id "${u}"`); continue; }
    if (!INT.test(m.trim())) { c.skip(file, line, `bad movie id "${m}"`); continue; }
    if (!INT.test(t.trim())) { c.skip(file, line, `bad timestamp "${t}"`); continue; }
    // Tags are free text: "Funny", " funny" and "funny" are one tag.
    const normal = tag.replace(/\s+/g, ' ').trim().toLowerCase();
    if (!normal) { c.skip(file, line, 'empty tag'); continue; }
    c.addTag(file, line, { user: Number(u.trim()), movie: Number(m.trim()), tag: normal, at: Number(t.trim()) * 1000 });
  }
}

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
    if (fields.length !== width) { c.skip(file, line, `expected ${width} fields, got ${fields.length}`); continue; }
    const [id, title, released] = fields;
    if (!INT.test(id.trim())) { c.skip(file, line, `bad movie id "${id}"`); continue; }
    if (!title.trim()) { c.skip(file, line, `movie ${id.trim()}: empty title`); continue; }
    const flags = fields.slice(5).map((f) => f.trim());
    if (flags.some((f) => f !== '0' && f !== '1')) { c.skip(file, line, `movie ${id.trim()}: genre flags must be 0 or 1`); continue; }
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
    if (fields.length !== 4) { c.skip(file, line, `expected 4 fields, got ${fields.length}`); continue; }
    c.addRating(file, line, ratingOf(...(fields.map((f) => f.trim()) as [string, string, string, string])));
  }
}

/** The tags of one movie: most distinct users first, ties alphabetical, at most MAX_TITLE_TAGS. */
function topTags(uses: Map<string, Set<number>> | undefined): string[] {
  if (!uses) return [];
  return [...uses]
    .map(([tag, users]) => ({ tag, n: users.size }))
    .sort((a, b) => b.n - a.n || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0))
    .slice(0, MAX_TITLE_TAGS)
    .map((t) => t.tag);
}

/**
 * Reads a MovieLens folder (CSV or ml-100k layout, detected from the files present) into WorldData.
 * Deterministic: the same folder always gives the same data. Malformed rows are skipped and reported;
 * a folder missing the required files, or a file that is not valid CSV / lacks its header columns,
 * throws. Output order: titles by movie id, accounts and profiles by user id, playbacks by time
 * (then event id) so a temporal split is a slice.
 */
export async function readMovieLens(dir: string): Promise<MovieLensData> {
  const layout = await detectLayout(dir);
  const c = new Collector();
  if (layout === 'csv') {
    const [moviesText, ratingsText, tagsText] = await Promise.all([
      readText(dir, 'movies.csv', 'utf8'), readText(dir, 'ratings.csv', 'utf8'), readOptional(dir, 'tags.csv', 'utf8'),
    ]);
    parseCsvMovies(moviesText, c);
    parseCsvRatings(ratingsText, c);
    if (tagsText !== null) parseCsvTags(tagsText, c);
  } else {
    // u.item and u.genre are latin1 (ISO-8859-1): the "é" of "Misérables" is the single byte 0xE9.
    const [itemText, dataText, genreText] = await Promise.all([
      readText(dir, 'u.item', 'latin1'), readText(dir, 'u.data', 'latin1'), readOptional(dir, 'u.genre', 'latin1'),
    ]);
    parseItems(itemText, parseGenreNames(genreText), c);
    parseUData(dataText, c);
  }
  const { movies, ratings } = c;

  // Tags: distinct users per (movie, normalised tag), so one user's repeated tag counts once.
  const tagUsers = new Map<number, Map<string, Set<number>>>();
  const firstTagAt = new Map<number, number>();
  for (const t of c.tags) {
    let byTag = tagUsers.get(t.movie);
    if (!byTag) tagUsers.set(t.movie, (byTag = new Map()));
    let users = byTag.get(t.tag);
    if (!users) byTag.set(t.tag, (users = new Set()));
    users.add(t.user);
    firstTagAt.set(t.movie, Math.min(firstTagAt.get(t.movie) ?? Infinity, t.at));
  }

  // First rating per movie and per user (addedAt / createdAt), and the span of the history.
  const firstRatedAt = new Map<number, number>();
  const userSince = new Map<number, number>();
  let start = Infinity;
  let end = -Infinity;
  for (const r of ratings) {
    firstRatedAt.set(r.movie, Math.min(firstRatedAt.get(r.movie) ?? Infinity, r.at));
    userSince.set(r.user, Math.min(userSince.get(r.user) ?? Infinity, r.at));
    start = Math.min(start, r.at);
    end = Math.max(end, r.at);
  }
  const hasRatings = ratings.length > 0;

  let unknownYears = 0;
  const titles = [...movies.values()].sort((a, b) => a.id - b.id).map((m): Title => {
    const id = `ml-${m.id}`;
    if (m.year === null) unknownYears++;
    // addedAt: the first rating, so "new on the service" means "new to MovieLens raters". A movie
    // nobody rated (ml-latest keeps tag-only movies) arrives at its first tag, capped at the end of
    // the history; an untagged one at the end of the history (it was there, unrated, when the data
    // was cut). With no ratings at all, January 1 of the release year.
    const tagAt = firstTagAt.get(m.id);
    const addedAt = firstRatedAt.get(m.id)
      ?? (hasRatings ? Math.min(tagAt ?? end, end) : tagAt ?? Date.UTC(m.year ?? DEFAULT_RELEASE_YEAR, 0, 1));
    return {
      id,
      name: m.name,
      kind: 'MOVIE', // MovieLens is a movie site; the few series in ml-latest are listed as movies too.
      // Empty: MovieLens has no synopses, and a line built from the ratings would leak them into content features.
      description: '',
      genres: m.genres,
      tags: topTags(tagUsers.get(m.id)),
      cast: [], // MovieLens has no people.
      directors: [],
      // Unknown: MovieLens records neither (the project reads 'XX'/'xx' as unknown and builds no feature from them).
      country: UNKNOWN_COUNTRY,
      language: UNKNOWN_LANGUAGE,
      releaseYear: m.year ?? DEFAULT_RELEASE_YEAR,
      // Unrated: counted as adult, the safe side for kids profiles (as in netflix-titles.ts).
      maturityRating: '',
      maturityTier: 'ADULTS',
      runtimeMinutes: UNKNOWN_RUNTIME_MINUTES,
      seasons: null,
      criticScore: null,
      addedAt,
      artwork: movieLensThemes(m.genres).map((theme, k) => ({ id: `${id}-a${k + 1}`, titleId: id, theme })),
    };
  });

  // Users: one account and one profile per user with at least one imported rating (users seen only
  // in tags.csv have no interactions to load). MovieLens says nothing about where users live (the
  // CSV sets have no demographics; ml-100k's zip codes are not read), so the account country is the
  // project's unknown 'XX' and the time zone UTC (offset 0), the zone of MovieLens timestamps.
  // Profiles: English (MovieLens's interface language), adult, not kids.
  const users = [...userSince.keys()].sort((a, b) => a - b);
  const accounts: Account[] = users.map((u) => ({
    id: `mla-${u}`, country: UNKNOWN_COUNTRY, utcOffsetMinutes: 0, createdAt: userSince.get(u)!,
  }));
  const profiles: Profile[] = users.map((u) => ({
    id: `ml-u${u}`, accountId: `mla-${u}`, name: `User ${u}`, isKids: false, maturityLimit: 'ADULTS', language: 'en',
    createdAt: userSince.get(u)!,
  }));

  // One playback per rating, on the web (MovieLens is a website), outside any session.
  const playbacks: PlaybackEvent[] = ratings
    .map((r) => ({
      eventId: `ml-r${r.user}-${r.movie}`, profileId: `ml-u${r.user}`, titleId: `ml-${r.movie}`, occurredAt: r.at,
      progress: progressFromRating(r.rating), device: 'WEB' as const, sessionId: null,
    }))
    .sort((a, b) => a.occurredAt - b.occurredAt || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));

  return {
    data: {
      manifest: {
        size: 'imported',
        seed: 0,
        // The span of the ratings; 0..0 when there are none.
        start: hasRatings ? start : 0,
        end: hasRatings ? end : 0,
        counts: { titles: titles.length, accounts: accounts.length, profiles: profiles.length, playbacks: playbacks.length, impressions: 0 },
      },
      titles,
      accounts,
      profiles,
      playbacks,
      impressions: [],
    },
    layout,
    ratings: playbacks.length,
    tags: c.tags.length,
    skipped: c.skipped,
    skippedCount: c.skippedCount,
    unknownMovieRatings: c.unknownMovieRatings,
    unknownYears,
  };
}
