import type { InteractionMatrix } from './als';
import { entryValues, forEachItemRow, NeighbourRows, normalizeRows, selectTop, type ItemInput, type ItemNeighbours } from './item-item';

export interface Rp3betaOptions {
  /** Exponent on both transition probabilities (1 is a plain 3-step random walk). */
  alpha: number;
  /** Popularity penalty: a walk's arrival at title j is divided by popularity(j)^β. */
  beta: number;
  /** Neighbours kept per title. */
  neighbours: number;
  /** Scale each title's kept weights to sum to 1. */
  normalize: boolean;
  input: ItemInput;
}

export const DEFAULT_RP3BETA: Rp3betaOptions = { alpha: 0.7, beta: 0.3, neighbours: 100, normalize: false, input: 'binary' };

/**
 * RP3beta (Paudel, Christoffel, Newell & Bernstein 2017; as implemented by Dacrema, Cremonesi
 * & Jannach 2019): a random walk title → viewer → title on the bipartite interaction graph,
 *   W_ij = Σ_u P_iu[i,u]^α · P_ui[u,j]^α / popularity(j)^β,
 * P_ui the interaction matrix row-normalised (a viewer's step to one of its titles), P_iu its
 * transpose row-normalised (a title's step to one of its viewers), popularity the number of
 * viewers; each title keeps its `neighbours` largest weights. Trains one model per β from one
 * pass over the co-occurrences (β only rescales columns before the selection).
 */
export function trainRp3betaGrid(
  m: InteractionMatrix,
  titleIds: readonly string[],
  alpha: number,
  betas: readonly number[],
  neighbours: number,
  input: ItemInput,
): ItemNeighbours[] {
  const v = entryValues(m, input);
  const rowSum = new Float64Array(m.rows);
  const colSum = new Float64Array(m.cols);
  const viewers = new Float64Array(m.cols);
  for (let r = 0; r < m.rows; r++) {
    for (let p = m.rowPtr[r]; p < m.rowPtr[r + 1]; p++) {
      rowSum[r] += v[p];
      colSum[m.colIdx[p]] += v[p];
      viewers[m.colIdx[p]]++;
    }
  }
  // Per stored entry (u, j): P_ui[u,j]^α (right) and P_iu[j,u]^α (left).
  const right = new Float64Array(v.length);
  const left = new Float64Array(v.length);
  for (let r = 0; r < m.rows; r++) {
    for (let p = m.rowPtr[r]; p < m.rowPtr[r + 1]; p++) {
      right[p] = Math.pow(v[p] / rowSum[r], alpha);
      left[p] = Math.pow(v[p] / colSum[m.colIdx[p]], alpha);
    }
  }
  const penalty = betas.map((beta) => Float64Array.from(viewers, (n) => (n > 0 ? Math.pow(n, -beta) : 0)));
  const rows = betas.map(() => new NeighbourRows(titleIds, input, neighbours));
  const w = new Float64Array(m.cols);
  const chosen = new Int32Array(neighbours);
  forEachItemRow(m, left, right, (a, acc, touched, count) => {
    penalty.forEach((pen, s) => {
      for (let r = 0; r < count; r++) w[touched[r]] = acc[touched[r]] * pen[touched[r]];
      rows[s].push(chosen, selectTop(w, touched, count, neighbours, a, chosen), w);
    });
  });
  return rows.map((r) => r.finish());
}

export function trainRp3beta(m: InteractionMatrix, titleIds: readonly string[], o: Rp3betaOptions = DEFAULT_RP3BETA): ItemNeighbours {
  const [n] = trainRp3betaGrid(m, titleIds, o.alpha, [o.beta], o.neighbours, o.input);
  return o.normalize ? normalizeRows(n) : n;
}
