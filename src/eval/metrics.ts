/** Ranking metrics with binary relevance: a held-out title is relevant, anything else is not. */

export function recallAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (relevant.has(ranked[i])) hits++;
  return hits / relevant.size;
}

/** NDCG@k: DCG of the ranking over the DCG of a perfect one (all relevant titles first). */
export function ndcgAt(ranked: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  let dcg = 0;
  for (let i = 0; i < Math.min(k, ranked.length); i++) if (relevant.has(ranked[i])) dcg += 1 / Math.log2(i + 2);
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

/** Accumulates per-profile metrics and the set of titles recommended anywhere in the top k. */
export class MetricSummary {
  /** Per profile, its NDCG@10 and Recall@20: what paired comparisons between methods resample. */
  readonly perProfile = new Map<string, { 'ndcg@10': number; 'recall@20': number }>();
  private readonly shown = new Set<string>();

  /** `profileId` keys the value, so two methods' summaries pair up by profile. */
  add(ranked: readonly string[], relevant: ReadonlySet<string>, profileId: string): void {
    this.perProfile.set(profileId, { 'ndcg@10': ndcgAt(ranked, relevant, 10), 'recall@20': recallAt(ranked, relevant, 20) });
    for (const id of ranked.slice(0, 20)) this.shown.add(id);
  }

  result(catalogSize: number): { 'ndcg@10': number; 'recall@20': number; 'coverage@20': number; profiles: number } {
    const r = (x: number) => Math.round(x * 10000) / 10000;
    const n = Math.max(1, this.perProfile.size);
    let ndcg = 0;
    let recall = 0;
    for (const m of this.perProfile.values()) [ndcg, recall] = [ndcg + m['ndcg@10'], recall + m['recall@20']];
    return {
      'ndcg@10': r(ndcg / n),
      'recall@20': r(recall / n),
      'coverage@20': r(this.shown.size / Math.max(1, catalogSize)),
      profiles: this.perProfile.size,
    };
  }
}
