import type { AlsFactors } from '../retrieval/als';
import type { Interactions } from '../retrieval/interactions';
import { DEFAULT_ITEM_KNN, ItemItemModel, trainItemKnn, type ItemKnnOptions } from '../retrieval/item-item';

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
 * Any item→item model (EASE, RP3beta, item-kNN): a profile's score for a title is Σ over its
 * training titles of strength·weight (strength 1 for a model trained on binary input), the
 * sparse model's own scoring as served.
 */
export function itemItemRecommender(name: string, data: Interactions, model: ItemItemModel): Recommender {
  const { matrix: m } = data;
  const rowOf = new Map(data.profileIds.map((id, r) => [id, r]));
  const modelRow = Int32Array.from(data.titleIds, (id) => model.indexOf(id));
  return {
    name,
    recommend(profileId, seen, n) {
      const scores = new Float64Array(model.size);
      const r = rowOf.get(profileId);
      if (r !== undefined) {
        const start = m.rowPtr[r];
        const end = m.rowPtr[r + 1];
        model.accumulate(
          Int32Array.from(m.colIdx.subarray(start, end), (c) => modelRow[c]),
          m.strength.subarray(start, end),
          scores,
        );
      }
      return topColumns(scores, model.titleIds, seen, n);
    },
  };
}

/** EASE (Steck 2019) from its trained sparse model (src/retrieval/ease.ts). */
export function easeRecommender(data: Interactions, model: ItemItemModel): Recommender {
  return itemItemRecommender('ease', data, model);
}

/** RP3beta (Paudel et al. 2017) from its trained sparse model (src/retrieval/rp3beta.ts). */
export function rp3betaRecommender(data: Interactions, model: ItemItemModel): Recommender {
  return itemItemRecommender('rp3beta', data, model);
}

/** Item-kNN from its trained sparse model (src/retrieval/item-item.ts). */
export function itemKnnRecommender(data: Interactions, model: ItemItemModel): Recommender {
  return itemItemRecommender('itemknn', data, model);
}

/**
 * Item-kNN (Sarwar et al. 2001, Deshpande & Karypis 2004), trained on the spot: cosine
 * similarity of titles' viewer sets (shrunk by `shrink`), each title keeping its `neighbours`
 * most similar; a profile's score for a title sums its similarity to the titles the profile
 * watched. The defaults are the untuned baseline (100 neighbours, no shrinkage, binary).
 */
export function itemKnn(data: Interactions, o: ItemKnnOptions = DEFAULT_ITEM_KNN): Recommender {
  return itemKnnRecommender(data, new ItemItemModel(trainItemKnn(data.matrix, data.titleIds, o)));
}
