import type { CandidateSource } from '../pipeline/candidate-sources';
import { SERVED_QUOTAS, TUNED_SOURCES, type SourceQuotas } from '../retrieval/retrieval-plan';
import type { Split } from '../training/split';
import type { EvalRetrieval } from './eval-retrieval';

export interface QuotaStep {
  source: string;
  quota: number;
  'recall@300': number;
}

export interface QuotaTuning {
  quotas: SourceQuotas;
  /** Validation recall of the union: collaborative alone (every tuned quota 0), then after each step taken. */
  steps: QuotaStep[];
}

const UNION = 300;
/** Quotas move in steps of 10 slots, or 50 to cross a plateau where 10 more add nothing yet. */
const STEPS = [10, 50];
/** The validation profiles whose candidates are kept in memory for the search. */
const MAX_PROFILES = 2_000;

/**
 * Chooses the tuned sources' quotas on a validation split (the retrieval built from the inner
 * training part, scored on the inner held-out titles): starting from collaborative alone filling
 * all 300 slots, repeatedly give the source whose next 10 (or 50) slots raise the union's recall
 * most those slots, while any step raises it and the quotas fit in the union's 300. Each profile's candidates are generated once per
 * source; the union is then recomputed as UnionCandidateGenerator merges it (sources in plan
 * order, duplicates merged, collaborative filling up to 300).
 */
export async function tuneQuotas(
  validation: EvalRetrieval,
  inner: Split,
  onProgress?: (done: number, total: number) => void,
): Promise<QuotaTuning> {
  const held = inner.test.slice(0, MAX_PROFILES);
  const fixed: CandidateSource[] = ['CONTINUE_WATCHING', 'POPULAR_IN_SEGMENT'];
  const ordered: CandidateSource[] = [...fixed, ...TUNED_SOURCES];
  const lists: { relevant: ReadonlySet<string>; bySource: Map<CandidateSource, string[]>; fill: string[] }[] = [];
  const generators = [...ordered, 'COLLABORATIVE' as const].map((s) => ({ s, g: validation.union.only(s, UNION) }));
  for (const [i, h] of held.entries()) {
    const req = validation.request(h.profileId);
    const bySource = new Map<CandidateSource, string[]>();
    for (const { s, g } of generators)
      bySource.set(
        s,
        (await g.generate(req)).map((c) => c.title.id),
      );
    lists.push({ relevant: h.titles, bySource, fill: bySource.get('COLLABORATIVE')! });
    if ((i + 1) % 200 === 0 || i + 1 === held.length) onProgress?.(i + 1, held.length);
  }

  const recall = (q: SourceQuotas): number => {
    let sum = 0;
    for (const p of lists) {
      const merged = new Set<string>();
      for (const s of ordered) for (const id of p.bySource.get(s)!.slice(0, q[s as keyof SourceQuotas])) merged.add(id);
      for (const id of p.fill) {
        if (merged.size >= UNION) break;
        merged.add(id);
      }
      let hits = 0;
      for (const id of p.relevant) if (merged.has(id)) hits++;
      sum += hits / p.relevant.size;
    }
    return Math.round((sum / Math.max(1, lists.length)) * 10000) / 10000;
  };

  let quotas: SourceQuotas = { ...SERVED_QUOTAS, ...Object.fromEntries(TUNED_SOURCES.map((s) => [s, 0])) };
  let best = recall(quotas);
  const steps: QuotaStep[] = [{ source: 'COLLABORATIVE alone', quota: UNION, 'recall@300': best }];
  for (;;) {
    let next: { quotas: SourceQuotas; recall: number; source: string } | undefined;
    // The tuned sources share what continue watching leaves of the union; popular-in-segment
    // proposes only for profiles too new for most other sources to find anything.
    const used = quotas.CONTINUE_WATCHING + TUNED_SOURCES.reduce((sum, s) => sum + quotas[s], 0);
    for (const source of TUNED_SOURCES) {
      for (const step of STEPS) {
        if (used + step > UNION) continue;
        const tried = { ...quotas, [source]: quotas[source] + step };
        const r = recall(tried);
        if (r > (next?.recall ?? best)) next = { quotas: tried, recall: r, source };
      }
    }
    if (!next) break;
    [quotas, best] = [next.quotas, next.recall];
    steps.push({ source: next.source, quota: quotas[next.source as keyof SourceQuotas], 'recall@300': best });
  }
  return { quotas, steps };
}
