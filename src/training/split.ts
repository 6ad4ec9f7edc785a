import type { PlaybackEvent } from '../domain/types';

/** One profile's held-out titles, and when its training history ends. */
export interface HeldOut {
  profileId: string;
  titles: Set<string>;
}

export interface Split {
  train: PlaybackEvent[];
  test: HeldOut[];
  /** The moment evaluation pretends it is: the last training event. */
  now: number;
}

/** Profiles with fewer titles than this are trained on but not evaluated: 20% of 4 is nothing. */
export const MIN_TITLES = 5;
export const HOLDOUT_SHARE = 0.2;

/**
 * Per profile, the titles it interacted with are ordered by first interaction; the last 20%
 * (at least one) are held out with all their events, the rest is training. Profiles with
 * fewer than MIN_TITLES titles stay whole in training.
 */
export function splitByTime(events: readonly PlaybackEvent[], share = HOLDOUT_SHARE): Split {
  const first = new Map<string, Map<string, number>>();
  for (const e of events) {
    const titles = first.get(e.profileId) ?? new Map<string, number>();
    titles.set(e.titleId, Math.min(titles.get(e.titleId) ?? Infinity, e.occurredAt));
    first.set(e.profileId, titles);
  }
  const held = new Map<string, Set<string>>();
  const test: HeldOut[] = [];
  for (const [profileId, titles] of [...first].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (titles.size < MIN_TITLES) continue;
    const ordered = [...titles].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).map(([id]) => id);
    const out = new Set(ordered.slice(ordered.length - Math.max(1, Math.round(ordered.length * share))));
    held.set(profileId, out);
    test.push({ profileId, titles: out });
  }
  const train = events.filter((e) => !held.get(e.profileId)?.has(e.titleId));
  const now = train.reduce((m, e) => Math.max(m, e.occurredAt), 0);
  return { train, test, now };
}
