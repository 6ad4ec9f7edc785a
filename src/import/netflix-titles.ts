import { parse } from 'csv-parse/sync';
import { personSlug } from '../catalog/person-id';
import type { ArtworkTheme, MaturityTier, PersonRef, Title, TitleKind } from '../domain/types';
import { UNKNOWN_COUNTRY, UNKNOWN_LANGUAGE, countryByName } from './countries';

/** Parser from Kaggle's netflix_titles.csv (show_id, type, title, ... description) to domain Titles. */

const COLUMNS = [
  'show_id',
  'type',
  'title',
  'director',
  'cast',
  'country',
  'date_added',
  'release_year',
  'rating',
  'duration',
  'listed_in',
  'description',
] as const;
type Row = Record<(typeof COLUMNS)[number], string>;

export interface NetflixImport {
  titles: Title[];
  skipped: { line: number; reason: string }[];
  /** Titles whose country was empty or not in the country table (imported with country 'XX'). */
  unknownCountries: number;
}

const KINDS: Record<string, TitleKind> = { Movie: 'MOVIE', 'TV Show': 'SERIES' };

// Unrated (NR, UR, blank) counts as adult: the safe side for kids profiles.
const TIERS: Record<string, MaturityTier> = {
  'TV-Y': 'LITTLE_KIDS',
  G: 'LITTLE_KIDS',
  'TV-G': 'LITTLE_KIDS',
  'TV-Y7': 'OLDER_KIDS',
  'TV-Y7-FV': 'OLDER_KIDS',
  PG: 'OLDER_KIDS',
  'TV-PG': 'OLDER_KIDS',
  'PG-13': 'TEENS',
  'TV-14': 'TEENS',
};

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** Artwork themes suggested by words in Netflix genre names, strongest first within a genre. */
const THEME_RULES: [RegExp, ArtworkTheme[]][] = [
  [/Crime|Thriller/, ['DARK', 'DRAMATIC']],
  [/Horror/, ['DARK']],
  [/Myster/, ['DARK', 'PORTRAIT']],
  [/Comed/, ['COMEDY']],
  [/Romantic/, ['ROMANCE']],
  [/Action/, ['ACTION']],
  [/Sci-Fi/, ['ACTION', 'SCENIC']],
  [/Anime/, ['ACTION', 'DRAMATIC']],
  [/Documentar|Docuseries/, ['SCENIC', 'PORTRAIT']],
  [/Nature/, ['SCENIC']],
  [/Kids|Children/, ['COMEDY', 'ENSEMBLE']],
  [/Drama/, ['DRAMATIC', 'PORTRAIT']],
  [/Reality/, ['ENSEMBLE', 'COMEDY']],
  [/Music/, ['PORTRAIT', 'ENSEMBLE']],
  [/Sports/, ['ACTION', 'ENSEMBLE']],
  [/Teen/, ['ROMANCE', 'ENSEMBLE']],
];
const FILL_THEMES: ArtworkTheme[] = ['PORTRAIT', 'ENSEMBLE', 'SCENIC'];

const splitList = (s: string) => [
  ...new Set(
    s
      .split(',')
      .map((x) => x.replace(/\s+/g, ' ').trim())
      .filter(Boolean),
  ),
];

/** Lowercase ASCII slug; names written only in non-Latin scripts fall back to a hash. */

/**
 * Stable person ids shared across titles. Names differing only in accents, case or punctuation
 * ("Eiza González" / "Eiza Gonzalez", "Park Hae-soo" / "Park Hae Soo") are one person spelled
 * two ways in this file, so they share the id of their common slug.
 */
const personId = (name: string) => `nf-p-${personSlug(name)}`;

/** "September 25, 2021" (sometimes with leading spaces) to UTC midnight; null when unreadable. */
function parseAddedDate(text: string): number | null {
  const m = /^([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})$/.exec(text.trim());
  const month = m ? MONTHS.indexOf(m[1].toLowerCase()) : -1;
  return m && month >= 0 ? Date.UTC(Number(m[3]), month, Number(m[2])) : null;
}

/**
 * Typical episode length, since the CSV only gives a season count: kids' shows and anime run
 * about 24 minutes, comedy and reality about 30, everything else (dramas, docuseries) about 45.
 */
function episodeMinutes(genres: string[]): number {
  if (genres.some((g) => /Kids|Anime/.test(g))) return 24;
  if (genres.some((g) => /Comed|Reality/.test(g))) return 30;
  return 45;
}

function themesFor(genres: string[]): ArtworkTheme[] {
  const themes = new Set<ArtworkTheme>();
  for (const genre of genres) for (const [re, ts] of THEME_RULES) if (re.test(genre)) ts.forEach((t) => themes.add(t));
  FILL_THEMES.forEach((t) => themes.add(t));
  return [...themes].slice(0, 3);
}

/** Parses with csv-parse; a structural error (e.g. an unclosed quote) throws naming the line. */
function readRecords(csvText: string): { fields: string[]; line: number }[] {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // csv-parse's typings do not model `info: true`, which wraps each record as { record, info }.
    records = parse(csvText, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (err) {
    const e = err as Error & { lines?: number };
    throw new Error(`netflix_titles.csv is not valid CSV near line ${e.lines ?? '?'}: ${e.message}`, { cause: err });
  }
  // info.lines is where a record ends; quoted fields may span lines, so count back to its start.
  return records.map(({ record, info }) => ({
    fields: record,
    line: info.lines - record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0),
  }));
}

/** Parses netflix_titles.csv text into Titles. Pure and deterministic; bad rows go to `skipped`. */
export function parseNetflixTitles(csvText: string): NetflixImport {
  const [header, ...records] = readRecords(csvText);
  const index = COLUMNS.map((c) => header?.fields.map((f) => f.trim()).indexOf(c) ?? -1);
  const missing = COLUMNS.filter((_, k) => index[k] < 0);
  if (missing.length) throw new Error(`netflix_titles.csv header (line 1) lacks columns: ${missing.join(', ')}`);

  const skipped: NetflixImport['skipped'] = [];
  const rows: { row: Row; line: number }[] = [];
  const firstLine = new Map<string, number>();
  for (const { fields, line } of records) {
    const skip = (reason: string) => skipped.push({ line, reason });
    if (fields.length !== header.fields.length) {
      skip(`expected ${header.fields.length} fields, got ${fields.length}`);
      continue;
    }
    const row = Object.fromEntries(COLUMNS.map((c, k) => [c, fields[index[k]]])) as Row;
    const id = row.show_id.trim();
    if (!id) {
      skip('missing show_id');
      continue;
    }
    if (!row.title.trim()) {
      skip(`${id}: missing title`);
      continue;
    }
    if (firstLine.has(id)) {
      skip(`duplicate show_id ${id} (first on line ${firstLine.get(id)})`);
      continue;
    }
    if (!KINDS[row.type.trim()]) {
      skip(`${id}: unknown type "${row.type}"`);
      continue;
    }
    if (!/^\d{4}$/.test(row.release_year.trim())) {
      skip(`${id}: bad release_year "${row.release_year}"`);
      continue;
    }
    // A few rows carry the duration in the rating column ("74 min") and leave duration empty.
    if (!row.duration.trim() && /^\d+\s*min$/i.test(row.rating.trim())) {
      row.duration = row.rating;
      row.rating = '';
    }
    const unit = KINDS[row.type.trim()] === 'MOVIE' ? 'min' : 'seasons?';
    if (!new RegExp(`^\\d+\\s*${unit}$`, 'i').test(row.duration.trim())) {
      skip(`${id}: bad duration "${row.duration}"`);
      continue;
    }
    firstLine.set(id, line);
    rows.push({ row, line });
  }

  const people = (list: string): PersonRef[] => {
    const refs = splitList(list).map((name) => ({ id: personId(name), name }));
    return refs.filter((p, i) => refs.findIndex((q) => q.id === p.id) === i);
  };
  let unknownCountries = 0;

  const titles = rows.map(({ row }): Title => {
    const id = `nf-${row.show_id.trim()}`;
    const kind = KINDS[row.type.trim()];
    const genres = splitList(row.listed_in);
    // The CSV has no language column: language is the main language of the first listed country.
    const country = countryByName(splitList(row.country)[0] ?? '');
    if (!country) unknownCountries++;
    const releaseYear = Number(row.release_year.trim());
    const rating = row.rating.trim();
    const amount = parseInt(row.duration.trim(), 10);
    return {
      id,
      name: row.title.replace(/\s+/g, ' ').trim(),
      kind,
      // Whitespace collapsed: one description in the file has a stray line break.
      description: row.description.replace(/\s+/g, ' ').trim(),
      genres,
      tags: [],
      cast: people(row.cast),
      directors: people(row.director),
      country: country?.code ?? UNKNOWN_COUNTRY,
      language: country?.language ?? UNKNOWN_LANGUAGE,
      releaseYear,
      maturityRating: rating,
      maturityTier: TIERS[rating] ?? 'ADULTS',
      runtimeMinutes: kind === 'MOVIE' ? amount : episodeMinutes(genres),
      seasons: kind === 'SERIES' ? amount : null,
      criticScore: null,
      addedAt: parseAddedDate(row.date_added) ?? Date.UTC(releaseYear, 0, 1),
      artwork: themesFor(genres).map((theme, k) => ({ id: `${id}-a${k + 1}`, titleId: id, theme })),
    };
  });
  return { titles, skipped, unknownCountries };
}
