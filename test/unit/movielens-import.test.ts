import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_SKIPPED_ENTRIES, progressFromRating, readMovieLens, splitMovieTitle } from '../../src/import/movielens';
import { sharedDataFile } from '../support/fixture-data';

const ML100K = path.join(__dirname, '..', 'fixtures', 'ml-100k');
const s = (epochSeconds: number) => epochSeconds * 1000;

let tmpRoot: string;
beforeAll(async () => {
  tmpRoot = await fs.mkdtemp(path.join(os.tmpdir(), 'movielens-test-'));
});
afterAll(async () => {
  await fs.rm(tmpRoot, { recursive: true, force: true });
});

/** A fresh folder under the temp root holding the given files. */
async function folder(name: string, files: Record<string, string | Buffer>): Promise<string> {
  const dir = path.join(tmpRoot, name);
  await fs.mkdir(dir, { recursive: true });
  for (const [file, body] of Object.entries(files)) await fs.writeFile(path.join(dir, file), body);
  return dir;
}

describe('progressFromRating', () => {
  test('steps: >=4 finished, 3-3.5, 2-2.5, below 2 an early abandonment', () => {
    expect([5, 4.5, 4, 3.5, 3, 2.5, 2, 1.5, 1, 0.5].map(progressFromRating)).toEqual([1, 1, 1, 0.75, 0.75, 0.4, 0.4, 0.1, 0.1, 0.1]);
  });

  test('monotone non-decreasing over the whole scale, within 0..1', () => {
    let last = -Infinity;
    for (let r = 0; r <= 5; r += 0.25) {
      const p = progressFromRating(r);
      expect(p).toBeGreaterThanOrEqual(last);
      expect(p).toBeGreaterThan(0);
      expect(p).toBeLessThanOrEqual(1);
      last = p;
    }
  });

  test('rejects values that are not ratings', () => {
    expect(() => progressFromRating(Number.NaN)).toThrow(RangeError);
    expect(() => progressFromRating(6)).toThrow(RangeError);
    expect(() => progressFromRating(-1)).toThrow(RangeError);
  });
});

test('splitMovieTitle: year suffix, year ranges, trailing spaces, no year', () => {
  expect(splitMovieTitle('Toy Story (1995)')).toEqual({ name: 'Toy Story', year: 1995 });
  expect(splitMovieTitle('Assembly (Ji jie hao) (2007) ')).toEqual({ name: 'Assembly (Ji jie hao)', year: 2007 });
  expect(splitMovieTitle('Death Note: Desu nôto (2006–2007)')).toEqual({ name: 'Death Note: Desu nôto', year: 2006 });
  expect(splitMovieTitle('Babylon 5')).toEqual({ name: 'Babylon 5', year: null });
  expect(splitMovieTitle('(1995)')).toEqual({ name: '(1995)', year: null });
});

describe('ml-100k fixture', () => {
  const read = () => readMovieLens(ML100K);

  test('layout, counts and manifest', async () => {
    const r = await read();
    expect(r.layout).toBe('ml-100k');
    expect(r.ratings).toBe(38);
    expect(r.tags).toBe(0);
    expect(r.skipped).toEqual([]);
    expect(r.skippedCount).toBe(0);
    expect(r.unknownYears).toBe(1); // "unknown", movie 267
    expect(r.data.manifest).toEqual({
      size: 'imported',
      seed: 0,
      start: s(874966095),
      end: s(876113265),
      counts: { titles: 8, accounts: 5, profiles: 5, playbacks: 38, impressions: 0 },
    });
    expect(r.data.impressions).toEqual([]);
  });

  test('titles: names, years, genres from the flags (u.genre), latin1 decoded', async () => {
    const { titles } = (await read()).data;
    expect(titles.map((t) => [t.id, t.name, t.releaseYear, t.genres])).toEqual([
      ['ml-1', 'Toy Story', 1995, ['Animation', "Children's", 'Comedy']],
      ['ml-2', 'GoldenEye', 1995, ['Action', 'Adventure', 'Thriller']],
      ['ml-9', 'Dead Man Walking', 1995, ['Drama']],
      ['ml-12', 'Usual Suspects, The', 1995, ['Crime', 'Thriller']],
      ['ml-50', 'Star Wars', 1977, ['Action', 'Adventure', 'Romance', 'Sci-Fi', 'War']],
      ['ml-267', 'unknown', 2000, []], // no year anywhere: the default; the "unknown" genre dropped
      ['ml-1175', 'Cité des enfants perdus, La', 1995, ['Adventure', 'Fantasy', 'Sci-Fi']],
      ['ml-1201', 'Marlene Dietrich: Shadow and Light', 1996, ['Documentary']], // year from the release date
    ]);
    expect(titles.find((t) => t.id === 'ml-1175')!.name.normalize('NFC')).toContain('\u00e9');
  });

  test('fixed and unknown fields, artwork from genres, addedAt = first rating', async () => {
    const { titles } = (await read()).data;
    const star = titles.find((t) => t.id === 'ml-50')!;
    expect(star).toMatchObject({
      kind: 'MOVIE',
      description: '',
      tags: [],
      cast: [],
      directors: [],
      country: 'XX',
      language: 'xx',
      maturityRating: '',
      maturityTier: 'ADULTS',
      runtimeMinutes: 110,
      seasons: null,
      criticScore: null,
      addedAt: s(875039865),
    });
    expect(titles.find((t) => t.id === 'ml-1')!.addedAt).toBe(s(874966095));
    expect(titles.find((t) => t.id === 'ml-1201')!.addedAt).toBe(s(875093254));
    expect(star.artwork).toEqual([
      { id: 'ml-50-a1', titleId: 'ml-50', theme: 'ACTION' },
      { id: 'ml-50-a2', titleId: 'ml-50', theme: 'SCENIC' },
      { id: 'ml-50-a3', titleId: 'ml-50', theme: 'ROMANCE' },
    ]);
    for (const t of titles) expect(new Set(t.artwork.map((a) => a.theme)).size).toBe(3);
    expect(titles.find((t) => t.id === 'ml-267')!.artwork.map((a) => a.theme)).toEqual(['PORTRAIT', 'ENSEMBLE', 'SCENIC']);
  });

  test('one account and one adult profile per user, created at the first rating', async () => {
    const { accounts, profiles } = (await read()).data;
    expect(accounts.map((a) => a.id)).toEqual(['mla-1', 'mla-2', 'mla-3', 'mla-7', 'mla-10']);
    expect(accounts[0]).toEqual({ id: 'mla-1', country: 'XX', timeZone: 'UTC', createdAt: s(874966095) });
    expect(profiles.map((p) => p.id)).toEqual(['ml-u1', 'ml-u2', 'ml-u3', 'ml-u7', 'ml-u10']);
    expect(profiles[4]).toEqual({
      id: 'ml-u10',
      accountId: 'mla-10',
      name: 'User 10',
      isKids: false,
      maturityLimit: 'ADULTS',
      language: 'en',
      createdAt: s(876003505),
    });
  });

  test('one playback per rating, progress following the rating, in time order', async () => {
    const { playbacks } = (await read()).data;
    expect(playbacks).toHaveLength(38);
    expect(new Set(playbacks.map((p) => p.eventId)).size).toBe(38);
    const byId = new Map(playbacks.map((p) => [p.eventId, p]));
    expect(byId.get('ml-r1-12')).toEqual({
      eventId: 'ml-r1-12',
      profileId: 'ml-u1',
      titleId: 'ml-12',
      occurredAt: s(875019863),
      progress: 1,
      device: 'WEB',
      sessionId: null,
    });
    expect(byId.get('ml-r2-1')!.progress).toBe(1); // 4 stars
    expect(byId.get('ml-r3-9')!.progress).toBe(0.75); // 3 stars
    expect(byId.get('ml-r2-2')!.progress).toBe(0.4); // 2 stars
    expect(byId.get('ml-r1-9')!.progress).toBe(0.1); // 1 star
    expect(byId.has('ml-r10-267')).toBe(false); // user 10 never rated it
    const times = playbacks.map((p) => p.occurredAt);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  test('deterministic', async () => {
    expect(await read()).toEqual(await read());
  });

  test('malformed rows are skipped with file, line and reason; unknown movies counted', async () => {
    const [data, item, genre] = await Promise.all(['u.data', 'u.item', 'u.genre'].map((f) => fs.readFile(path.join(ML100K, f))));
    const extraData = ['5\t1\t4', '6\tfoo\t3\t875000000', '6\t999\t4\t875000000', '1\t1\t5\t875000001', '6\t1\t9\t875000000'].join('\n');
    const dir = await folder('ml-100k-bad', {
      'u.data': Buffer.concat([data, Buffer.from(`${extraData}\n`)]),
      'u.item': Buffer.concat([
        item,
        Buffer.from('77|Short Row (1990)|01-Jan-1990||\n1|Toy Story again (1995)|01-Jan-1995|||0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n'),
      ]),
      'u.genre': genre,
    });
    const r = await readMovieLens(dir);
    expect(r.ratings).toBe(38);
    expect(r.data.titles).toHaveLength(8);
    expect(r.data.titles[0].name).toBe('Toy Story');
    expect(r.skipped).toEqual([
      { file: 'u.item', line: 9, reason: 'expected 24 fields, got 5' },
      { file: 'u.item', line: 10, reason: 'duplicate movie id 1 (first on line 1)' },
      { file: 'u.data', line: 39, reason: 'expected 4 fields, got 3' },
      { file: 'u.data', line: 40, reason: 'bad movie id "foo"' },
      { file: 'u.data', line: 41, reason: 'rating of unknown movie 999' },
      { file: 'u.data', line: 42, reason: expect.stringMatching(/^duplicate rating of movie 1 by user 1 \(first on line \d+\)$/) },
      { file: 'u.data', line: 43, reason: 'rating 9 outside 0.5..5' },
    ]);
    expect(r.skippedCount).toBe(7);
    expect(r.unknownMovieRatings).toBe(1);
  });

  test('without u.genre the classic genre order is used', async () => {
    const [data, item] = await Promise.all(['u.data', 'u.item'].map((f) => fs.readFile(path.join(ML100K, f))));
    const r = await readMovieLens(await folder('ml-100k-nogenre', { 'u.data': data, 'u.item': item }));
    expect(r.data.titles).toEqual((await readMovieLens(ML100K)).data.titles);
  });
});

describe('CSV layout (a tiny ml-latest-style folder)', () => {
  // CRLF line endings, as in the real files.
  const crlf = (lines: string[]) => `${lines.join('\r\n')}\r\n`;
  const MOVIES = crlf([
    'movieId,title,genres',
    '1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy',
    '11,"American President, The (1995)",Comedy|Drama|Romance',
    '99,Nothing Listed (2015),(no genres listed)',
    '120,Tagged Only (2018),Drama',
    '121,Never Touched,Comedy',
    'abc,Bad Id (2000),Drama',
    '11,Duplicate (1999),Drama',
  ]);
  const RATINGS = crlf([
    'userId,movieId,rating,timestamp',
    '1,1,4.0,964982703',
    '1,11,3.5,964981247',
    '1,99,0.5,964982224',
    '2,1,2.5,1445714835',
    '2,11,5.0,1445714994',
    '2,500,4.0,1445715000',
    'x,1,4.0,1445715000',
    '3,1,4.0',
    '3,1,six,1445715000',
    '3,11,4.5,1445716000',
  ]);
  const TAGS = crlf([
    'userId,movieId,tag,timestamp',
    '1,1,Pixar,964982800',
    '2,1,pixar ,1445714900',
    '3,1,Funny,1445716100',
    '3,1,funny,1445716101',
    '1,1,zany,964982801',
    '1,1,witty,964982802',
    '1,1,toys,964982803',
    '2,1,bright,1445714901',
    '2,1,Animation,1445714902',
    '1,11,"politics, satire",964982900',
    '4,120,Quiet,1445714000',
    '4,777,orphan,1445714000',
  ]);
  const read = async () => readMovieLens(await folder('csv', { 'movies.csv': MOVIES, 'ratings.csv': RATINGS, 'tags.csv': TAGS }));

  test('titles: quoted names with commas, genres, unrated movies kept', async () => {
    const r = await read();
    expect(r.layout).toBe('csv');
    expect(r.data.titles.map((t) => [t.id, t.name, t.releaseYear, t.genres])).toEqual([
      ['ml-1', 'Toy Story', 1995, ['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy']],
      ['ml-11', 'American President, The', 1995, ['Comedy', 'Drama', 'Romance']],
      ['ml-99', 'Nothing Listed', 2015, []],
      ['ml-120', 'Tagged Only', 2018, ['Drama']],
      ['ml-121', 'Never Touched', 2000, ['Comedy']],
    ]);
    expect(r.unknownYears).toBe(1);
  });

  test('tags: normalised, counted once per user, top 5 by users then alphabetical', async () => {
    const r = await read();
    const tags = Object.fromEntries(r.data.titles.map((t) => [t.id, t.tags]));
    // pixar: 2 users; funny: 1 user (twice); the rest 1 user each, alphabetical; witty and zany cut.
    expect(tags).toEqual({
      'ml-1': ['pixar', 'animation', 'bright', 'funny', 'toys'],
      'ml-11': ['politics, satire'],
      'ml-99': [],
      'ml-120': ['quiet'],
      'ml-121': [],
    });
    expect(r.tags).toBe(11);
  });

  test('addedAt: first rating; else first tag; else the end of the history', async () => {
    const { titles, manifest } = (await read()).data;
    const added = Object.fromEntries(titles.map((t) => [t.id, t.addedAt]));
    expect(manifest.start).toBe(s(964981247));
    expect(manifest.end).toBe(s(1445716000));
    expect(added).toEqual({
      'ml-1': s(964982703),
      'ml-11': s(964981247),
      'ml-99': s(964982224),
      'ml-120': s(1445714000),
      'ml-121': s(1445716000),
    });
  });

  test('users, half-star ratings and skipped rows', async () => {
    const r = await read();
    expect(r.data.profiles.map((p) => p.id)).toEqual(['ml-u1', 'ml-u2', 'ml-u3']);
    expect(r.data.accounts.map((a) => [a.id, a.createdAt])).toEqual([
      ['mla-1', s(964981247)],
      ['mla-2', s(1445714835)],
      ['mla-3', s(1445716000)],
    ]);
    const progress = Object.fromEntries(r.data.playbacks.map((p) => [p.eventId, p.progress]));
    expect(progress).toEqual({
      'ml-r1-1': 1,
      'ml-r1-11': 0.75,
      'ml-r1-99': 0.1,
      'ml-r2-1': 0.4,
      'ml-r2-11': 1,
      'ml-r3-11': 1,
    });
    expect(r.ratings).toBe(6);
    expect(r.skipped).toEqual([
      { file: 'movies.csv', line: 7, reason: 'bad movie id "abc"' },
      { file: 'movies.csv', line: 8, reason: 'duplicate movie id 11 (first on line 3)' },
      { file: 'ratings.csv', line: 7, reason: 'rating of unknown movie 500' },
      { file: 'ratings.csv', line: 8, reason: 'bad user id "x"' },
      { file: 'ratings.csv', line: 9, reason: 'expected 4 fields, got 3' },
      { file: 'ratings.csv', line: 10, reason: 'bad rating "six"' },
      { file: 'tags.csv', line: 13, reason: 'tag of unknown movie 777' },
    ]);
    expect(r.skippedCount).toBe(7);
    expect(r.unknownMovieRatings).toBe(1);
  });

  test('tags.csv is optional', async () => {
    const r = await readMovieLens(await folder('csv-notags', { 'movies.csv': MOVIES, 'ratings.csv': RATINGS }));
    expect(r.tags).toBe(0);
    expect(r.data.titles.every((t) => t.tags.length === 0)).toBe(true);
    expect(r.data.titles.find((t) => t.id === 'ml-120')!.addedAt).toBe(s(1445716000)); // untagged now: the end
  });

  test('keeps at most MAX_SKIPPED_ENTRIES reasons but counts every skipped row', async () => {
    const bad = Array.from({ length: 150 }, (_, k) => `${k},1,oops,964982703`);
    const r = await readMovieLens(
      await folder('csv-many-bad', {
        'movies.csv': MOVIES,
        'ratings.csv': crlf(['userId,movieId,rating,timestamp', ...bad, '1,1,4,964982703']),
      }),
    );
    expect(r.skipped).toHaveLength(MAX_SKIPPED_ENTRIES);
    expect(r.skippedCount).toBe(150 + 2); // plus the two bad movie rows
    expect(r.ratings).toBe(1);
  });

  test('a header lacking a column or an unclosed quote throws naming the file', async () => {
    await expect(
      readMovieLens(await folder('csv-bad-header', { 'movies.csv': MOVIES, 'ratings.csv': 'userId,movieId,timestamp\r\n1,1,1\r\n' })),
    ).rejects.toThrow(/ratings\.csv header \(line 1\) lacks columns: rating/);
    await expect(
      readMovieLens(
        await folder('csv-bad-quote', { 'movies.csv': 'movieId,title,genres\n1,"Open (1995),Drama\n', 'ratings.csv': RATINGS }),
      ),
    ).rejects.toThrow(/movies\.csv is not valid CSV near line \d+/);
  });
});

describe('layout detection', () => {
  test('an empty folder is a clear error naming the folder and the files of each layout', async () => {
    const dir = await folder('empty', {});
    const err = await readMovieLens(dir).then(
      () => null,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toContain(dir);
    expect(err!.message).toMatch(/csv layout: ratings\.csv \+ movies\.csv \(optional tags\.csv\)/);
    expect(err!.message).toMatch(/ml-100k layout: u\.data \+ u\.item \(optional u\.genre\)/);
    expect(err!.message).toMatch(/found none of these files/);
  });

  test('a half layout says what was found', async () => {
    const dir = await folder('half', { 'ratings.csv': 'userId,movieId,rating,timestamp\n', 'u.item': '' });
    await expect(readMovieLens(dir)).rejects.toThrow(/not a MovieLens folder.*found ratings\.csv, u\.item$/);
  });

  test('a missing folder', async () => {
    const dir = path.join(tmpRoot, 'no-such-folder');
    await expect(readMovieLens(dir)).rejects.toThrow(
      new RegExp(`MovieLens folder ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not exist`),
    );
  });
});

const REAL = sharedDataFile('movielens-small');
const realExists = existsSync(path.join(REAL, 'ratings.csv')) && existsSync(path.join(REAL, 'movies.csv'));
if (!realExists)
  console.warn(`movielens-import: ${REAL} (ml-latest-small: ratings.csv, movies.csv, tags.csv) is missing; skipping the real-data test`);

(realExists ? test : test.skip)('reads the real ml-latest-small', async () => {
  const r = await readMovieLens(REAL);
  const { data } = r;
  expect(r.layout).toBe('csv');
  expect(r.skipped).toEqual([]);
  expect(r.skippedCount).toBe(0);
  expect(r.ratings).toBe(100836);
  expect(r.tags).toBe(3683);
  expect(data.manifest.counts).toEqual({ titles: 9742, accounts: 610, profiles: 610, playbacks: 100836, impressions: 0 });
  expect(data.profiles).toHaveLength(610);
  expect(data.accounts).toHaveLength(610);
  expect(new Set(data.playbacks.map((p) => p.eventId)).size).toBe(100836);
  // README: ratings between March 29, 1996 and September 24, 2018.
  expect(new Date(data.manifest.start).toISOString().slice(0, 10)).toBe('1996-03-29');
  expect(new Date(data.manifest.end).toISOString().slice(0, 10)).toBe('2018-09-24');
  // Genres on nearly every title (34 are "(no genres listed)"); tags on the 1572 tagged movies.
  expect(data.titles.filter((t) => t.genres.length > 0).length).toBeGreaterThan(9700);
  expect(data.titles.filter((t) => t.tags.length > 0).length).toBe(1572);
  expect(data.titles.every((t) => t.tags.length <= 5 && t.artwork.length === 3)).toBe(true);
  expect(data.titles.every((t) => t.addedAt >= data.manifest.start && t.addedAt <= data.manifest.end)).toBe(true);
  const toy = data.titles.find((t) => t.id === 'ml-1')!;
  expect(toy).toMatchObject({ name: 'Toy Story', releaseYear: 1995, genres: ['Adventure', 'Animation', 'Children', 'Comedy', 'Fantasy'] });
  expect(toy.tags).toContain('pixar');
  expect(new Set(data.playbacks.map((p) => p.progress))).toEqual(new Set([1, 0.75, 0.4, 0.1]));
});
