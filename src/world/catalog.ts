import { ARTWORK_THEMES, type ArtworkTheme, type MaturityTier, type PersonRef, type Title, type TitleKind } from '../domain/types';
import { Rng } from '../shared/random';
import { DAY_MS } from '../shared/time';
import type { TitleTruth } from './truth';
import { COUNTRIES, GENRES, GENRE_THEMES, GENRE_WEIGHTS, KIDS_GENRES, NAMES, TAGS, TITLE_WORDS } from './vocabulary';

export interface GeneratedCatalog {
  titles: Title[];
  truth: Record<string, TitleTruth>;
  /** Every person, with the language their career is in (used to pick favourites). */
  people: (PersonRef & { language: string; fame: number })[];
}

/** Genre weights nudged per country so that, e.g., Korean titles lean to drama and crime. */
const COUNTRY_GENRE_BOOST: Record<string, Partial<Record<string, number>>> = {
  KR: { Drama: 2, Romance: 2, Crime: 2, Thriller: 1.5, Action: 1.3 },
  JP: { Anime: 8, Animation: 2, Drama: 1.3, Fantasy: 1.5 },
  IN: { Drama: 1.5, Romance: 2, Music: 3, Action: 1.5, Comedy: 1.3 },
  ES: { Crime: 1.8, Thriller: 1.6, Drama: 1.4 },
  MX: { Drama: 1.6, Romance: 1.8, Crime: 1.5 },
  GB: { Crime: 1.6, Mystery: 2, History: 2, Comedy: 1.2 },
  SE: { Crime: 2.5, Thriller: 2 },
  DK: { Crime: 2.5, Thriller: 2 },
  TR: { Drama: 2, Romance: 2, History: 2 },
  NG: { Drama: 1.8, Comedy: 1.6, Romance: 1.6 },
};

const MOVIE_RATINGS: Record<MaturityTier, string[]> = {
  LITTLE_KIDS: ['G'],
  OLDER_KIDS: ['PG'],
  TEENS: ['PG-13'],
  ADULTS: ['R', 'R', 'R', 'NC-17'],
};
const SERIES_RATINGS: Record<MaturityTier, string[]> = {
  LITTLE_KIDS: ['TV-Y', 'TV-G'],
  OLDER_KIDS: ['TV-Y7', 'TV-PG'],
  TEENS: ['TV-14'],
  ADULTS: ['TV-MA'],
};

function tierFor(rng: Rng, genres: string[]): MaturityTier {
  if (KIDS_GENRES.has(genres[0])) return rng.chance(0.55) ? 'LITTLE_KIDS' : 'OLDER_KIDS';
  if (genres.some((g) => g === 'Horror' || g === 'Crime' || g === 'War')) return rng.chance(0.75) ? 'ADULTS' : 'TEENS';
  if (genres.includes('Teen')) return rng.chance(0.7) ? 'TEENS' : 'OLDER_KIDS';
  return rng.weighted(['OLDER_KIDS', 'TEENS', 'ADULTS'] as const, [1, 4, 4]);
}

function makePeople(rng: Rng, count: number): GeneratedCatalog['people'] {
  const languageWeights = COUNTRIES.map((c) => c.catalogWeight);
  const people: GeneratedCatalog['people'] = [];
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    const language = rng.weighted(COUNTRIES, languageWeights).language;
    const names = NAMES[language];
    let name = `${rng.pick(names.given)} ${rng.pick(names.family)}`;
    // Real name collisions exist, but distinct people with one name would confuse reasons.
    for (let n = 2; used.has(name); n++) name = `${name.replace(/ [IVX]+$|\s\d+$/, '')} ${n}`;
    used.add(name);
    // Zipf-like fame: a few people appear in many titles, most in one or two.
    people.push({ id: `p${i + 1}`, name, language, fame: 1 / Math.pow(rng.int(1, count), 0.8) });
  }
  return people;
}

function makeName(rng: Rng, used: Set<string>): string {
  const fill = () =>
    rng
      .pick(TITLE_WORDS.patterns)
      .replace('{a}', rng.pick(TITLE_WORDS.adjectives))
      .replace('{n2}', rng.pick(TITLE_WORDS.nouns))
      .replace('{n}', rng.pick(TITLE_WORDS.nouns))
      .replace(/^A (?=[AEIOU])/, 'An ');
  let name = fill();
  for (let tries = 0; used.has(name) && tries < 5; tries++) name = fill();
  for (let n = 2; used.has(name); n++) name = `${name.replace(/ \d+$/, '')} ${n}`;
  used.add(name);
  return name;
}

function pickThemes(rng: Rng, genres: string[], count: number): ArtworkTheme[] {
  const weights = ARTWORK_THEMES.map((t) => 0.4 + genres.filter((g) => GENRE_THEMES[g]?.includes(t)).length * 3);
  return rng.sampleWeighted(ARTWORK_THEMES, weights, count);
}

/** Builds the catalog: titles with metadata and artwork, people shared across titles, hidden quality. */
export function generateCatalog(seed: number, titleCount: number, start: number, end: number): GeneratedCatalog {
  const rng = new Rng(`catalog:${seed}`);
  const people = makePeople(rng.fork('people'), Math.round(titleCount * 1.6));
  const byLanguage = new Map<string, GeneratedCatalog['people']>();
  for (const p of people) {
    if (!byLanguage.has(p.language)) byLanguage.set(p.language, []);
    byLanguage.get(p.language)!.push(p);
  }
  const directorPool = new Map([...byLanguage].map(([lang, ps]) => [lang, ps.slice(0, Math.max(3, Math.ceil(ps.length * 0.2)))]));
  const castPool = new Map([...byLanguage].map(([lang, ps]) => [lang, ps.slice(Math.ceil(ps.length * 0.2))]));
  const usedNames = new Set<string>();
  const titles: Title[] = [];
  const truth: Record<string, TitleTruth> = {};
  const endYear = new Date(end).getUTCFullYear();

  for (let i = 0; i < titleCount; i++) {
    const id = `t${i + 1}`;
    const country = rng.weighted(
      COUNTRIES,
      COUNTRIES.map((c) => c.catalogWeight),
    );
    const language = country.language !== 'en' && rng.chance(0.1) ? 'en' : country.language;
    const kind: TitleKind = rng.chance(['KR', 'JP', 'TR'].includes(country.code) ? 0.55 : 0.3) ? 'SERIES' : 'MOVIE';
    const boost = COUNTRY_GENRE_BOOST[country.code] ?? {};
    const genreWeights = GENRES.map((g, k) => GENRE_WEIGHTS[k] * (boost[g] ?? 1) * (g === 'Anime' && country.code !== 'JP' ? 0.1 : 1));
    const primary = rng.weighted(GENRES, genreWeights);
    const secondaryWeights = GENRES.map((g, k) => (g === primary || KIDS_GENRES.has(g) !== KIDS_GENRES.has(primary) ? 0 : genreWeights[k]));
    const genres = [primary, ...rng.sampleWeighted(GENRES, secondaryWeights, rng.weightedIndex([3, 5, 2]))];
    const tags = rng.sampleWeighted(
      TAGS,
      TAGS.map(() => 1),
      rng.int(2, 4),
    );
    const lang = byLanguage.has(language) ? language : 'en';
    const castCandidates = castPool.get(lang)!;
    const cast = rng.sampleWeighted(
      castCandidates,
      castCandidates.map((p) => p.fame),
      rng.int(3, 6),
    );
    const directorCandidates = directorPool.get(lang)!;
    const directors = rng.sampleWeighted(
      directorCandidates,
      directorCandidates.map((p) => p.fame),
      rng.chance(0.1) ? 2 : 1,
    );
    const tier = tierFor(rng, genres);
    const age = Math.min(70, Math.floor(-Math.log(1 - rng.float()) * 8));
    const releaseYear = endYear - age;
    // About 6% of titles arrive during the simulated period: the "new releases" of the world.
    const addedAt =
      (age === 0 && rng.chance(0.6)) || rng.chance(0.03)
        ? start + Math.floor(rng.float() * (end - start))
        : start - Math.floor(rng.float() * 3 * 365 * DAY_MS) - DAY_MS;
    const quality = rng.normal();
    const runtimeMinutes =
      kind === 'MOVIE'
        ? Math.round(Math.min(200, Math.max(70, rng.normal(KIDS_GENRES.has(primary) ? 88 : 108, 18))))
        : rng.pick(KIDS_GENRES.has(primary) ? [11, 22, 24] : [22, 30, 45, 50, 60]);
    const artwork = pickThemes(rng, genres, rng.int(3, 6)).map((theme, k) => ({ id: `${id}-a${k + 1}`, titleId: id, theme }));
    titles.push({
      id,
      name: makeName(rng, usedNames),
      kind,
      description:
        `A ${tags[0]} ${genres[0].toLowerCase()} ${kind === 'MOVIE' ? 'film' : 'series'} from ${country.name}` +
        `${tags[1] ? `, ${tags[1]}` : ''}, starring ${cast
          .slice(0, 2)
          .map((p) => p.name)
          .join(' and ')}.`,
      genres,
      tags,
      cast: cast.map(({ id: pid, name }) => ({ id: pid, name })),
      directors: directors.map(({ id: pid, name }) => ({ id: pid, name })),
      country: country.code,
      language,
      releaseYear,
      maturityRating: rng.pick((kind === 'MOVIE' ? MOVIE_RATINGS : SERIES_RATINGS)[tier]),
      maturityTier: tier,
      runtimeMinutes,
      seasons: kind === 'SERIES' ? rng.weightedIndex([0, 5, 3, 2, 1, 1, 0.5, 0.3]) : null,
      criticScore: rng.chance(0.9) ? Math.round(Math.min(100, Math.max(5, 62 + 14 * quality + rng.normal(0, 8)))) : null,
      addedAt,
      artwork,
    });
    truth[id] = {
      quality,
      buzz: rng.normal(0, 1) + 0.4 * quality + (age <= 1 ? 0.6 : 0),
      artworkAppeal: artwork.map(() => rng.normal(0, 0.35)),
    };
  }
  return { titles, truth, people };
}
