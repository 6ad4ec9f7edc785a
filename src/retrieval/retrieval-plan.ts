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

/** The sources that can fill the union: the two that rank the whole catalog for any profile with history. */
export const FILL_SOURCES = ['COLLABORATIVE', 'ITEM_ITEM'] as const;
export type FillSource = (typeof FILL_SOURCES)[number];

/**
 * How the union is drawn: each source proposes its quota (in plan order, duplicates merged), then
 * the fill source tops the union up to 300 (its own quota is not used).
 */
export interface RetrievalPlan {
  fill: FillSource;
  quotas: Record<CandidateSource, number>;
}

/** Sources whose quotas are the product's, not tuned: they serve viewers no recall measure sees. */
export const FIXED_SOURCES = ['CONTINUE_WATCHING', 'POPULAR_IN_SEGMENT'] as const satisfies readonly CandidateSource[];

/**
 * Continue watching and popular-in-segment serve viewers no recall measure sees (in-progress
 * titles are never held out; the segment source is for profiles with under five titles, which
 * evaluation does not score), so their quotas are the product's. The fill source and the other
 * quotas were chosen by `npm run eval -- --dataset world` on its validation split
 * (tune-quotas.ts, docs/EVALUATION.md): greedily, the source whose extra slots add the most
 * validation recall gets them.
 */
export const SERVED_PLAN: RetrievalPlan = {
  fill: 'COLLABORATIVE',
  quotas: {
    CONTINUE_WATCHING: 20,
    POPULAR_IN_SEGMENT: 60,
    COLLABORATIVE: 0,
    ITEM_ITEM: 100,
    CONTENT: 60,
    TRENDING: 40,
    NEW_RELEASES: 30,
    ACCLAIMED: 20,
  },
};

/**
 * The recall stage as the server runs it, and as offline evaluation measures it: every source
 * with its quota, and the fill source topping the union up to 300 after them. The ranker orders them.
 */
export function candidateGenerator(p: RetrievalParts, plan: RetrievalPlan = SERVED_PLAN): UnionCandidateGenerator {
  const sources = [
    continueWatching,
    collaborativeSource(p.model),
    itemItemSource(p.model),
    contentSource(p.neighbours, p.onContentUnavailable),
    trendingSource(p.counters),
    popularInSegmentSource(p.counters),
    newReleases,
    acclaimed,
  ];
  return new UnionCandidateGenerator(
    sources.map((provider) =>
      provider.source === plan.fill ? { provider, quota: 300, fill: true } : { provider, quota: plan.quotas[provider.source] },
    ),
  );
}
