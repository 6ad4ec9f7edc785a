import type { AlsFactors } from '../retrieval/als';
import type { Interactions } from '../retrieval/interactions';

/** A method under evaluation: ranks the whole catalog for a profile, minus what it already saw. */
export interface Recommender {
  readonly name: string;
  recommend(profileId: string, seen: ReadonlySet<string>, n: number): string[];
}

/** The n best columns by score, skipping `seen` (ties by column, for stable results). */
export function topColumns(
  scores: Float64Array | Float32Array,
  titleIds: readonly string[],
  seen: ReadonlySet<string>,
  n: number,
): string[] {
  const order: number[] = [];
  let floor = -Infinity;
  for (let c = 0; c < scores.length; c++) {
    if (scores[c] < floor || seen.has(titleIds[c])) continue;
    order.push(c);
    if (order.length > 4 * n) {
      order.sort((a, b) => scores[b] - scores[a] || a - b);
      order.length = n;
      floor = scores[order[n - 1]];
    }
  }
  order.sort((a, b) => scores[b] - scores[a] || a - b);
  return order.slice(0, n).map((c) => titleIds[c]);
}

/** Most-watched first: how many training profiles played each title. */
export function popularity(data: Interactions): Recommender {
  const counts = new Float64Array(data.titleIds.length);
  for (const c of data.matrix.colIdx) counts[c]++;
  return { name: 'popularity', recommend: (_p, seen, n) => topColumns(counts, data.titleIds, seen, n) };
}

/** ALS alone: the inner product of the profile's and each title's vector. */
export function alsRecommender(data: Interactions, model: AlsFactors): Recommender {
  const row = new Map(data.profileIds.map((id, r) => [id, r]));
  const k = model.factors;
  return {
    name: 'als',
    recommend(profileId, seen, n) {
      const r = row.get(profileId);
      const scores = new Float64Array(data.titleIds.length);
      if (r !== undefined) {
        const x = model.rowFactors.subarray(r * k, (r + 1) * k);
        for (let c = 0; c < scores.length; c++) {
          let s = 0;
          for (let a = 0; a < k; a++) s += x[a] * model.colFactors[c * k + a];
          scores[c] = s;
        }
      }
      return topColumns(scores, data.titleIds, seen, n);
    },
  };
}

/**
 * Item-kNN (Sarwar et al. 2001, Deshpande & Karypis 2004): cosine similarity of titles' viewer
 * sets, each title keeping its `neighbours` most similar; a profile's score for a title sums
 * its similarity to the titles the profile watched.
 */
export function itemKnn(data: Interactions, neighbours = 100): Recommender {
  const { matrix: m, titleIds } = data;
  const viewers = new Float64Array(m.cols);
  for (const c of m.colIdx) viewers[c]++;
  const co = Array.from({ length: m.cols }, () => new Map<number, number>());
  for (let r = 0; r < m.rows; r++) {
    for (let p = m.rowPtr[r]; p < m.rowPtr[r + 1]; p++) {
      const a = m.colIdx[p];
      for (let q = m.rowPtr[r]; q < m.rowPtr[r + 1]; q++) {
        const b = m.colIdx[q];
        if (a !== b) co[a].set(b, (co[a].get(b) ?? 0) + 1);
      }
    }
  }
  const sims = co.map((row, a) =>
    [...row]
      .map(([b, n]) => ({ b, s: n / Math.sqrt(viewers[a] * viewers[b]) }))
      .sort((x, y) => y.s - x.s || x.b - y.b)
      .slice(0, neighbours),
  );
  const rowOf = new Map(data.profileIds.map((id, r) => [id, r]));
  return {
    name: 'itemknn',
    recommend(profileId, seen, n) {
      const scores = new Float64Array(m.cols);
      const r = rowOf.get(profileId);
      if (r !== undefined) {
        for (let p = m.rowPtr[r]; p < m.rowPtr[r + 1]; p++) for (const { b, s } of sims[m.colIdx[p]]) scores[b] += s;
      }
      return topColumns(scores, titleIds, seen, n);
    },
  };
}
