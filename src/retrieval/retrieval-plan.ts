import { UnionCandidateGenerator } from './candidates';
import type { CollaborativeModel } from './collaborative-model';
import {
  collaborativeSource, contentSource, popularInSegmentSource, trendingSource, type NeighbourLookup,
} from './model-sources';
import { acclaimed, continueWatching, newReleases } from './simple-sources';
import type { DecayedCounter } from './trending';

export interface RetrievalParts {
  model: CollaborativeModel;
  neighbours: NeighbourLookup;
  trending: DecayedCounter;
  segments: DecayedCounter;
  onContentUnavailable?: (err: Error) => void;
}

/**
 * The recall stage as the server runs it, and as offline evaluation measures it: every source
 * with its quota. The quotas add up to about 300 once sources overlap; the ranker orders them.
 */
export function candidateGenerator(p: RetrievalParts): UnionCandidateGenerator {
  return new UnionCandidateGenerator([
    { provider: continueWatching, quota: 20 },
    { provider: collaborativeSource(p.model), quota: 200 },
    { provider: contentSource(p.neighbours, p.onContentUnavailable), quota: 60 },
    { provider: trendingSource(p.trending), quota: 40 },
    { provider: popularInSegmentSource(p.segments), quota: 60 },
    { provider: newReleases, quota: 30 },
    { provider: acclaimed, quota: 20 },
  ]);
}
