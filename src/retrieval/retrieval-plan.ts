import { CANDIDATE_SOURCES, type CandidateSource } from '../pipeline/candidate-sources';
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
 * Sources whose proposals are always kept, with the product's quotas: continue watching and
 * popular-in-segment serve viewers no recall measure sees (in-progress titles are never held
 * out; the segment source is for profiles with under five titles, which evaluation does not score).
 */
export const RESERVED_QUOTAS = { CONTINUE_WATCHING: 20, POPULAR_IN_SEGMENT: 60 } as const satisfies Partial<
  Record<CandidateSource, number>
>;
export type ReservedSource = keyof typeof RESERVED_QUOTAS;
export const FUSED_SOURCES = CANDIDATE_SOURCES.filter((s): s is FusedSource => !(s in RESERVED_QUOTAS));
export type FusedSource = Exclude<CandidateSource, ReservedSource>;

/** The union's size, and how deep each fused source proposes: any of its 300 may earn a place. */
export const UNION_SIZE = 300;

/**
 * How the union is drawn: the reserved sources' proposals are kept, and the rest of the 300
 * places go to the other sources' titles in the order of their weighted reciprocal ranks
 * (union-generator.ts). A source of weight 0 is not asked.
 */
export interface RetrievalPlan {
  weights: Record<FusedSource, number>;
}

/**
 * Chosen by `npm run eval -- --dataset world` on its validation split (tune-fusion.ts,
 * docs/EVALUATION.md): a coordinate search over the weights from the best source alone, each
 * step taken only when it raises the union's validation recall at 300.
 */
export const SERVED_PLAN: RetrievalPlan = {
  weights: { COLLABORATIVE: 1, ITEM_ITEM: 1, CONTENT: 0.25, TRENDING: 0.125, NEW_RELEASES: 0.0625, ACCLAIMED: 0 },
};

/** Every source of the recall stage, in one order (the union's, and the report's). */
function providers(p: RetrievalParts) {
  return [
    continueWatching,
    collaborativeSource(p.model),
    itemItemSource(p.model),
    contentSource(p.neighbours, p.onContentUnavailable),
    trendingSource(p.counters),
    popularInSegmentSource(p.counters),
    newReleases,
    acclaimed,
  ];
}

/**
 * The recall stage as the server runs it, and as offline evaluation measures it: the reserved
 * sources with their quotas, the others fused by the plan's weights into the rest of 300. The ranker orders them.
 */
export function candidateGenerator(p: RetrievalParts, plan: RetrievalPlan = SERVED_PLAN): UnionCandidateGenerator {
  return new UnionCandidateGenerator(
    providers(p).map((provider): SourceEntry => {
      const s = provider.source;
      return s in RESERVED_QUOTAS
        ? { provider, quota: RESERVED_QUOTAS[s as ReservedSource] }
        : { provider, quota: UNION_SIZE, weight: plan.weights[s as FusedSource] };
    }),
    UNION_SIZE,
  );
}
