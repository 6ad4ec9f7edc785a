import type { Account, ArtworkTheme, PlaybackEvent, Profile, Title } from '../domain/types';
import type { Dataset } from '../domain/dataset';
import { UNKNOWN_COUNTRY, UNKNOWN_LANGUAGE } from './countries';
import type { Collector } from './movielens-shared';

/**
 * Maps what the MovieLens readers collected to Dataset (see movielens.ts for the whole picture):
 * movies become titles, users one account with one profile each, ratings playback events.
 * movielens.ts re-exports the public names defined here.
 */

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
 * data (src/domain/watch-state.ts, src/pipeline/profile-signals.ts, the ranker's finish label) reads ratings
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

/**
 * Artwork themes per MovieLens genre, strongest first. netflix-titles.ts keeps its genre-to-theme
 * rules private (and they match Netflix genre names like "Comedies"), so this is a small local table
 * in the same spirit. Genre names are kept as the file spells them ("Children" in the CSV sets,
 * "Children's" in ml-100k), so both spellings are here.
 */
const GENRE_THEMES: Record<string, ArtworkTheme[]> = {
  Action: ['ACTION'],
  Adventure: ['ACTION', 'SCENIC'],
  Animation: ['COMEDY', 'ENSEMBLE'],
  Children: ['COMEDY', 'ENSEMBLE'],
  "Children's": ['COMEDY', 'ENSEMBLE'],
  Comedy: ['COMEDY'],
  Crime: ['DARK', 'DRAMATIC'],
  Documentary: ['SCENIC', 'PORTRAIT'],
  Drama: ['DRAMATIC', 'PORTRAIT'],
  Fantasy: ['SCENIC', 'ACTION'],
  'Film-Noir': ['DARK', 'PORTRAIT'],
  Horror: ['DARK'],
  IMAX: ['SCENIC', 'ACTION'],
  Musical: ['ENSEMBLE', 'PORTRAIT'],
  Mystery: ['DARK', 'PORTRAIT'],
  Romance: ['ROMANCE'],
  'Sci-Fi': ['ACTION', 'SCENIC'],
  Thriller: ['DARK', 'DRAMATIC'],
  War: ['ACTION', 'DRAMATIC'],
  Western: ['SCENIC', 'ACTION'],
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
 * The collected movies, ratings and tags as Dataset, plus the number of titles whose release year
 * could not be read. Output order: titles by movie id, accounts and profiles by user id, playbacks by
 * time (then event id) so a temporal split is a slice.
 */
export function movieLensWorld(c: Collector): { data: Dataset; unknownYears: number } {
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
  const titles = [...movies.values()]
    .sort((a, b) => a.id - b.id)
    .map((m): Title => {
      const id = `ml-${m.id}`;
      if (m.year === null) unknownYears++;
      // addedAt: the first rating, so "new on the service" means "new to MovieLens raters". A movie
      // nobody rated (ml-latest keeps tag-only movies) arrives at its first tag, capped at the end of
      // the history; an untagged one at the end of the history (it was there, unrated, when the data
      // was cut). With no ratings at all, January 1 of the release year.
      const tagAt = firstTagAt.get(m.id);
      const addedAt =
        firstRatedAt.get(m.id) ?? (hasRatings ? Math.min(tagAt ?? end, end) : (tagAt ?? Date.UTC(m.year ?? DEFAULT_RELEASE_YEAR, 0, 1)));
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
  // project's unknown 'XX' and the time zone UTC, the zone of MovieLens timestamps.
  // Profiles: English (MovieLens's interface language), adult, not kids.
  const users = [...userSince.keys()].sort((a, b) => a - b);
  const accounts: Account[] = users.map((u) => ({
    id: `mla-${u}`,
    country: UNKNOWN_COUNTRY,
    timeZone: 'UTC',
    createdAt: userSince.get(u)!,
  }));
  const profiles: Profile[] = users.map((u) => ({
    id: `ml-u${u}`,
    accountId: `mla-${u}`,
    name: `User ${u}`,
    isKids: false,
    maturityLimit: 'ADULTS',
    language: 'en',
    createdAt: userSince.get(u)!,
  }));

  // One playback per rating, on the web (MovieLens is a website), outside any session.
  const playbacks: PlaybackEvent[] = ratings
    .map((r) => ({
      eventId: `ml-r${r.user}-${r.movie}`,
      profileId: `ml-u${r.user}`,
      titleId: `ml-${r.movie}`,
      occurredAt: r.at,
      progress: progressFromRating(r.rating),
      device: 'WEB' as const,
      sessionId: null,
    }))
    .sort((a, b) => a.occurredAt - b.occurredAt || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));

  const data: Dataset = {
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
  };
  return { data, unknownYears };
}
