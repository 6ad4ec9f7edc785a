import { FINISHED_PROGRESS, type Account, type Onboarding, type Profile, type Title, type WatchState } from '../domain/types';
import { profileSignals, topGenres } from '../pipeline/profile-signals';
import { PlayCounters } from '../retrieval/play-counters';
import type { WorldTruth } from '../world/truth';
import { GENRES } from '../world/vocabulary';

/** The onboarding grid: the titles most watched in the viewer's segment (country, kids or not). */
export const GRID_SIZE = 200;
/** Titles a viewer picks from the grid at most, and genres it names. */
export const MAX_PICKS = 5;
export const ANSWER_GENRES = 3;
/** Onboarding asks for at least this many titles; a viewer short of them in the grid searches for more. */
export const MIN_PICKS = 3;

/** What a viewer answers at onboarding, and how many of its titles it found in the grid. */
export interface OnboardingAnswers {
  answers: Onboarding;
  fromGrid: number;
}

/**
 * Per segment, each title's rank by distinct training viewers (0: the most watched). The grid
 * shows the first GRID_SIZE, most watched first.
 */
export function segmentRanks(
  states: readonly WatchState[],
  profiles: ReadonlyMap<string, Profile>,
  accounts: ReadonlyMap<string, Account>,
): Map<string, Map<string, number>> {
  const viewers = new Map<string, Map<string, number>>();
  for (const s of states) {
    const key = segmentOf(profiles.get(s.profileId)!, accounts);
    const counts = viewers.get(key) ?? viewers.set(key, new Map()).get(key)!;
    counts.set(s.titleId, (counts.get(s.titleId) ?? 0) + 1);
  }
  return new Map(
    [...viewers].map(([key, counts]) => [
      key,
      new Map([...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id], rank) => [id, rank])),
    ]),
  );
}

export function segmentOf(profile: Profile, accounts: ReadonlyMap<string, Account>): string {
  return PlayCounters.segmentKey(accounts.get(profile.accountId)!.country, profile.isKids);
}

/**
 * The answers a viewer gives: its favourite genres, and up to MAX_PICKS grid titles it finished
 * (≥ 70%) in training, since a viewer names what it recognises and liked; when fewer than
 * MIN_PICKS qualify, its most engaged other training titles complete them. Among titles as
 * engaged, those watched to the end (rated 4 or more, on MovieLens), then rewatched, then shown
 * earlier in the grid come first; never the most recent, which would hand the answers the
 * viewer's latest session, the best predictor of its held-out titles and no onboarding question.
 */
export function answersOf(
  watch: readonly WatchState[],
  rank: ReadonlyMap<string, number>,
  genres: string[],
  completedAt: number,
): OnboardingAnswers {
  const place = (id: string) => rank.get(id) ?? Infinity;
  const byEngagement = [...watch].sort(
    (a, b) =>
      engagement(b) - engagement(a) ||
      Number(b.completed) - Number(a.completed) ||
      b.plays - a.plays ||
      place(a.titleId) - place(b.titleId) ||
      (a.titleId < b.titleId ? -1 : 1),
  );
  const picks = byEngagement
    .filter((w) => place(w.titleId) < GRID_SIZE && engagement(w) === 1)
    .slice(0, MAX_PICKS)
    .map((w) => w.titleId);
  const fromGrid = picks.length;
  for (const w of byEngagement) {
    if (picks.length >= MIN_PICKS) break;
    if (!picks.includes(w.titleId)) picks.push(w.titleId);
  }
  return { answers: { genres, titleIds: picks, completedAt }, fromGrid };
}

/** Progress as a share of finishing, as profile signals weigh it: 1 for a title finished. */
function engagement(w: WatchState): number {
  return w.completed ? 1 : Math.min(1, w.progress / FINISHED_PROGRESS);
}

/**
 * Genres a viewer names: its ANSWER_GENRES strongest hidden tastes where the dataset has them (the
 * world), else the genres its training history leans to most (MovieLens), as the server's own
 * genre affinity reads that history.
 */
export function genreAnswer(
  profileId: string,
  watch: readonly WatchState[],
  titleOf: (id: string) => Title | undefined,
  now: number,
  truth?: WorldTruth,
): string[] {
  const taste = truth?.profiles[profileId];
  if (!taste) return topGenres(profileSignals(watch, titleOf, now), ANSWER_GENRES);
  return GENRES.map((g, i) => ({ g, a: taste.genre[i] }))
    .sort((x, y) => y.a - x.a || (x.g < y.g ? -1 : 1))
    .slice(0, ANSWER_GENRES)
    .map((x) => x.g);
}
