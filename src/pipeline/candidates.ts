import { allowedFor, type Title } from '../domain/types';
import { passesFilter } from '../domain/title-filter';
import { availableIn } from '../domain/availability';
import type { HomepageRequest } from './request';
import type { HeadProbabilities } from './utility';
import type { CandidateSource } from './candidate-sources';

export { CANDIDATE_SOURCES, type CandidateSource } from './candidate-sources';

export interface Candidate {
  title: Title;
  /** Score each source gave it (higher is better; scales differ between sources). */
  sources: Map<CandidateSource, number>;
}

export interface SourcedTitle {
  title: Title;
  score: number;
}

/**
 * Titles the viewer may be shown at all: within the profile's limit, released, licensed in the
 * account's country (not the context's, which the client states: a licence cannot be had by
 * claiming another country), within the request's filter. Continue Watching and My List offer
 * such titles whether finished or not.
 */
export function visibleTo(req: HomepageRequest): (t: Title) => boolean {
  const { now } = req.context;
  const country = req.account.country;
  return (t) =>
    allowedFor(req.profile.maturityLimit, t.maturityTier) &&
    t.addedAt <= now &&
    availableIn(t, country, now) &&
    passesFilter(req.filter, t);
}

/** Titles a source may propose: visible to the viewer, not finished, not rejected by it. */
export function proposable(req: HomepageRequest): (t: Title) => boolean {
  const { completed, rejected } = req.signals;
  const visible = visibleTo(req);
  return (t) => !completed.has(t.id) && !rejected.has(t.id) && visible(t);
}

export interface RankedCandidate extends Candidate {
  /** The single number rows are ordered by (higher first). */
  utility: number;
  /** The model's head outputs, when a trained model ranked the candidate. */
  heads?: HeadProbabilities;
}

/**
 * The candidates, highest utility first, ties by id so pages are stable. Sorted as indexes over
 * the utilities copied into one buffer: in the served pipeline, a comparator shared by every
 * ranker that read each candidate's utility allocated about 150 KB per sort of 430 candidates
 * (measured; a copy of it local to one ranker, 12 KB), and every page sorts them. Compared rather
 * than subtracted: a comparator that returns a fraction allocates it.
 */
export function sortByUtility<C extends RankedCandidate>(ranked: readonly C[]): C[] {
  const n = ranked.length;
  const utilities = new Float64Array(n);
  const order = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    utilities[i] = ranked[i].utility;
    order[i] = i;
  }
  order.sort((a, b) =>
    utilities[a] > utilities[b] ? -1 : utilities[a] < utilities[b] ? 1 : ranked[a].title.id < ranked[b].title.id ? -1 : 1,
  );
  return order.map((i) => ranked[i]);
}
