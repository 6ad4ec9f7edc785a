import { COMPLETED_PROGRESS, type ImpressionEvent, type PlaybackEvent, type Title } from '../domain/types';
import type { TitleFeedback } from '../domain/title-feedback';
import { Rng } from '../shared/random';
import { affinity, titleFacts } from './behaviour';
import type { WorldTruth } from './truth';

/** A viewer who gave up early on a title it does not much like says so with this chance. */
const DOWN_AFTER_ABANDONING = 0.3;
/** A viewer who finished a title it likes a lot says so with this chance. */
const UP_AFTER_FINISHING = 0.2;
/** A viewer shown a title far from its taste marks it down while browsing with this chance, per showing. */
const DOWN_WHILE_BROWSING = 0.004;
/** Affinities (log-odds, src/world/behaviour.ts) that count as "not much", "a lot" and "far from its taste". */
const DISLIKED = 0.5;
const LOVED = 1.5;
const FAR = -0.5;
const ABANDONED = 0.25;
/** Ratings come a few minutes after the last play. */
const RATING_DELAY_MS = 5 * 60_000;

/**
 * Thumbs the simulated viewers give, from their hidden tastes: a thumbs down after giving up
 * early on a title they do not much like, or while browsing past one far from their taste; a
 * thumbs up after finishing one they love. Most viewers rate little, as on real services. A
 * seeded stream of its own, so the rest of the world is the same with or without ratings.
 */
export function drawRatings(
  titles: readonly Title[],
  truth: WorldTruth,
  playbacks: readonly PlaybackEvent[],
  impressions: readonly ImpressionEvent[],
  seed: number,
): TitleFeedback[] {
  const rng = new Rng(`ratings:${seed}`);
  const byId = new Map(titles.map((t) => [t.id, t]));
  const liking = (profileId: string, titleId: string) =>
    affinity(truth.profiles[profileId], titleFacts(byId.get(titleId)!), truth.titles[titleId]);
  const played = new Map<string, { profileId: string; titleId: string; progress: number; lastAt: number }>();
  for (const e of playbacks) {
    const key = `${e.profileId}|${e.titleId}`;
    const known = played.get(key);
    played.set(key, {
      profileId: e.profileId,
      titleId: e.titleId,
      progress: Math.max(known?.progress ?? 0, e.progress),
      lastAt: Math.max(known?.lastAt ?? 0, e.occurredAt),
    });
  }
  const ratings = new Map<string, TitleFeedback>();
  const rate = (profileId: string, titleId: string, rating: 'UP' | 'DOWN', at: number) =>
    ratings.set(`${profileId}|${titleId}`, {
      profileId,
      titleId,
      rating,
      ratedAt: at,
      notInterestedAt: null,
      myListAt: null,
      hiddenAt: null,
      updatedAt: at,
    });
  for (const w of [...played.values()].sort(
    (a, b) => a.lastAt - b.lastAt || (a.profileId + a.titleId < b.profileId + b.titleId ? -1 : 1),
  )) {
    const a = liking(w.profileId, w.titleId);
    if (w.progress < ABANDONED && a < DISLIKED && rng.chance(DOWN_AFTER_ABANDONING))
      rate(w.profileId, w.titleId, 'DOWN', w.lastAt + RATING_DELAY_MS);
    else if (w.progress >= COMPLETED_PROGRESS && a > LOVED && rng.chance(UP_AFTER_FINISHING))
      rate(w.profileId, w.titleId, 'UP', w.lastAt + RATING_DELAY_MS);
  }
  for (const e of impressions) {
    const key = `${e.profileId}|${e.titleId}`;
    if (played.has(key) || ratings.has(key) || !rng.chance(DOWN_WHILE_BROWSING)) continue;
    if (liking(e.profileId, e.titleId) < FAR) rate(e.profileId, e.titleId, 'DOWN', e.occurredAt);
  }
  return [...ratings.values()].sort((a, b) =>
    a.profileId < b.profileId ? -1 : a.profileId > b.profileId ? 1 : a.titleId < b.titleId ? -1 : 1,
  );
}
