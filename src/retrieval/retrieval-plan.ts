import type { CandidateSource } from '../pipeline/candidate-sources';
import { UnionCandidateGenerator, type SourceEntry } from './union-generator';
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

/**
 * What each source keeps beside the fused 300, whatever its weight, because a row or a viewer
 * needs it: continue watching its row; popular-in-segment the profiles with under five titles
 * (whom evaluation does not score); content the Because You Watched rows; trending, new releases
 * and acclaimed their own rows. These are the product's, not tuned: recall cannot see what they are for.
 */
export const SOURCE_FLOORS: Record<CandidateSource, number> = {
  CONTINUE_WATCHING: 20,
  COLLABORATIVE: 0,
  ITEM_ITEM: 0,
  CONTENT: 60,
  TRENDING: 40,
  POPULAR_IN_SEGMENT: 60,
  NEW_RELEASES: 30,
  ACCLAIMED: 20,
};

/** The sources that compete for the fused places (the other two serve viewers recall does not measure). */
export const FUSED_SOURCES = ['COLLABORATIVE', 'ITEM_ITEM', 'CONTENT', 'TRENDING', 'NEW_RELEASES', 'ACCLAIMED'] as const;
export type FusedSource = (typeof FUSED_SOURCES)[number];

/** The fused places, and how deep each weighted source proposes: any of its top 300 may earn one. */
export const UNION_SIZE = 300;

/**
 * How the union is drawn (union-generator.ts): every source's floor is kept, and 300 more places
 * go to the weighted sources' titles in the order of their weighted reciprocal ranks. A source
 * of weight 0 proposes its floor only.
 */
export interface RetrievalPlan {
  weights: Record<FusedSource, number>;
}

/** A source's weight in the plan; 0 for continue watching and popular-in-segment, which are never fused. */
export function weightOf(plan: RetrievalPlan, source: CandidateSource): number {
  return (plan.weights as Partial<Record<CandidateSource, number>>)[source] ?? 0;
}

/**
 * The weights `npm run eval -- --dataset world` chooses on its validation split for the sources
 * that read the profile's history (tune-fusion.ts: collaborative 1, item-item 1/4, content 1/16;
 * docs/EVALUATION.md). It also gives trending 1/8 and new releases and acclaimed 1/16 (recall
 * 0.485 with all of them, against 0.463 for collaborative alone), but for a profile with no
 * history those let the three take all 300 places, and on the small world the page right after
 * onboarding then recalled less than the one before it (recall@20 0.258 against 0.275,
 * test/eval/onboarding-eval.test.ts). So they keep their floors only, until the fusion is chosen
 * per kind of profile.
 */
export const SERVED_PLAN: RetrievalPlan = {
  weights: { COLLABORATIVE: 1, ITEM_ITEM: 0.25, CONTENT: 0.0625, TRENDING: 0, NEW_RELEASES: 0, ACCLAIMED: 0 },
};

/**
 * The recall stage as the server runs it, and as offline evaluation measures it: each source's
 * floor, and 300 titles fused from the weighted sources by the plan. The ranker orders them.
 */
export function candidateGenerator(
  p: RetrievalParts,
  plan: RetrievalPlan = SERVED_PLAN,
  floors: Record<CandidateSource, number> = SOURCE_FLOORS,
): UnionCandidateGenerator {
  const providers = [
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
    providers.map((provider): SourceEntry => ({
      provider,
      floor: floors[provider.source],
      weight: weightOf(plan, provider.source),
      depth: UNION_SIZE,
    })),
    UNION_SIZE,
  );
}
