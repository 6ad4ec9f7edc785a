import { sortByUtility, type Candidate, type RankedCandidate } from '../pipeline/candidates';
import type { HomepageRequest } from '../pipeline/request';
import type { Ranker } from '../pipeline/stages';

/**
 * Rankers that are not the product, for experiments to compare it with: the popularity order
 * (what a homepage without personal ranking shows) and a random order (a planted, known-bad
 * treatment that tells whether an experiment can see an effect at all).
 */

/** Four-week plays, most first. */
export class PopularityRanker implements Ranker {
  async rank(req: HomepageRequest, candidates: readonly Candidate[]): Promise<RankedCandidate[]> {
    let most = 1;
    for (const c of candidates) most = Math.max(most, req.catalog.popularity(c.title.id));
    return sortByUtility(candidates.map((c) => ({ ...c, utility: Math.log1p(req.catalog.popularity(c.title.id)) / Math.log1p(most) })));
  }
}

/**
 * A uniformly random order, the same for a profile and a title all day (a page rebuilt is the
 * same page): FNV-1a of profile, day and title to [0, 1), a few multiplications per candidate
 * where a seeded generator per candidate would cost one set-up each.
 */
export class RandomRanker implements Ranker {
  async rank(req: HomepageRequest, candidates: readonly Candidate[]): Promise<RankedCandidate[]> {
    const day = Math.floor(req.context.now / 86_400_000);
    return sortByUtility(candidates.map((c) => ({ ...c, utility: unitHash(`${req.profile.id}|${day}|${c.title.id}`) })));
  }
}

function unitHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}
