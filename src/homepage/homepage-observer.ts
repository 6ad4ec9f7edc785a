import type { Candidate } from '../pipeline/candidates';
import type { HomepageResult } from './homepage-result';

/** The stages of a homepage build, timed one by one (request: profile, account and watch state). */
export const HOMEPAGE_STAGES = ['request', 'retrieval', 'ranking', 'rows', 'artwork', 'total'] as const;
export type HomepageStage = (typeof HOMEPAGE_STAGES)[number];

/**
 * What the homepage path reports as it serves, for monitoring (src/monitoring): the service knows
 * nothing of metrics, only that someone may be listening.
 */
export interface HomepageObserver {
  /** Milliseconds one stage took. */
  stage(stage: HomepageStage, ms: number): void;
  /** The candidates retrieval proposed for one page built from scratch. */
  candidates(candidates: readonly Candidate[]): void;
  cacheLookup(hit: boolean): void;
  /** A page about to be returned: what its impressions will refer to by request id, row and position. */
  served(page: HomepageResult): void;
}
