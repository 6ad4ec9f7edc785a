/** Where a candidate came from (kept apart from candidates.ts, which imports the request, so the treatment can name sources); every candidate carries all sources that found it. */
export const CANDIDATE_SOURCES = [
  'CONTINUE_WATCHING',
  'COLLABORATIVE',
  'ITEM_ITEM',
  'CONTENT',
  'TRENDING',
  'POPULAR_IN_SEGMENT',
  'NEW_RELEASES',
  'ACCLAIMED',
] as const;
export type CandidateSource = (typeof CANDIDATE_SOURCES)[number];
