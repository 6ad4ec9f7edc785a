import type { Title, WatchState } from '../../domain/types';
import type { ProfileSignals } from '../../pipeline/profile-signals';
import { DAY_MS } from '../../shared/time';

/** Titles that make up "what the profile is into lately". */
const RECENT_TITLES = 5;
/** Below this a play says little about taste (a sample, a misclick). */
const ENGAGED_PROGRESS = 0.1;

/** What the ranker knows about one profile, derived from its watch state at request time. */
export interface ProfileFeatures {
  titles: number;
  active7d: number;
  active30d: number;
  completionRate: number;
  daysSinceLast: number;
  movieShare: number;
  /** Genre → share of long-run (month half-life) engaged viewing, from ProfileSignals. */
  genres: ReadonlyMap<string, number>;
  /** Genre → share among the last few engaged titles: what the profile is on right now. */
  recentGenres: Map<string, number>;
  countries: Map<string, number>;
  languages: Map<string, number>;
  /** The profile's state per title it played. */
  watched: Map<string, WatchState>;
}

/**
 * Pure function of the watch state (the store's, or a training replay's built with the same
 * fold) and the moment, so training and serving agree by construction.
 */
export function profileFeatures(signals: ProfileSignals, titleOf: (id: string) => Title | undefined, now: number): ProfileFeatures {
  const recent = signals.recent;
  let active7d = 0;
  let active30d = 0;
  let completed = 0;
  let movies = 0;
  let known = 0;
  const countries = new Map<string, number>();
  const languages = new Map<string, number>();
  const recentGenres = new Map<string, number>();
  let recentCount = 0;
  for (const w of recent) {
    const age = now - w.lastAt;
    if (age <= 7 * DAY_MS) active7d++;
    if (age <= 30 * DAY_MS) active30d++;
    if (w.completed) completed++;
    const t = titleOf(w.titleId);
    if (!t) continue;
    known++;
    if (t.kind === 'MOVIE') movies++;
    countries.set(t.country, (countries.get(t.country) ?? 0) + 1);
    languages.set(t.language, (languages.get(t.language) ?? 0) + 1);
    if (recentCount < RECENT_TITLES && (w.completed || w.progress >= ENGAGED_PROGRESS) && t.genres.length > 0) {
      recentCount++;
      for (const g of t.genres) recentGenres.set(g, (recentGenres.get(g) ?? 0) + 1 / t.genres.length);
    }
  }
  for (const m of [countries, languages]) for (const [k, v] of m) m.set(k, v / known);
  for (const [g, v] of recentGenres) recentGenres.set(g, v / recentCount);
  return {
    titles: recent.length,
    active7d,
    active30d,
    completionRate: (completed + 1) / (recent.length + 2),
    daysSinceLast: recent.length ? Math.max(0, now - recent[0].lastAt) / DAY_MS : 365,
    movieShare: known ? movies / known : 0.5,
    genres: signals.genreAffinity,
    recentGenres,
    countries,
    languages,
    watched: new Map(recent.map((w) => [w.titleId, w])),
  };
}
