import type { SimilarEdge } from '../../graph/types';
import { CatalogIndex, POPULARITY_WINDOW_MS } from '../catalog/catalog-index';
import { profileSignals } from '../homepage/profile-signals';
import { resolveContext } from '../homepage/viewing-context';
import type { AlsFactors, AlsOptions } from '../retrieval/als';
import { CANDIDATE_SOURCES, type CandidateSource, type HomepageRequest } from '../retrieval/candidates';
import { CollaborativeModel } from '../retrieval/collaborative-model';
import { HnswIndex } from '../retrieval/hnsw-index';
import type { FeedbackOptions } from '../retrieval/implicit-feedback';
import type { Interactions } from '../retrieval/interactions';
import { watchStatesFrom } from '../../graph/watch-state';
import { PlayCounters } from '../retrieval/play-counters';
import { candidateGenerator } from '../retrieval/retrieval-plan';
import { buildSimilarityGraph } from '../similarity/similarity-graph';
import type { EvalDataset } from './datasets';
import { recallAt } from './metrics';
import type { Split } from './split';

export interface SourceRecall {
  /** Recall of what the source contributes to the ~300 candidates of the server's union (its quota). */
  'recall@300': number;
  /** Candidates it contributes to the union, mean per profile. */
  candidates: number;
  /** Recall of the source's own top 300 had it been the only source: how strong it is alone. */
  'alone@300': number;
}
export type CandidateRecall = { union: { 'recall@300': number; 'mean candidates': number } } & Record<CandidateSource, SourceRecall>;

const K = 300;

/**
 * Recall of the candidate stage as the server runs it: each source alone asked for 300, and
 * the union with the server's quotas, all built from training data only (ALS vectors and HNSW,
 * the SIMILAR_TO graph from training plays, trending counted up to the split).
 */
export async function candidateRecall(
  d: EvalDataset, split: Split, data: Interactions, factors: AlsFactors, als: AlsOptions, feedback: FeedbackOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<CandidateRecall> {
  const states = watchStatesFrom(split.train);
  const catalog = new CatalogIndex(d.titles, countRecent(split));
  const model = new CollaborativeModel({
    manifest: {
      version: 'eval', createdAt: '', dataHash: '', trainedUntil: split.now, als, feedback, catalogFingerprint: '',
      counts: { titles: data.titleIds.length, profiles: data.profileIds.length, interactions: data.matrix.colIdx.length }, seconds: { als: 0, hnsw: 0 },
    },
    titleIds: data.titleIds, titleVectors: factors.colFactors, profileIds: data.profileIds, profileVectors: factors.rowFactors,
    index: HnswIndex.build(factors.colFactors, factors.factors),
  });
  const edges = groupEdges(buildSimilarityGraph(d.titles, split.train));
  const profiles = new Map(d.profiles.map((p) => [p.id, p]));
  const accounts = new Map(d.accounts.map((a) => [a.id, a]));
  const counters = new PlayCounters();
  for (const e of split.train) {
    const p = profiles.get(e.profileId)!;
    counters.note(accounts.get(p.accountId)!.country, p.isKids, e.titleId, e.occurredAt);
  }
  const parts = {
    model, counters,
    neighbours: async (id: string, limit: number) => (edges.get(id) ?? []).slice(0, limit),
  };
  const union = candidateGenerator(parts);
  const byProfile = new Map<string, typeof states>();
  for (const s of states) {
    const list = byProfile.get(s.profileId);
    if (list) list.push(s);
    else byProfile.set(s.profileId, [s]);
  }
  const sums = new Map<string, number>();
  const add = (key: string, value: number) => sums.set(key, (sums.get(key) ?? 0) + value);
  const alone = CANDIDATE_SOURCES.map((source) => ({ source, generator: union.only(source, K) }));
  for (const [i, held] of split.test.entries()) {
    const profile = profiles.get(held.profileId)!;
    const account = accounts.get(profile.accountId)!;
    const req: HomepageRequest = {
      profile, account, catalog, context: resolveContext(undefined, account, split.now),
      signals: profileSignals(byProfile.get(profile.id) ?? [], (id) => catalog.get(id), split.now),
    };
    const candidates = await union.generate(req);
    add('union', recallAt(candidates.map((c) => c.title.id), held.titles, Infinity));
    add('union size', candidates.length);
    for (const { source, generator } of alone) {
      add(source, recallAt((await generator.generate(req)).map((c) => c.title.id), held.titles, K));
      const mine = candidates.filter((c) => c.sources.has(source)).map((c) => c.title.id);
      add(`${source} in union`, recallAt(mine, held.titles, Infinity));
      add(`${source} size`, mine.length);
    }
    if ((i + 1) % 200 === 0 || i + 1 === split.test.length) onProgress?.(i + 1, split.test.length);
  }
  const mean = (key: string, digits = 4) => Math.round(((sums.get(key) ?? 0) / Math.max(1, split.test.length)) * 10 ** digits) / 10 ** digits;
  return {
    union: { 'recall@300': mean('union'), 'mean candidates': mean('union size', 0) },
    ...Object.fromEntries(CANDIDATE_SOURCES.map((s) => [s, { 'recall@300': mean(`${s} in union`), candidates: mean(`${s} size`, 0), 'alone@300': mean(s) }])),
  } as CandidateRecall;
}

function groupEdges(edges: SimilarEdge[]): Map<string, SimilarEdge[]> {
  const by = new Map<string, SimilarEdge[]>();
  for (const e of edges) {
    const list = by.get(e.from);
    if (list) list.push(e);
    else by.set(e.from, [e]);
  }
  return by;
}

function countRecent(split: Split): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of split.train) if (e.occurredAt >= split.now - POPULARITY_WINDOW_MS) counts.set(e.titleId, (counts.get(e.titleId) ?? 0) + 1);
  return counts;
}
