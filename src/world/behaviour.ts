import type { Device, Title } from '../domain/types';
import type { ProfileTaste, TitleTruth } from './truth';
import { GENRE_ALIASES } from './genre-aliases';
import { GENRES, TAGS } from './vocabulary';

/**
 * How simulated viewers behave: pure functions of hidden taste, title and moment. The history
 * generator uses them to write the past; the user simulator uses the same ones to answer pages
 * the API serves, so offline logs and online experiments follow one model.
 */

export interface ViewingMoment {
  device: Device;
  /** Local wall-clock hour, 0..23. */
  localHour: number;
  /** 0 = Monday … 6 = Sunday. */
  localWeekday: number;
}

/** The parts of a title behaviour depends on, pre-indexed so scoring a catalog is cheap. */
export interface TitleFacts {
  genreIndex: number[];
  tagIndex: number[];
  country: string;
  people: string[];
  runtimeMinutes: number;
  isMovie: boolean;
}

const GENRE_INDEX = new Map<string, number[]>([
  ...GENRES.map((g, i): [string, number[]] => [g, [i]]),
  ...Object.entries(GENRE_ALIASES).map(([name, genres]): [string, number[]] => [
    name,
    genres.map((g) => GENRES.indexOf(g as (typeof GENRES)[number])),
  ]),
]);
const TAG_INDEX = new Map<string, number>(TAGS.map((t, i) => [t, i]));

export function titleFacts(title: Title): TitleFacts {
  return {
    genreIndex: [...new Set(title.genres.flatMap((g) => GENRE_INDEX.get(g) ?? []))],
    tagIndex: title.tags.map((t) => TAG_INDEX.get(t) ?? -1).filter((i) => i >= 0),
    country: title.country,
    people: [...title.cast, ...title.directors].map((p) => p.id),
    runtimeMinutes: title.runtimeMinutes,
    isMovie: title.kind === 'MOVIE',
  };
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Tastes as Maps: scoring a whole catalog per profile looks these up millions of times. */
const lookups = new WeakMap<ProfileTaste, { country: Map<string, number>; people: Map<string, number> }>();

function lookupsOf(taste: ProfileTaste) {
  let found = lookups.get(taste);
  if (!found) {
    found = { country: new Map(Object.entries(taste.country)), people: new Map(Object.entries(taste.people)) };
    lookups.set(taste, found);
  }
  return found;
}

/** How much a viewer likes a title regardless of context (log-odds scale, roughly -2..3). */
export function affinity(taste: ProfileTaste, facts: TitleFacts, truth: TitleTruth): number {
  const { country, people } = lookupsOf(taste);
  let genre = 0;
  for (let k = 0; k < facts.genreIndex.length; k++) genre += taste.genre[facts.genreIndex[k]] * (k === 0 ? 2 : 1);
  genre /= facts.genreIndex.length + 1;
  let tag = 0;
  for (let k = 0; k < facts.tagIndex.length; k++) tag += taste.tag[facts.tagIndex[k]];
  let liked = 0;
  if (people.size > 0) for (let k = 0; k < facts.people.length; k++) liked += people.get(facts.people[k]) ?? 0;
  return (
    genre +
    0.5 * (tag / Math.max(1, facts.tagIndex.length)) +
    (country.get(facts.country) ?? 0) +
    Math.min(liked, 1.5) +
    0.35 * truth.quality +
    0.25 * truth.buzz
  );
}

/** How well a title fits the moment: short things on phones and at lunch, long films on weekend TV nights. */
export function contextFit(facts: TitleFacts, moment: ViewingMoment): number {
  let fit = 0;
  const long = facts.runtimeMinutes > 100;
  if (moment.device === 'PHONE') fit -= 0.6 * Math.max(0, (facts.runtimeMinutes - 35) / 60);
  const weekendNight = (moment.localWeekday === 4 || moment.localWeekday === 5) && moment.localHour >= 19 && moment.localHour <= 23;
  if (weekendNight && facts.isMovie) fit += moment.device === 'TV' ? 0.45 : 0.2;
  if (moment.localWeekday < 5 && moment.localHour >= 11 && moment.localHour <= 14) fit += facts.runtimeMinutes <= 30 ? 0.35 : -0.25;
  if ((moment.localHour >= 23 || moment.localHour < 4) && long) fit -= 0.25;
  return fit;
}

/** Chance that a viewer plays a title shown at `position` with a given artwork variant. */
export function clickProbability(titleAffinity: number, fit: number, themeAppeal: number, artworkAppeal: number, position: number): number {
  return sigmoid(-2.7 + 1.1 * titleAffinity + fit + 0.8 * (themeAppeal + artworkAppeal) - 0.06 * position);
}

/** Chance that a started play is carried through (a movie to the end, a series for several episodes). */
export function finishProbability(titleAffinity: number, fit: number, patience: number): number {
  return sigmoid(0.1 + 1.2 * titleAffinity + 0.8 * fit + patience);
}
