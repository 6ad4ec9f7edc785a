/**
 * What a viewer tells the service directly about a title: thumbs, "not interested", My List, and
 * "remove from Continue Watching". One record per (profile, title), changed one control at a time
 * by `applyFeedback`, which both stores use so that their answers agree.
 */

export const RATINGS = ['UP', 'DOWN'] as const;
export type Rating = (typeof RATINGS)[number];

export interface TitleFeedback {
  profileId: string;
  titleId: string;
  rating: Rating | null;
  /** When the current rating was given. */
  ratedAt: number | null;
  /** When the viewer said it is not interested; null when it has not (or took it back). */
  notInterestedAt: number | null;
  /** When the title was added to My List; null when it is not on it. */
  myListAt: number | null;
  /** When the viewer removed the title from Continue Watching: a play after it brings the title back. */
  hiddenAt: number | null;
  /** The last time any of the above changed. */
  updatedAt: number;
}

/** One control, set or taken back. */
export type FeedbackChange =
  { rating: Rating | null } | { notInterested: boolean } | { myList: boolean } | { hiddenFromContinueWatching: boolean };

const EMPTY = { rating: null, ratedAt: null, notInterestedAt: null, myListAt: null, hiddenAt: null } as const;

/**
 * The record after `change` at time `at`; null when nothing is left to keep. Idempotent: a control
 * set again keeps its first time (a retried "add to My List" does not move the title to the front).
 * A removal from Continue Watching takes the later time, because a play may have brought the title back in between.
 */
export function applyFeedback(
  current: TitleFeedback | null,
  profileId: string,
  titleId: string,
  change: FeedbackChange,
  at: number,
): TitleFeedback | null {
  const before: TitleFeedback = current ?? { profileId, titleId, ...EMPTY, updatedAt: at };
  const next: TitleFeedback = { ...before };
  if ('rating' in change) {
    if (change.rating !== before.rating) Object.assign(next, { rating: change.rating, ratedAt: change.rating === null ? null : at });
  } else if ('notInterested' in change) {
    next.notInterestedAt = change.notInterested ? (before.notInterestedAt ?? at) : null;
  } else if ('myList' in change) {
    next.myListAt = change.myList ? (before.myListAt ?? at) : null;
  } else {
    next.hiddenAt = change.hiddenFromContinueWatching ? Math.max(before.hiddenAt ?? at, at) : null;
  }
  const changed = (['rating', 'notInterestedAt', 'myListAt', 'hiddenAt'] as const).some((k) => next[k] !== before[k]);
  if (current && !changed) return current;
  return isEmpty(next) ? null : { ...next, updatedAt: at };
}

/**
 * What an erasure of the viewing history keeps: My List, which is the viewer's own list and not a
 * record of what it did; thumbs, "not interested" and Continue Watching removals go with the history.
 */
export function afterErasure(f: TitleFeedback): TitleFeedback | null {
  // Its time is the list's: nothing of the erased controls, not even when they changed, stays.
  return f.myListAt === null ? null : { ...f, ...EMPTY, myListAt: f.myListAt, updatedAt: f.myListAt };
}

/** Whether a change survives an erasure that follows it (the embedded store's purge keeps only those). */
export const keptByErasure = (change: FeedbackChange): boolean => 'myList' in change;

function isEmpty(f: TitleFeedback): boolean {
  return f.rating === null && f.notInterestedAt === null && f.myListAt === null && f.hiddenAt === null;
}

/** Titles the profile must never be offered: thumbs down or not interested. */
export function isRejected(f: TitleFeedback): boolean {
  return f.rating === 'DOWN' || f.notInterestedAt !== null;
}

/** Orders feedback by title id, the order stores answer in. */
export const byTitleId = (a: TitleFeedback, b: TitleFeedback) => (a.titleId < b.titleId ? -1 : a.titleId > b.titleId ? 1 : 0);
