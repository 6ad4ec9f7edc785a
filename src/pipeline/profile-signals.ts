import { COMPLETED_PROGRESS, type Profile, type Title, type WatchState } from '../domain/types';
import { isRejected, type TitleFeedback } from '../domain/title-feedback';
import { DAY_MS } from '../shared/time';
import { descending } from '../shared/compare';

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
  /** Titles the profile has played at all (rejected ones too), or picked at onboarding or rated up. */
  seen: Set<string>;
  /** Most recently watched first. */
  recent: WatchState[];
  /** Titles the viewer picked at onboarding or rated up and has not played here (they appear in `recent` as finished). */
  declared: Set<string>;
  /** Titles rated thumbs up: strong positives wherever watches count, and anchors named "Because You Liked". */
  liked: Set<string>;
  /** Titles rated down or marked "not interested", most recent first: never offered again, anywhere on the page. */
  rejected: Set<string>;
  /** My List, most recently added first (ties by id). */
  myList: string[];
  /** Genre → share of the profile's engaged viewing in the last day: what it is into right now. */
  sessionGenres: Map<string, number>;
}

/** Viewing this recent is the current session's, or the one before: it says what the viewer is into now. */
const SESSION_MS = DAY_MS;

/**
 * How much one onboarding genre weighs against a fully engaged watch of the same age: a few
 * watches outweigh the answers, and the answers age like watches do.
 */
const ONBOARDING_GENRE_WEIGHT = 1;

/**
 * The onboarding picks and thumbs up as finished watches at the moment they were given: what a viewer says it
 * liked is the strongest signal a new profile has, and as a watch it reaches every stage at once
 * (the fold-in of the collaborative vector, content neighbours, genre affinity, the ranker).
 */
function declaredWatches(profileId: string, picks: readonly { titleId: string; at: number }[], watch: readonly WatchState[]): WatchState[] {
  const played = new Set(watch.map((w) => w.titleId));
  const declared = new Map<string, WatchState>();
  for (const { titleId, at } of picks)
    if (!played.has(titleId) && !declared.has(titleId))
      declared.set(titleId, { profileId, titleId, progress: 1, plays: 1, firstAt: at, lastAt: at, completed: true });
  return [...declared.values()];
}

/**
 * `profile` brings its onboarding answers and makes thumbs up count (both absent when the profile
 * is not personalized); `feedback`'s rejections and My List hold either way, being the viewer's
 * own instructions rather than behaviour.
 */
export function profileSignals(
  history: readonly WatchState[],
  titleOf: (id: string) => Title | undefined,
  now: number,
  profile?: Pick<Profile, 'id' | 'onboarding'>,
  feedback: readonly TitleFeedback[] = [],
): ProfileSignals {
  const onboarding = profile?.onboarding;
  // Most recent first: a page that looks only at some of them looks at the latest.
  const rejected = new Set(
    feedback
      .filter(isRejected)
      .sort((a, b) => b.updatedAt - a.updatedAt || (a.titleId < b.titleId ? -1 : 1))
      .map((f) => f.titleId),
  );
  const liked = new Map(profile ? feedback.filter((f) => f.rating === 'UP' && !isRejected(f)).map((f) => [f.titleId, f.ratedAt!]) : []);
  const hiddenAt = new Map(feedback.flatMap((f) => (f.hiddenAt === null ? [] : [[f.titleId, f.hiddenAt] as const])));
  // A rejected title says nothing of the viewer's taste; a liked one says as much as a finished watch.
  const played = history.filter((w) => !rejected.has(w.titleId)).map((w) => (liked.has(w.titleId) ? { ...w, completed: true } : w));
  const picks = [
    ...(onboarding?.titleIds.map((titleId) => ({ titleId, at: onboarding.completedAt })) ?? []),
    ...[...liked].map(([titleId, at]) => ({ titleId, at })),
  ].filter((p) => !rejected.has(p.titleId));
  const declared = profile ? declaredWatches(profile.id, picks, played) : [];
  const watch = [...played, ...declared];
  const genreAffinity = new Map<string, number>();
  let total = 0;
  if (onboarding) {
    const weight = ONBOARDING_GENRE_WEIGHT * Math.pow(0.5, Math.max(0, now - onboarding.completedAt) / DAY_MS / TASTE_HALF_LIFE_DAYS);
    for (const g of onboarding.genres) genreAffinity.set(g, (genreAffinity.get(g) ?? 0) + weight);
    total += weight * onboarding.genres.length;
  }
  for (const w of watch) {
    const title = titleOf(w.titleId);
    if (!title || title.genres.length === 0 || (w.progress < MIN_SIGNAL_PROGRESS && !w.completed)) continue;
    const engagement = w.completed ? 1 : Math.min(1, w.progress / 0.7);
    const ageDays = Math.max(0, (now - w.lastAt) / DAY_MS);
    const weight = (engagement * Math.pow(0.5, ageDays / TASTE_HALF_LIFE_DAYS)) / title.genres.length;
    for (const g of title.genres) genreAffinity.set(g, (genreAffinity.get(g) ?? 0) + weight);
    total += weight * title.genres.length;
  }
  if (total > 0) for (const [g, v] of genreAffinity) genreAffinity.set(g, v / total);
  const sorted = [...watch].sort((a, b) => b.lastAt - a.lastAt);
  return {
    genreAffinity,
    // By latest progress, so a rewatch of a finished title can be resumed too.
    // A title removed from Continue Watching comes back with the next play after its removal.
    inProgress: sorted.filter(
      (w) => w.progress >= 0.02 && w.progress < COMPLETED_PROGRESS && w.lastAt > (hiddenAt.get(w.titleId) ?? -Infinity),
    ),
    completed: new Set(watch.filter((w) => w.completed).map((w) => w.titleId)),
    seen: new Set([...history, ...declared].map((w) => w.titleId)),
    recent: sorted,
    declared: new Set(declared.map((w) => w.titleId)),
    liked: new Set(liked.keys()),
    rejected,
    myList: feedback
      .filter((f) => f.myListAt !== null)
      .sort((a, b) => b.myListAt! - a.myListAt! || (a.titleId < b.titleId ? -1 : 1))
      .map((f) => f.titleId),
    sessionGenres: genreShares(
      played.filter((w) => now - w.lastAt <= SESSION_MS && (w.completed || w.progress >= MIN_SIGNAL_PROGRESS)),
      titleOf,
    ),
  };
}

/** Genres by descending affinity. */
export function topGenres(signals: ProfileSignals, count: number): string[] {
  return [...signals.genreAffinity]
    .sort((a, b) => descending(a[1], b[1]) || (a[0] < b[0] ? -1 : 1))
    .slice(0, count)
    .map(([g]) => g);
}

/** Each genre's share of the watches' genres (a title's genres split its weight). */
function genreShares(watch: readonly WatchState[], titleOf: (id: string) => Title | undefined): Map<string, number> {
  const shares = new Map<string, number>();
  const titles = watch.map((w) => titleOf(w.titleId)).filter((t): t is Title => t !== undefined && t.genres.length > 0);
  for (const t of titles) for (const g of t.genres) shares.set(g, (shares.get(g) ?? 0) + 1 / t.genres.length / titles.length);
  return shares;
}
