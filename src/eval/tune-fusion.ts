import { FUSED_SOURCES, RESERVED_QUOTAS, UNION_SIZE, type FusedSource, type RetrievalPlan } from '../retrieval/retrieval-plan';
import { FUSION_K } from '../retrieval/union-generator';
import type { Split } from '../training/split';
import type { EvalRetrieval } from './eval-retrieval';

export interface FusionStep {
  source: string;
  weight: number;
  'recall@300': number;
}

export interface FusionTuning {
  plan: RetrievalPlan;
  /** Validation recall@300 of each fused source alone (the reserved sources beside it). */
  alone: Record<FusedSource, number>;
  /** The search: the best source alone, then each weight change taken. */
  steps: FusionStep[];
}

/** Weights tried for each source, relative to the best source's 1. */
const WEIGHTS = [0, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 1, 2, 4];
/** Passes over the sources; the search stops earlier when a pass changes nothing. */
const MAX_PASSES = 3;
/** The validation profiles whose candidates are kept in memory for the search. */
const MAX_PROFILES = 2_000;

/**
 * One profile's proposals as the search scores them: the titles the fused sources found
 * (ordered by id, which is the union's tie-break), each source's reciprocal-rank share per
 * title, which of them are held out, and how many places the reserved sources leave.
 */
interface ProfileLists {
  shares: Map<FusedSource, Float64Array>;
  /** The held-out titles among the fused proposals (indices into the id order). */
  relevant: number[];
  /** Held-out titles the reserved sources propose (always kept). */
  reservedHits: number;
  /** How many titles are held out. */
  held: number;
  places: number;
}

/**
 * Chooses the union's fusion weights on a validation split (the retrieval built from the inner
 * training part, scored on the inner held-out titles), as UnionCandidateGenerator fuses them.
 * A coordinate search from the best source alone (weight 1): for each other source in turn, the
 * weight from a grid that raises validation recall@300 most, until a pass over the sources
 * changes nothing. The best source alone is a point of the search, so the plan chosen recalls
 * at least as much on validation as any single source.
 */
export async function tuneFusion(
  validation: EvalRetrieval,
  inner: Split,
  onProgress?: (done: number, total: number) => void,
): Promise<FusionTuning> {
  const held = inner.test.slice(0, MAX_PROFILES);
  const fusedAlone = FUSED_SOURCES.map((s) => ({ s, g: validation.union.only(s, UNION_SIZE) }));
  const reserved = (Object.keys(RESERVED_QUOTAS) as (keyof typeof RESERVED_QUOTAS)[]).map((s) =>
    validation.union.only(s, RESERVED_QUOTAS[s]),
  );
  const lists: ProfileLists[] = [];
  for (const [i, h] of held.entries()) {
    const req = validation.request(h.profileId);
    const kept = new Set<string>();
    for (const g of reserved) for (const c of await g.generate(req)) kept.add(c.title.id);
    const ranked = new Map<FusedSource, string[]>();
    for (const { s, g } of fusedAlone)
      ranked.set(
        s,
        (await g.generate(req)).map((c) => c.title.id).filter((id) => !kept.has(id)),
      );
    const reservedHits = [...h.titles].filter((id) => kept.has(id)).length;
    lists.push({ ...fusedLists(ranked, h.titles), reservedHits, held: h.titles.size, places: UNION_SIZE - kept.size });
    if ((i + 1) % 200 === 0 || i + 1 === held.length) onProgress?.(i + 1, held.length);
  }

  const only = (s: FusedSource) => Object.fromEntries(FUSED_SOURCES.map((x) => [x, x === s ? 1 : 0])) as Record<FusedSource, number>;
  const alone = Object.fromEntries(FUSED_SOURCES.map((s) => [s, recall(lists, only(s))])) as Record<FusedSource, number>;
  const anchor = FUSED_SOURCES.reduce((a, b) => (alone[b] > alone[a] ? b : a));
  let weights = only(anchor);
  let best = alone[anchor];
  const steps: FusionStep[] = [{ source: `${anchor} alone`, weight: 1, 'recall@300': best }];
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let changed = false;
    for (const source of FUSED_SOURCES.filter((s) => s !== anchor)) {
      let next: { weight: number; recall: number } | undefined;
      for (const weight of WEIGHTS) {
        if (weight === weights[source]) continue;
        const r = recall(lists, { ...weights, [source]: weight });
        if (r > (next?.recall ?? best)) next = { weight, recall: r };
      }
      if (!next) continue;
      weights = { ...weights, [source]: next.weight };
      best = next.recall;
      changed = true;
      steps.push({ source, weight: next.weight, 'recall@300': best });
    }
    if (!changed) break;
  }
  return { plan: { weights }, alone, steps };
}

function fusedLists(ranked: Map<FusedSource, string[]>, relevant: ReadonlySet<string>): Pick<ProfileLists, 'shares' | 'relevant'> {
  const ids = [...new Set([...ranked.values()].flat())].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const shares = new Map<FusedSource, Float64Array>();
  for (const [s, list] of ranked) {
    const share = new Float64Array(ids.length);
    list.forEach((id, rank) => (share[index.get(id)!] = 1 / (FUSION_K + rank + 1)));
    shares.set(s, share);
  }
  return { shares, relevant: ids.flatMap((id, i) => (relevant.has(id) ? [i] : [])) };
}

/** Mean validation recall@300 of the union the weights fuse, as the generator would draw it. */
function recall(lists: readonly ProfileLists[], weights: Record<FusedSource, number>): number {
  let sum = 0;
  for (const p of lists) {
    const n = p.shares.values().next().value!.length;
    const score = new Float64Array(n);
    for (const [s, share] of p.shares) {
      const w = weights[s];
      if (w > 0) for (let i = 0; i < n; i++) score[i] += w * share[i];
    }
    let hits = p.reservedHits;
    for (const r of p.relevant) {
      if (score[r] === 0) continue;
      // Its place in the fused order: titles scored higher, and equal ones earlier by id.
      let ahead = 0;
      for (let i = 0; i < n && ahead < p.places; i++) if (score[i] > score[r] || (score[i] === score[r] && i < r)) ahead++;
      if (ahead < p.places) hits++;
    }
    sum += hits / p.held;
  }
  return Math.round((sum / Math.max(1, lists.length)) * 10000) / 10000;
}
