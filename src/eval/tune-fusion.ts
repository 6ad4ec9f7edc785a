import { CANDIDATE_SOURCES, type CandidateSource } from '../pipeline/candidate-sources';
import { FUSED_SOURCES, SOURCE_FLOORS, UNION_SIZE, weightOf, type FusedSource, type RetrievalPlan } from '../retrieval/retrieval-plan';
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
  /** Validation recall of each fused source alone in the fused places, beside every source's floor. */
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
 * One profile's proposals as the search scores them, over the titles any source proposed
 * (indexed in id order, the union's tie-break): each source's reciprocal-rank share when it is
 * weighted (asked for 300), the titles its floor keeps when it is weighted and when it is not
 * (asked for its floor only, which some sources answer differently), and the held-out titles.
 */
interface ProfileLists {
  shares: Map<FusedSource, Float64Array>;
  floorWeighted: Map<CandidateSource, number[]>;
  floorAlone: Map<CandidateSource, number[]>;
  relevant: Uint8Array;
  held: number;
}

/**
 * Chooses the union's fusion weights on a validation split (the retrieval built from the inner
 * training part, scored on the inner held-out titles), as UnionCandidateGenerator draws the
 * union: every source's floor, then 300 fused places. A coordinate search from the best source
 * alone (weight 1): for each other source in turn, the weight from a grid that raises validation
 * recall most, until a pass over the sources changes nothing. The best source alone is a point
 * of the search, so the plan chosen recalls at least as much on validation as any single source.
 */
export async function tuneFusion(
  validation: EvalRetrieval,
  inner: Split,
  onProgress?: (done: number, total: number) => void,
): Promise<FusionTuning> {
  const held = inner.test.slice(0, MAX_PROFILES);
  const deep = FUSED_SOURCES.map((s) => ({ s, g: validation.union.only(s, UNION_SIZE) }));
  const floored = CANDIDATE_SOURCES.filter((s) => SOURCE_FLOORS[s] > 0).map((s) => ({ s, g: validation.union.only(s, SOURCE_FLOORS[s]) }));
  const lists: ProfileLists[] = [];
  for (const [i, h] of held.entries()) {
    const req = validation.request(h.profileId);
    const ids = async (g: (typeof deep)[number]['g']) => (await g.generate(req)).map((c) => c.title.id);
    const ranked = new Map<CandidateSource, string[]>();
    for (const { s, g } of deep) ranked.set(s, await ids(g));
    const floors = new Map<CandidateSource, string[]>();
    for (const { s, g } of floored) floors.set(s, await ids(g));
    lists.push(profileLists(ranked, floors, h.titles));
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

function profileLists(
  ranked: Map<CandidateSource, string[]>,
  floors: Map<CandidateSource, string[]>,
  relevant: ReadonlySet<string>,
): ProfileLists {
  const all = new Set<string>();
  for (const list of [...ranked.values(), ...floors.values()]) for (const id of list) all.add(id);
  const ids = [...all].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const shares = new Map<FusedSource, Float64Array>();
  const floorWeighted = new Map<CandidateSource, number[]>();
  for (const [s, list] of ranked) {
    const share = new Float64Array(ids.length);
    list.forEach((id, rank) => (share[index.get(id)!] = 1 / (FUSION_K + rank + 1)));
    shares.set(s as FusedSource, share);
    floorWeighted.set(
      s,
      list.slice(0, SOURCE_FLOORS[s]).map((id) => index.get(id)!),
    );
  }
  const floorAlone = new Map([...floors].map(([s, list]) => [s, list.map((id) => index.get(id)!)]));
  return { shares, floorWeighted, floorAlone, relevant: Uint8Array.from(ids, (id) => +relevant.has(id)), held: relevant.size };
}

/** Mean validation recall of the union the weights draw: every floor, then the 300 best fused titles. */
function recall(lists: readonly ProfileLists[], weights: Record<FusedSource, number>): number {
  let sum = 0;
  for (const p of lists) {
    const n = p.relevant.length;
    const kept = new Uint8Array(n);
    for (const [s, floor] of p.floorAlone) {
      const weighted = weightOf({ weights }, s);
      for (const i of weighted > 0 ? p.floorWeighted.get(s)! : floor) kept[i] = 1;
    }
    const score = new Float64Array(n);
    for (const [s, share] of p.shares) {
      const w = weights[s];
      if (w > 0) for (let i = 0; i < n; i++) score[i] += w * share[i];
    }
    let hits = 0;
    for (let r = 0; r < n; r++) {
      if (!p.relevant[r]) continue;
      if (kept[r]) {
        hits++;
        continue;
      }
      if (score[r] === 0) continue;
      // Its place among the fused titles: those scored higher, and equal ones earlier by id.
      let ahead = 0;
      for (let i = 0; i < n && ahead < UNION_SIZE; i++) if (!kept[i] && (score[i] > score[r] || (score[i] === score[r] && i < r))) ahead++;
      if (ahead < UNION_SIZE) hits++;
    }
    sum += hits / p.held;
  }
  return Math.round((sum / Math.max(1, lists.length)) * 10000) / 10000;
}
