import type { InteractionMatrix } from './als';
import { entryValues, NeighbourRows, selectTop, type ItemInput, type ItemNeighbours } from './item-item';

export interface EaseOptions {
  /** L2 regularisation λ added to the Gram matrix's diagonal. */
  lambda: number;
  /** At most this many titles, the most interacted with: training is dense, cubic in the count (3,000 titles ≈ 10-20 s). */
  maxTitles: number;
  /** Titles with fewer interactions are left out of the model. */
  minInteractions: number;
  /** Largest positive weights kept per title in the sparse model. */
  neighbours: number;
  /**
   * Most negative weights kept per title too: EASE's negative weights ("viewers of i rarely
   * watch j") carry part of its accuracy on long histories (MovieLens: 200 positive weights
   * alone lose ~5% NDCG@10 to the dense model, 200 of each under 2%), none on the default
   * world's short ones.
   */
  negativeNeighbours: number;
  input: ItemInput;
}

/**
 * Serving defaults: the default world's validation choice (src/eval/tune-item-models.ts), ~5 s
 * of training there. MovieLens prefers λ 400, 3,000 titles, 200 negative neighbours and
 * strength input; `npm run eval` tunes per dataset.
 */
export const DEFAULT_EASE: EaseOptions = {
  lambda: 1000,
  maxTitles: 2000,
  minInteractions: 2,
  neighbours: 200,
  negativeNeighbours: 0,
  input: 'binary',
};

/**
 * The titles EASE trains on, ascending column indices: those with at least `minInteractions`
 * interactions, at most `maxTitles` of them by interactions (ties by column).
 */
export function easeColumns(m: InteractionMatrix, o: Pick<EaseOptions, 'maxTitles' | 'minInteractions'>): Int32Array {
  const counts = new Int32Array(m.cols);
  for (const c of m.colIdx) counts[c]++;
  const eligible: number[] = [];
  for (let c = 0; c < m.cols; c++) if (counts[c] >= Math.max(1, o.minInteractions)) eligible.push(c);
  eligible.sort((a, b) => counts[b] - counts[a] || a - b);
  return Int32Array.from(eligible.slice(0, o.maxTitles)).sort();
}

/** XᵀX over the given columns (n × n, row-major, both triangles), X binary or strengths. */
export function easeGram(m: InteractionMatrix, columns: Int32Array, input: ItemInput): Float64Array {
  const n = columns.length;
  const at = new Int32Array(m.cols).fill(-1);
  columns.forEach((c, i) => (at[c] = i));
  const v = entryValues(m, input);
  const g = new Float64Array(n * n);
  const idx = new Int32Array(m.cols);
  const val = new Float64Array(m.cols);
  for (let r = 0; r < m.rows; r++) {
    let len = 0;
    for (let p = m.rowPtr[r]; p < m.rowPtr[r + 1]; p++) {
      const i = at[m.colIdx[p]];
      if (i < 0) continue;
      idx[len] = i;
      val[len++] = v[p];
    }
    // The upper triangle (columns are ascending within a row in interactions.ts, not necessarily elsewhere).
    for (let a = 0; a < len; a++) {
      const i = idx[a];
      const x = val[a];
      for (let b = a; b < len; b++) {
        const j = idx[b];
        if (i <= j) g[i * n + j] += x * val[b];
        else g[j * n + i] += x * val[b];
      }
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) g[j * n + i] = g[i * n + j];
  return g;
}

/**
 * Inverts a symmetric positive definite n × n matrix (row-major, both triangles) in place, by
 * blocked sweeps (Goodnight 1979): sweeping a block K of pivots maps
 *   M_KK → −M_KK⁻¹,  M_KR → M_KK⁻¹·M_KR,  M_RR → M_RR − M_RK·M_KK⁻¹·M_KR,
 * and sweeping every index leaves −A⁻¹. Only the upper triangle is updated (the swept matrix
 * stays symmetric), n³/2 multiply-adds, and each block passes over the matrix once, with the
 * block's rows transposed into a small buffer so every inner loop is a contiguous dot product.
 * No pivoting: an SPD matrix's Schur complements are SPD.
 */
export function invertSpd(a: Float64Array, n: number, block = 48): void {
  const kt = new Float64Array(n * block);
  const tt = new Float64Array(n * block);
  const small = new Float64Array(block * block);
  for (let k0 = 0; k0 < n; k0 += block) {
    const k1 = Math.min(n, k0 + block);
    const b = k1 - k0;
    // The block's inverse (of the current Schur complement).
    for (let p = 0; p < b; p++) for (let q = p; q < b; q++) small[p * b + q] = small[q * b + p] = a[(k0 + p) * n + k0 + q];
    invertSmall(small, b);
    // kt[j·b + q] = M_jK before the sweep, tt[j·b + p] = (M_KK⁻¹·M_Kj)_p after it, for every j outside the block.
    for (let j = 0; j < k0; j++) for (let q = 0; q < b; q++) kt[j * b + q] = a[j * n + k0 + q];
    for (let q = 0; q < b; q++) for (let j = k1; j < n; j++) kt[j * b + q] = a[(k0 + q) * n + j];
    for (let j = 0; j < n; j++) {
      if (j === k0) j = k1;
      if (j >= n) break;
      for (let p = 0; p < b; p++) {
        let s = 0;
        for (let q = 0; q < b; q++) s += small[p * b + q] * kt[j * b + q];
        tt[j * b + p] = s;
      }
    }
    // M_ij −= M_iK·tt[j] for i ≤ j outside the block, two rows at a time where both have the same span.
    for (let i = 0; i < n; i++) {
      if (i === k0) i = k1;
      if (i >= n) break;
      const row = i * n;
      const pair = i + 1 < n && i + 1 !== k0;
      if (i < k0) {
        updateRow(a, row, kt, i * b, tt, b, i, pair ? i + 2 : k0);
        if (pair) {
          updateRow(a, row + n, kt, (i + 1) * b, tt, b, i + 1, i + 2);
          updateTwoRows(a, row, kt, i * b, tt, b, n, i + 2, k0);
          updateTwoRows(a, row, kt, i * b, tt, b, n, k1, n);
        } else {
          updateRow(a, row, kt, i * b, tt, b, k1, n);
        }
        for (let p = 0; p < b; p++) a[row + k0 + p] = tt[i * b + p];
        if (pair) for (let p = 0; p < b; p++) a[row + n + k0 + p] = tt[(i + 1) * b + p];
      } else if (pair) {
        updateRow(a, row, kt, i * b, tt, b, i, i + 2);
        updateRow(a, row + n, kt, (i + 1) * b, tt, b, i + 1, i + 2);
        updateTwoRows(a, row, kt, i * b, tt, b, n, i + 2, n);
      } else {
        updateRow(a, row, kt, i * b, tt, b, i, n);
      }
      if (pair) i++;
    }
    for (let p = 0; p < b; p++) {
      const row = (k0 + p) * n;
      for (let j = k1; j < n; j++) a[row + j] = tt[j * b + p];
      for (let q = p; q < b; q++) a[row + k0 + q] = -small[p * b + q];
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const x = -a[i * n + j];
      a[i * n + j] = x;
      a[j * n + i] = x;
    }
  }
}

/** a[row + j] −= kt[c .. c + b) · tt[j·b .. j·b + b) for j in [from, to). */
function updateRow(a: Float64Array, row: number, kt: Float64Array, c: number, tt: Float64Array, b: number, from: number, to: number): void {
  const b4 = b - (b % 4);
  for (let j = from; j < to; j++) {
    const o = j * b;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let p = 0; p < b4; p += 4) {
      s0 += kt[c + p] * tt[o + p];
      s1 += kt[c + p + 1] * tt[o + p + 1];
      s2 += kt[c + p + 2] * tt[o + p + 2];
      s3 += kt[c + p + 3] * tt[o + p + 3];
    }
    for (let p = b4; p < b; p++) s0 += kt[c + p] * tt[o + p];
    a[row + j] -= s0 + s1 + s2 + s3;
  }
}

/** updateRow for rows i and i+1 at once (their kt entries are consecutive), two columns at a time: each load serves two products. */
function updateTwoRows(
  a: Float64Array,
  row: number,
  kt: Float64Array,
  c: number,
  tt: Float64Array,
  b: number,
  n: number,
  from: number,
  to: number,
): void {
  let j = from;
  for (; j + 1 < to; j += 2) {
    const o = j * b;
    let s00 = 0;
    let s01 = 0;
    let s10 = 0;
    let s11 = 0;
    for (let p = 0; p < b; p++) {
      const x0 = kt[c + p];
      const x1 = kt[c + b + p];
      const y0 = tt[o + p];
      const y1 = tt[o + b + p];
      s00 += x0 * y0;
      s01 += x0 * y1;
      s10 += x1 * y0;
      s11 += x1 * y1;
    }
    a[row + j] -= s00;
    a[row + j + 1] -= s01;
    a[row + n + j] -= s10;
    a[row + n + j + 1] -= s11;
  }
  if (j < to) {
    updateRow(a, row, kt, c, tt, b, j, to);
    updateRow(a, row + n, kt, c + b, tt, b, j, to);
  }
}

/** Gauss-Jordan inverse of a small SPD matrix, in place (full storage). */
function invertSmall(s: Float64Array, b: number): void {
  for (let k = 0; k < b; k++) {
    const pivot = s[k * b + k];
    if (!(pivot > 0)) throw new Error('EASE: the Gram matrix plus λI is not positive definite');
    s[k * b + k] = 1;
    for (let j = 0; j < b; j++) s[k * b + j] /= pivot;
    for (let i = 0; i < b; i++) {
      if (i === k) continue;
      const f = s[i * b + k];
      if (f === 0) continue;
      s[i * b + k] = 0;
      for (let j = 0; j < b; j++) s[i * b + j] -= f * s[k * b + j];
    }
  }
}

/**
 * EASE's dense weights from a Gram matrix (consumed): P = (G + λI)⁻¹, B = I − P·diag(1/diag(P))
 * with diag(B) = 0, i.e. B_ij = −P_ij / P_jj. Row-major n × n; a profile's score for j is Σ_i x_i·B_ij.
 */
export function easeWeights(gram: Float64Array, n: number, lambda: number): Float64Array {
  for (let i = 0; i < n; i++) gram[i * n + i] += lambda;
  invertSpd(gram, n);
  const diag = new Float64Array(n);
  for (let j = 0; j < n; j++) diag[j] = gram[j * n + j];
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) gram[row + j] = i === j ? 0 : -gram[row + j] / diag[j];
  }
  return gram;
}

/**
 * Each row's `positive` largest positive weights and `negative` most negative weights of a dense
 * n × n matrix (a row's order: positives descending, then negatives from the weakest to the
 * strongest), as the sparse model over `titleIds`.
 */
export function sparsifyDense(
  b: Float64Array,
  titleIds: readonly string[],
  positive: number,
  negative: number,
  input: ItemInput,
): ItemNeighbours {
  const n = titleIds.length;
  const rows = new NeighbourRows(titleIds, input, positive + negative);
  const chosen = new Int32Array(Math.max(positive, negative));
  const flipped = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = b.subarray(i * n, (i + 1) * n);
    rows.add(chosen, selectTop(row, null, n, positive, i, chosen), row);
    if (negative > 0) {
      for (let j = 0; j < n; j++) flipped[j] = -row[j];
      const count = selectTop(flipped, null, n, negative, i, chosen);
      chosen.subarray(0, count).reverse();
      rows.add(chosen, count, flipped, -1);
    }
    rows.endRow();
  }
  return rows.finish();
}

/**
 * EASE (Steck 2019, "Embarrassingly Shallow Autoencoders for Sparse Data"): the item-item
 * weights B minimising ‖X − XB‖² + λ‖B‖² with diag(B) = 0, in closed form, trained dense over
 * the most interacted-with titles and kept as each title's top `neighbours` weights.
 */
export function trainEase(m: InteractionMatrix, titleIds: readonly string[], o: EaseOptions = DEFAULT_EASE): ItemNeighbours {
  const columns = easeColumns(m, o);
  const b = easeWeights(easeGram(m, columns, o.input), columns.length, o.lambda);
  return sparsifyDense(
    b,
    Array.from(columns, (c) => titleIds[c]),
    o.neighbours,
    o.negativeNeighbours,
    o.input,
  );
}
