import { UnionCandidateGenerator } from './union-generator';
import type { CollaborativeModel } from './collaborative-model';
import { collaborativeSource, contentSource, popularInSegmentSource, trendingSource } from './model-sources';
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
 * The recall stage as the server runs it, and as offline evaluation measures it: every source
 * with its quota, and collaborative filling the union up to 300 (it is the strongest source
 * alone, see docs/EVALUATION.md). The ranker orders them.
 */
export function candidateGenerator(p: RetrievalParts): UnionCandidateGenerator {
  return new UnionCandidateGenerator([
    { provider: continueWatching, quota: 20 },
    { provider: collaborativeSource(p.model), quota: 300, fill: true },
    { provider: contentSource(p.neighbours, p.onContentUnavailable), quota: 60 },
    { provider: trendingSource(p.counters), quota: 40 },
    { provider: popularInSegmentSource(p.counters), quota: 60 },
    { provider: newReleases, quota: 30 },
    { provider: acclaimed, quota: 20 },
  ]);
}
