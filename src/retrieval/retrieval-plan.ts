import type { CandidateSource } from '../pipeline/candidate-sources';
import { UnionCandidateGenerator } from './union-generator';
import type { CollaborativeModel } from './collaborative-model';
import { collaborativeSource, contentSource, itemItemSource, popularInSegmentSource, trendingSource } from './model-sources';
import { type NeighbourLookup } from '../pipeline/stages';
import { acclaimed, continueWatching, newReleases } from './simple-sources';
import type { PlayCounters } from './play-counters';

export interface RetrievalParts {
  model: CollaborativeModel;
  neighbours: NeighbourLookup;
  counters: PlayCounters;
  onContentUnavailable?: (err: Error) => void;
}

/** How many titles each source proposes; collaborative fills the union up to 300 after them. */
export type SourceQuotas = Record<Exclude<CandidateSource, 'COLLABORATIVE'>, number>;

/**
 * Continue watching and popular-in-segment serve viewers no recall measure sees (in-progress
 * titles are never held out; the segment source is for profiles with under five titles, which
 * evaluation does not score), so their quotas are the product's. The others were chosen by
 * `npm run eval -- --dataset world` on its validation split (tune-quotas.ts, docs/EVALUATION.md):
 * greedily, the source whose extra slots add the most validation recall gets them.
 */
export const SERVED_QUOTAS: SourceQuotas = {
  CONTINUE_WATCHING: 20,
  POPULAR_IN_SEGMENT: 60,
  ITEM_ITEM: 100,
  CONTENT: 60,
  TRENDING: 40,
  NEW_RELEASES: 30,
  ACCLAIMED: 20,
};

/** The sources whose quotas tune-quotas.ts chooses on validation. */
export const TUNED_SOURCES = [
  'ITEM_ITEM',
  'CONTENT',
  'TRENDING',
  'NEW_RELEASES',
  'ACCLAIMED',
] as const satisfies readonly (keyof SourceQuotas)[];

/**
 * The recall stage as the server runs it, and as offline evaluation measures it: every source
 * with its quota, and collaborative filling the union up to 300 after them (it is the strongest
 * source alone, see docs/EVALUATION.md). The ranker orders them.
 */
export function candidateGenerator(p: RetrievalParts, quotas: SourceQuotas = SERVED_QUOTAS): UnionCandidateGenerator {
  return new UnionCandidateGenerator([
    { provider: continueWatching, quota: quotas.CONTINUE_WATCHING },
    { provider: itemItemSource(p.model), quota: quotas.ITEM_ITEM },
    { provider: contentSource(p.neighbours, p.onContentUnavailable), quota: quotas.CONTENT },
    { provider: trendingSource(p.counters), quota: quotas.TRENDING },
    { provider: popularInSegmentSource(p.counters), quota: quotas.POPULAR_IN_SEGMENT },
    { provider: newReleases, quota: quotas.NEW_RELEASES },
    { provider: acclaimed, quota: quotas.ACCLAIMED },
    { provider: collaborativeSource(p.model), quota: 300, fill: true },
  ]);
}
