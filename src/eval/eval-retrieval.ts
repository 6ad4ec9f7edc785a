import { impressionsBeforeHeldOut } from '../training/ranker-training-set';
import { groupBy } from '../shared/group-by';
import type { PlaybackEvent, SimilarEdge } from '../domain/types';
import { watchStatesFrom } from '../domain/watch-state';
import { CatalogIndex, POPULARITY_WINDOW_MS } from '../pipeline/catalog-index';
import { profileSignals } from '../pipeline/profile-signals';
import { resolveContext } from '../pipeline/viewing-context';
import type { AlsFactors, AlsOptions } from '../retrieval/als';
import type { HomepageRequest } from '../pipeline/request';
import type { UnionCandidateGenerator } from '../retrieval/union-generator';
import { CollaborativeModel } from '../retrieval/collaborative-model';
import { HnswIndex } from '../retrieval/hnsw-index';
import type { FeedbackOptions } from '../retrieval/implicit-feedback';
import type { Interactions } from '../retrieval/interactions';
import { trainItemModel, type ItemModelOptions } from '../retrieval/item-model';
import type { NeighbourLookup } from '../pipeline/stages';
import { PlayCounters } from '../retrieval/play-counters';
import { candidateGenerator, type RetrievalPlan } from '../retrieval/retrieval-plan';
import { buildSimilarityGraph } from '../similarity/similarity-graph';
import type { EvalDataset } from './datasets';
import type { Split } from '../training/split';

/** The candidate stage as the server runs it, built from training data only, and the request of each profile at the split. */
export interface EvalRetrieval {
  model: CollaborativeModel;
  /** The served plan (SERVED_PLAN). */
  union: UnionCandidateGenerator;
  /** The same sources under another plan. */
  unionWith(plan: RetrievalPlan): UnionCandidateGenerator;
  catalog: CatalogIndex;
  neighbours: NeighbourLookup;
  /** The SIMILAR_TO graph from the catalog and training plays. */
  edges: SimilarEdge[];
  /** The homepage request of a profile at the moment of the split (its training history only). */
  request(profileId: string): HomepageRequest;
}

/** ALS vectors and HNSW, the SIMILAR_TO graph from training plays, trending counted up to the split. */
export function evalRetrieval(
  d: EvalDataset,
  split: Split,
  data: Interactions,
  factors: AlsFactors,
  o: { als: AlsOptions; feedback: FeedbackOptions; itemModel: ItemModelOptions },
): EvalRetrieval {
  const { als, feedback, itemModel } = o;
  const catalog = new CatalogIndex(d.titles, countRecent(split));
  const model = new CollaborativeModel({
    manifest: { trainedUntil: split.now, als, feedback, itemModel },
    titleIds: data.titleIds,
    titleVectors: factors.colFactors,
    profileIds: data.profileIds,
    profileVectors: factors.rowFactors,
    index: HnswIndex.build(factors.colFactors, factors.factors, { calibrationQueries: factors.rowFactors }),
    itemNeighbours: trainItemModel(data.matrix, data.titleIds, itemModel),
  });
  const edges = buildSimilarityGraph(d.titles, split.train);
  const byTitle = groupBy(edges, (e) => e.from);
  const neighbours: NeighbourLookup = async (id, limit) => (byTitle.get(id) ?? []).slice(0, limit);
  const profiles = new Map(d.profiles.map((p) => [p.id, p]));
  const accounts = new Map(d.accounts.map((a) => [a.id, a]));
  const counters = new PlayCounters();
  for (const e of split.train) {
    const p = profiles.get(e.profileId)!;
    counters.note(accounts.get(p.accountId)!.country, p.isKids, e.titleId, e.occurredAt);
  }
  // Impressions the server would have seen by then (none of a held-out title's later showings).
  for (const e of impressionsBeforeHeldOut(d.impressions, d.events, split))
    if (e.occurredAt <= split.now) counters.noteImpression(e.titleId, e.occurredAt);
  const states = groupBy(watchStatesFrom(split.train), (s) => s.profileId);
  return {
    model,
    catalog,
    neighbours,
    edges,
    union: candidateGenerator({ model, counters, neighbours }),
    unionWith: (plan) => candidateGenerator({ model, counters, neighbours }, plan),
    request(profileId) {
      const profile = profiles.get(profileId)!;
      const account = accounts.get(profile.accountId)!;
      const watch = (states.get(profileId) ?? []).sort((a, b) => b.lastAt - a.lastAt || (a.titleId < b.titleId ? -1 : 1));
      return {
        profile,
        account,
        catalog,
        context: resolveContext(undefined, account, split.now),
        signals: profileSignals(watch, (id) => catalog.get(id), split.now),
      };
    },
  };
}

function countRecent(split: { train: readonly PlaybackEvent[]; now: number }): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of split.train)
    if (e.occurredAt >= split.now - POPULARITY_WINDOW_MS) counts.set(e.titleId, (counts.get(e.titleId) ?? 0) + 1);
  return counts;
}
