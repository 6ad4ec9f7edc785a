import type { Rng, WeightedSampler } from '../shared/random';

/**
 * The logging policy: how the pages of the generated history were chosen. A noisy view of the
 * viewer's taste (so the logs hold hits and misses), popular titles and random ones, after a row
 * of what the viewer is part-way through. The history generator writes the past with it; the
 * simulator's validity check serves it to simulated viewers and compares what they do with the logs.
 */

/** Titles on a page besides Continue Watching: from the personal pool, by popularity, at random. */
export const PAGE_MIX = { personal: 4, popular: 3, random: 3 };
export const ROW_LENGTH = 5;
const PERSONAL_POOL = 200;

/**
 * The titles a viewer's personal picks come from: its best by affinity plus noise (sd 0.8), at most
 * 200, best first (ties in catalog order). A native sort of the scores finds the 200th best, so
 * only the titles above it are sorted as objects: the large world's 30,000 profiles each score
 * 20,000 titles here.
 */
export function personalPool(rng: Rng, members: readonly number[], affinity: ArrayLike<number>): number[] {
  const scores = Float64Array.from(members, (i) => affinity[i] + rng.normal(0, 0.8));
  const cutoff = members.length > PERSONAL_POOL ? Float64Array.from(scores).sort()[members.length - PERSONAL_POOL] : -Infinity;
  const best: { i: number; s: number }[] = [];
  members.forEach((i, k) => {
    if (scores[k] >= cutoff) best.push({ i, s: scores[k] });
  });
  return best
    .sort((a, b) => b.s - a.s)
    .slice(0, PERSONAL_POOL)
    .map((x) => x.i);
}

export interface PolicySlot {
  /** Index of the title in the catalog. */
  index: number;
  rowIndex: number;
  position: number;
  /** In the Continue Watching row. */
  resumed: boolean;
}

/** One page: the resume row (titles part-way through, most recent first), then the mix shuffled into rows of five. */
export function loggingPolicyPage(
  rng: Rng,
  o: {
    resume: readonly number[];
    personal: readonly number[];
    popular: { members: readonly number[]; sampler: WeightedSampler };
    available: (i: number) => boolean;
  },
): PolicySlot[] {
  const fresh = new Set<number>(o.resume);
  const draw = (pick: () => number, count: number) => {
    for (let tries = 0; count > 0 && tries < count * 6; tries++) {
      const i = pick();
      if (!fresh.has(i) && o.available(i)) {
        fresh.add(i);
        count--;
      }
    }
  };
  draw(() => o.personal[rng.int(0, o.personal.length - 1)], PAGE_MIX.personal);
  draw(() => o.popular.members[o.popular.sampler.sample(rng)], PAGE_MIX.popular);
  draw(() => o.popular.members[rng.int(0, o.popular.members.length - 1)], PAGE_MIX.random);
  const browse = [...fresh].slice(o.resume.length);
  for (let k = browse.length - 1; k > 0; k--) {
    const j = rng.int(0, k);
    [browse[k], browse[j]] = [browse[j], browse[k]];
  }
  const firstBrowseRow = o.resume.length > 0 ? 1 : 0;
  return [...o.resume, ...browse].map((index, slot) => {
    const resumed = slot < o.resume.length;
    return {
      index,
      resumed,
      rowIndex: resumed ? 0 : firstBrowseRow + Math.floor((slot - o.resume.length) / ROW_LENGTH),
      position: resumed ? slot : (slot - o.resume.length) % ROW_LENGTH,
    };
  });
}
