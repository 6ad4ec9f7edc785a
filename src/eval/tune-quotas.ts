import { CANDIDATE_SOURCES, type CandidateSource } from '../pipeline/candidate-sources';
import { FILL_SOURCES, FIXED_SOURCES, SERVED_PLAN, type FillSource, type RetrievalPlan } from '../retrieval/retrieval-plan';
import type { Split } from '../training/split';
import type { EvalRetrieval } from './eval-retrieval';

export interface QuotaStep {
  source: string;
  quota: number;
  'recall@300': number;
}

export interface QuotaTuning {
  plan: RetrievalPlan;
  /** Per fill source tried: validation recall of the union, the fill source alone, then after each step taken. */
  searches: { fill: FillSource; steps: QuotaStep[] }[];
}

const UNION = 300;
/** Quotas move in steps of 10 slots, or 50 to cross a plateau where 10 more add nothing yet. */
const STEPS = [10, 50];
/** The validation profiles whose candidates are kept in memory for the search. */
const MAX_PROFILES = 2_000;

interface ProfileLists {
  relevant: ReadonlySet<string>;
  bySource: Map<CandidateSource, string[]>;
}

/**
 * Chooses the retrieval plan on a validation split (the retrieval built from the inner training
 * part, scored on the inner held-out titles). For each fill source (collaborative, item-item):
 * starting from it alone filling all 300 slots, repeatedly give the source whose next 10 (or 50)
 * slots raise the union's recall most those slots, while any step raises it and the quotas fit in
 * the union's 300; the fill source whose search ends higher wins. Each profile's candidates are
 * generated once per source; the union is then recomputed as UnionCandidateGenerator merges it
 * (sources in plan order, duplicates merged, the fill source topping up to 300).
 */
export async function tuneQuotas(
  validation: EvalRetrieval,
  inner: Split,
  onProgress?: (done: number, total: number) => void,
): Promise<QuotaTuning> {
  const held = inner.test.slice(0, MAX_PROFILES);
  const generators = CANDIDATE_SOURCES.map((s) => ({ s, g: validation.union.only(s, UNION) }));
  const lists: ProfileLists[] = [];
  for (const [i, h] of held.entries()) {
    const req = validation.request(h.profileId);
    const bySource = new Map<CandidateSource, string[]>();
    for (const { s, g } of generators)
      bySource.set(
        s,
        (await g.generate(req)).map((c) => c.title.id),
      );
    lists.push({ relevant: h.titles, bySource });
    if ((i + 1) % 200 === 0 || i + 1 === held.length) onProgress?.(i + 1, held.length);
  }
  const searches = FILL_SOURCES.map((fill) => search(lists, fill));
  const best = searches.reduce((a, b) => (b.steps.at(-1)!['recall@300'] > a.steps.at(-1)!['recall@300'] ? b : a));
  return { plan: best.plan, searches: searches.map(({ fill, steps }) => ({ fill, steps })) };
}

function search(lists: readonly ProfileLists[], fill: FillSource): { fill: FillSource; plan: RetrievalPlan; steps: QuotaStep[] } {
  const tuned = CANDIDATE_SOURCES.filter((s) => s !== fill && !(FIXED_SOURCES as readonly string[]).includes(s));
  const recall = (q: Record<CandidateSource, number>): number => {
    let sum = 0;
    for (const p of lists) {
      const merged = new Set<string>();
      for (const s of CANDIDATE_SOURCES) if (s !== fill) for (const id of p.bySource.get(s)!.slice(0, q[s])) merged.add(id);
      for (const id of p.bySource.get(fill)!) {
        if (merged.size >= UNION) break;
        merged.add(id);
      }
      let hits = 0;
      for (const id of p.relevant) if (merged.has(id)) hits++;
      sum += hits / p.relevant.size;
    }
    return Math.round((sum / Math.max(1, lists.length)) * 10000) / 10000;
  };
  let quotas = Object.fromEntries(
    CANDIDATE_SOURCES.map((s) => [s, (FIXED_SOURCES as readonly string[]).includes(s) ? SERVED_PLAN.quotas[s] : 0]),
  ) as Record<CandidateSource, number>;
  let best = recall(quotas);
  const steps: QuotaStep[] = [{ source: `${fill} alone`, quota: UNION, 'recall@300': best }];
  for (;;) {
    // The tuned sources share what continue watching leaves of the union; popular-in-segment
    // proposes only for profiles too new for most other sources to find anything.
    const used = quotas.CONTINUE_WATCHING + tuned.reduce((sum, s) => sum + quotas[s], 0);
    let next: { quotas: Record<CandidateSource, number>; recall: number; source: CandidateSource } | undefined;
    for (const source of tuned) {
      for (const step of STEPS) {
        if (used + step > UNION) continue;
        const tried = { ...quotas, [source]: quotas[source] + step };
        const r = recall(tried);
        if (r > (next?.recall ?? best)) next = { quotas: tried, recall: r, source };
      }
    }
    if (!next) break;
    [quotas, best] = [next.quotas, next.recall];
    steps.push({ source: next.source, quota: quotas[next.source], 'recall@300': best });
  }
  return { fill, plan: { fill, quotas }, steps };
}
