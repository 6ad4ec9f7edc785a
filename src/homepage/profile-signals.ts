import { COMPLETED_PROGRESS, type Title, type WatchState } from '../../graph/types';

const DAY_MS = 86_400_000;
/** A month-old watch counts half as much as today's: taste drifts, recent sessions say more. */
const TASTE_HALF_LIFE_DAYS = 30;
/** Below this a play is a sample, not a signal of taste. */
const MIN_SIGNAL_PROGRESS = 0.05;

/** What the first stages know about a profile, derived from its watch state once per request. */
export interface ProfileSignals {
  /** Genre → share of the profile's recent, engaged viewing (sums to 1 when there is history). */
  genreAffinity: Map<string, number>;
  inProgress: WatchState[];
  completed: Set<string>;
  /** Titles the profile has played at all. */
  seen: Set<string>;
  /** Most recently watched first. */
  recent: WatchState[];
}

export function profileSignals(watch: readonly WatchState[], titleOf: (id: string) => Title | undefined, now: number): ProfileSignals {
  const genreAffinity = new Map<string, number>();
  let total = 0;
  for (const w of watch) {
    const title = titleOf(w.titleId);
    if (!title || title.genres.length === 0 || (w.progress < MIN_SIGNAL_PROGRESS && !w.completed)) continue;
    const engagement = w.completed ? 1 : Math.min(1, w.progress / 0.7);
    const ageDays = Math.max(0, (now - w.lastAt) / DAY_MS);
    const weight = engagement * Math.pow(0.5, ageDays / TASTE_HALF_LIFE_DAYS) / title.genres.length;
    for (const g of title.genres) genreAffinity.set(g, (genreAffinity.get(g) ?? 0) + weight);
    total += weight * title.genres.length;
  }
  if (total > 0) for (const [g, v] of genreAffinity) genreAffinity.set(g, v / total);
  const sorted = [...watch].sort((a, b) => b.lastAt - a.lastAt);
  return {
    genreAffinity,
    // By latest progress, so a rewatch of a finished title can be resumed too.
    inProgress: sorted.filter((w) => w.progress >= 0.02 && w.progress < COMPLETED_PROGRESS),
    completed: new Set(watch.filter((w) => w.completed).map((w) => w.titleId)),
    seen: new Set(watch.map((w) => w.titleId)),
    recent: sorted,
  };
}

/** Genres by descending affinity. */
export function topGenres(signals: ProfileSignals, count: number): string[] {
  return [...signals.genreAffinity].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, count).map(([g]) => g);
}
