import { CANDIDATE_SOURCES, type CandidateSource } from '../pipeline/candidates';
import type { EvalRetrieval } from './eval-retrieval';
import type { UnionCandidateGenerator } from '../retrieval/union-generator';
import { recallAt } from './metrics';
import type { Split } from '../training/split';
import { FUSED_SOURCES, type RetrievalPlan } from '../retrieval/retrieval-plan';

const NO_FUSION: RetrievalPlan = { weights: Object.fromEntries(FUSED_SOURCES.map((s) => [s, 0])) as RetrievalPlan['weights'] };

export interface SourceRecall {
  /** Recall of what the source contributes to the ~300 candidates of the server's union (the titles it found there). */
  'recall@300': number;
  /** Candidates it contributes to the union, mean per profile. */
  candidates: number;
  /** Recall of the source's own top 300 had it been the only source: how strong it is alone. */
  'alone@300': number;
}
export type CandidateRecall = {
  union: { 'recall@300': number; 'mean candidates': number };
  /** The sources' floors alone (every weight 0): what the union holds before its 300 fused places. */
  floors: { 'recall@300': number; 'mean candidates': number };
  /** The union with the fusion weights chosen on this dataset's validation split (tune-fusion.ts), when tuned. */
  'union, validation weights'?: { 'recall@300': number; 'mean candidates': number };
} & Record<CandidateSource, SourceRecall>;

const K = 300;

/**
 * Recall of the candidate stage as the server runs it: each source alone asked for 300, and
 * the union with the server's fusion weights, all built from training data only (ALS vectors and HNSW,
 * the SIMILAR_TO graph from training plays, trending counted up to the split).
 */
export async function candidateRecall(
  r: EvalRetrieval,
  split: Split,
  tuned: UnionCandidateGenerator | undefined,
  onProgress?: (done: number, total: number) => void,
): Promise<CandidateRecall> {
  const union = r.union;
  const sums = new Map<string, number>();
  const add = (key: string, value: number) => sums.set(key, (sums.get(key) ?? 0) + value);
  const alone = CANDIDATE_SOURCES.map((source) => ({ source, generator: union.only(source, K) }));
  const floors = r.unionWith(NO_FUSION);
  for (const [i, held] of split.test.entries()) {
    const req = r.request(held.profileId);
    const candidates = await union.generate(req);
    add(
      'union',
      recallAt(
        candidates.map((c) => c.title.id),
        held.titles,
        Infinity,
      ),
    );
    add('union size', candidates.length);
    const floored = (await floors.generate(req)).map((c) => c.title.id);
    add('floors', recallAt(floored, held.titles, Infinity));
    add('floors size', floored.length);
    if (tuned) {
      const ids = (await tuned.generate(req)).map((c) => c.title.id);
      add('tuned', recallAt(ids, held.titles, Infinity));
      add('tuned size', ids.length);
    }
    for (const { source, generator } of alone) {
      add(
        source,
        recallAt(
          (await generator.generate(req)).map((c) => c.title.id),
          held.titles,
          K,
        ),
      );
      const mine = candidates.filter((c) => c.sources.has(source)).map((c) => c.title.id);
      add(`${source} in union`, recallAt(mine, held.titles, Infinity));
      add(`${source} size`, mine.length);
    }
    if ((i + 1) % 200 === 0 || i + 1 === split.test.length) onProgress?.(i + 1, split.test.length);
  }
  const mean = (key: string, digits = 4) =>
    Math.round(((sums.get(key) ?? 0) / Math.max(1, split.test.length)) * 10 ** digits) / 10 ** digits;
  return {
    union: { 'recall@300': mean('union'), 'mean candidates': mean('union size', 0) },
    floors: { 'recall@300': mean('floors'), 'mean candidates': mean('floors size', 0) },
    ...(tuned ? { 'union, validation weights': { 'recall@300': mean('tuned'), 'mean candidates': mean('tuned size', 0) } } : {}),
    ...Object.fromEntries(
      CANDIDATE_SOURCES.map((s) => [s, { 'recall@300': mean(`${s} in union`), candidates: mean(`${s} size`, 0), 'alone@300': mean(s) }]),
    ),
  } as CandidateRecall;
}
