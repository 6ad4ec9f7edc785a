import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { COUNTRY_TABLE, countryByName } from '../../src/import/countries';
import { parseNetflixTitles } from '../../src/import/netflix-titles';
import { sharedDataFile } from '../support/fixture-data';

const HEADER = 'show_id,type,title,director,cast,country,date_added,release_year,rating,duration,listed_in,description';
// Line numbers matter: s7's title spans lines 9-10, so the row after it is on line 11.
const SAMPLE = [
  HEADER,
  's1,Movie,Quiet Harbor,Kim Ji-woon,"Song Kang-ho, Lee Byung-hun","South Korea, United States","September 25, 2021",2020,PG-13,90 min,"Dramas, International Movies","A drama, with commas."',
  's2,TV Show,Night Signal,,"Song Kang-ho, Jeon Do-yeon",", South Korea"," August 1, 2019",2018,TV-MA,2 Seasons,"Crime TV Shows, International TV Shows, Korean TV Shows",Detectives talk across time.',
  's3,Movie,Short One,Jane Doe,,,,2017,74 min,,Documentaries,A short documentary.',
  's4,TV Show,Little Bears,,,Canada,"May 3, 2020",2019,TV-Y,1 Season,Kids\' TV,Bears.',
  's5,Movie,Family Night,,,Canada,"May 3, 2020",2019,TV-Y7-FV,88 min,Children & Family Movies,Fun.',
  's2,Movie,Duplicate,,,United States,"May 3, 2020",2019,R,100 min,Dramas,Dup.',
  's6,Movie,Late Show,,,West Germany,"May 3, 2020",1985,NR,100 min,"Comedies, Cult Movies",Odd.',
  's7,Movie,"Multi\nLine Title",José Ruiz,Jose Ruiz,Atlantis,"May 3, 2020",2019,UR,95 min,Thrillers,Two lines.',
  's8,Movie,,,,United States,"May 3, 2020",2019,R,100 min,Dramas,No title.',
  's9,Movie,Too Short,,,United States',
  's10,TV Show,Teen Club,,,Japan,"May 3, 2020",2020,TV-14,3 Seasons,"Anime Series, Teen TV Shows",School.',
].join('\n');

describe('parseNetflixTitles on an inline sample', () => {
  const { titles, skipped, unknownCountries } = parseNetflixTitles(SAMPLE);
  const byId = new Map(titles.map((t) => [t.id, t]));
  const get = (id: string) => byId.get(id)!;

  test('keeps valid rows and skips bad ones with their line numbers', () => {
    expect(titles.map((t) => t.id)).toEqual(['nf-s1', 'nf-s2', 'nf-s3', 'nf-s4', 'nf-s5', 'nf-s6', 'nf-s7', 'nf-s10']);
    expect(skipped).toEqual([
      { line: 7, reason: 'duplicate show_id s2 (first on line 3)' },
      { line: 11, reason: 's8: missing title' },
      { line: 12, reason: 'expected 12 fields, got 6' },
    ]);
    expect(get('nf-s2').name).toBe('Night Signal'); // the first s2 wins
  });

  test('quoted fields with commas, lists, kinds and dates', () => {
    const s1 = get('nf-s1');
    expect(s1).toMatchObject({
      name: 'Quiet Harbor',
      kind: 'MOVIE',
      description: 'A drama, with commas.',
      genres: ['Dramas', 'International Movies'],
      country: 'KR',
      language: 'ko',
      releaseYear: 2020,
      maturityRating: 'PG-13',
      maturityTier: 'TEENS',
      runtimeMinutes: 90,
      seasons: null,
      criticScore: null,
      addedAt: Date.UTC(2021, 8, 25),
      tags: [],
    });
    expect(s1.cast.map((p) => p.name)).toEqual(['Song Kang-ho', 'Lee Byung-hun']);
    expect(s1.directors).toEqual([{ id: 'nf-p-kim-ji-woon', name: 'Kim Ji-woon' }]);
    expect(get('nf-s2').addedAt).toBe(Date.UTC(2019, 7, 1)); // leading space in the date
    expect(get('nf-s7').name).toBe('Multi Line Title');
  });

  test('missing director, rating column holding the duration, missing date', () => {
    const s2 = get('nf-s2');
    expect(s2.directors).toEqual([]);
    const s3 = get('nf-s3');
    expect(s3).toMatchObject({ runtimeMinutes: 74, maturityRating: '', maturityTier: 'ADULTS', country: 'XX', language: 'xx' });
    expect(s3.addedAt).toBe(Date.UTC(2017, 0, 1));
  });

  test('series: seasons and typical episode length', () => {
    expect(get('nf-s2')).toMatchObject({ kind: 'SERIES', seasons: 2, runtimeMinutes: 45, country: 'KR', language: 'ko' });
    expect(get('nf-s4')).toMatchObject({ kind: 'SERIES', seasons: 1, runtimeMinutes: 24 });
    expect(get('nf-s10')).toMatchObject({ seasons: 3, runtimeMinutes: 24, country: 'JP', language: 'ja' });
  });

  test('maturity tiers, unrated counted as adult', () => {
    const tiers = Object.fromEntries(titles.map((t) => [t.id, t.maturityTier]));
    expect(tiers).toEqual({
      'nf-s1': 'TEENS',
      'nf-s2': 'ADULTS',
      'nf-s3': 'ADULTS',
      'nf-s4': 'LITTLE_KIDS',
      'nf-s5': 'OLDER_KIDS',
      'nf-s6': 'ADULTS',
      'nf-s7': 'ADULTS',
      'nf-s10': 'TEENS',
    });
  });

  test('former and unknown countries', () => {
    expect(get('nf-s6')).toMatchObject({ country: 'DE', language: 'de' });
    expect(get('nf-s7').country).toBe('XX');
    expect(unknownCountries).toBe(2);
  });

  test('person ids are shared across titles; spellings differing only in accents are one person', () => {
    const song1 = get('nf-s1').cast.find((p) => p.name === 'Song Kang-ho')!;
    const song2 = get('nf-s2').cast.find((p) => p.name === 'Song Kang-ho')!;
    expect(song1.id).toBe('nf-p-song-kang-ho');
    expect(song2).toEqual(song1);
    expect(get('nf-s7').cast[0]).toEqual({ id: 'nf-p-jose-ruiz', name: 'Jose Ruiz' });
    expect(get('nf-s7').directors[0]).toEqual({ id: 'nf-p-jose-ruiz', name: 'José Ruiz' });
  });

  test('three distinct artwork themes from the genres', () => {
    const themes = (id: string) => get(id).artwork.map((a) => a.theme);
    expect(get('nf-s2').artwork.map((a) => a.id)).toEqual(['nf-s2-a1', 'nf-s2-a2', 'nf-s2-a3']);
    expect(get('nf-s2').artwork.every((a) => a.titleId === 'nf-s2')).toBe(true);
    expect(themes('nf-s2')).toEqual(['DARK', 'DRAMATIC', 'PORTRAIT']);
    expect(themes('nf-s4')).toEqual(['COMEDY', 'ENSEMBLE', 'PORTRAIT']);
    expect(themes('nf-s6')).toEqual(['COMEDY', 'PORTRAIT', 'ENSEMBLE']);
  });

  test('deterministic, and person ids do not depend on row order', () => {
    expect(parseNetflixTitles(SAMPLE)).toEqual(parseNetflixTitles(SAMPLE));
    const lines = SAMPLE.split('\n');
    const swapped = [lines[0], lines[2], lines[1]].join('\n');
    const ids = (csv: string) =>
      parseNetflixTitles(csv)
        .titles.flatMap((t) => t.cast)
        .map((p) => `${p.name}=${p.id}`)
        .sort();
    expect(ids(swapped)).toEqual(ids(lines.slice(0, 3).join('\n')));
  });

  test('structurally invalid CSV throws naming the line', () => {
    expect(() => parseNetflixTitles(`${HEADER}\ns1,Movie,"Unclosed,,,,,,,,,\n`)).toThrow(/line \d+/);
    expect(() => parseNetflixTitles('show_id,title\ns1,X\n')).toThrow(/lacks columns: type/);
  });
});

const FILE = sharedDataFile('netflix-titles', 'netflix_titles.csv');
const exists = existsSync(FILE);
if (!exists) console.warn(`netflix-import: ${FILE} is missing; skipping the real-file test`);

(exists ? test : test.skip)('parses the real netflix_titles.csv', () => {
  const text = readFileSync(FILE, 'utf8');
  const { titles, skipped, unknownCountries } = parseNetflixTitles(text);
  expect(titles.length).toBeGreaterThan(8000);
  expect(skipped).toEqual([]); // the 2021 file has no invalid rows
  // 'XX' only where the country field is empty: every named country is in the table.
  const rows: Record<string, string>[] = parse(text, { columns: true });
  const named = rows.flatMap((r) =>
    r.country
      .split(',')
      .map((c) => c.trim())
      .filter(Boolean),
  );
  expect(named.filter((c) => !countryByName(c))).toEqual([]);
  expect(unknownCountries).toBe(rows.filter((r) => !r.country.replace(/,/g, '').trim()).length);
  expect(titles.filter((t) => t.country === 'XX').length / titles.length).toBeLessThan(0.12);
  const signal = titles.find((t) => t.id === 'nf-s1065')!;
  expect(signal).toMatchObject({ name: 'Signal', kind: 'SERIES', country: 'KR', language: 'ko' });
  expect(signal.genres).toEqual(['Crime TV Shows', 'International TV Shows', 'Korean TV Shows']);
  for (const t of titles) {
    expect(new Set(t.artwork.map((a) => a.theme)).size).toBe(3);
    expect(t.runtimeMinutes).toBeGreaterThan(0);
    expect(Number.isFinite(t.addedAt)).toBe(true);
  }
  expect(new Set(COUNTRY_TABLE.map((c) => c.code)).size).toBe(COUNTRY_TABLE.length);
});
