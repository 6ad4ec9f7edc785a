import { Rng } from '../shared/random';

/** Interactions as a sparse matrix: rows (profiles) by columns (titles), confidence-weighted. */
export interface InteractionMatrix {
  rows: number;
  cols: number;
  /** CSR: row r's entries are at [rowPtr[r], rowPtr[r+1]). */
  rowPtr: Int32Array;
  colIdx: Int32Array;
  /** Strength r_ui of each entry (see implicit-feedback.ts). */
  strength: Float32Array;
}

export interface AlsOptions {
  factors: number;
  /** L2 regularisation λ. */
  regularization: number;
  /** Confidence slope: c = 1 + alpha·r. */
  alpha: number;
  iterations: number;
  /** Conjugate-gradient steps per vector and sweep (Takács et al. use 2-4, warm-started). */
  cgSteps: number;
  seed: number;
}

/**
 * Serving defaults for the default world (docs/EVALUATION.md): its validation split prefers
 * λ 300, which smooths vectors towards popularity so much that a fold-in barely moves a
 * profile's candidates; λ 100 keeps most of the accuracy and the responsiveness. MovieLens
 * prefers λ 10, α 5; `npm run eval` tunes per dataset.
 */
export const DEFAULT_ALS: AlsOptions = { factors: 64, regularization: 100, alpha: 40, iterations: 12, cgSteps: 3, seed: 7 };

export interface AlsFactors {
  factors: number;
  /** rows × factors, row-major. */
  rowFactors: Float32Array;
  /** cols × factors, row-major. */
  colFactors: Float32Array;
}

/** CSR of the transpose, so title vectors can be solved with the same code as profile vectors. */
export function transpose(m: InteractionMatrix): InteractionMatrix {
  const rowPtr = new Int32Array(m.cols + 1);
  for (let i = 0; i < m.colIdx.length; i++) rowPtr[m.colIdx[i] + 1]++;
  for (let c = 0; c < m.cols; c++) rowPtr[c + 1] += rowPtr[c];
  const fill = rowPtr.slice(0, m.cols);
  const colIdx = new Int32Array(m.colIdx.length);
  const strength = new Float32Array(m.colIdx.length);
  for (let r = 0; r < m.rows; r++) {
    for (let p = m.rowPtr[r]; p < m.rowPtr[r + 1]; p++) {
      const at = fill[m.colIdx[p]]++;
      colIdx[at] = r;
      strength[at] = m.strength[p];
    }
  }
  return { rows: m.cols, cols: m.rows, rowPtr, colIdx, strength };
}

/** YᵀY of a factor matrix (n × k), as a dense k × k Float64Array. */
export function gram(y: Float32Array, k: number): Float64Array {
  const g = new Float64Array(k * k);
  const n = y.length / k;
  for (let i = 0; i < n; i++) {
    const o = i * k;
    for (let a = 0; a < k; a++) {
      const ya = y[o + a];
      if (ya === 0) continue;
      for (let b = a; b < k; b++) g[a * k + b] += ya * y[o + b];
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) g[a * k + b] = g[b * k + a];
  return g;
}

/**
 * Implicit-feedback ALS (Hu, Koren & Volinsky 2008) with the conjugate-gradient solver of
 * Takács, Pilászy & Tikk (2011): instead of forming and inverting a k × k system per vector,
 * a few CG steps warm-started from the previous sweep's vector, using YᵀY computed once per
 * sweep plus the profile's own few titles. Deterministic for a seed.
 */
export function trainAls(
  m: InteractionMatrix,
  o: AlsOptions = DEFAULT_ALS,
  onProgress?: (done: number, total: number) => void,
): AlsFactors {
  const k = o.factors;
  const rng = new Rng(`als:${o.seed}`);
  const init = (n: number) => Float32Array.from({ length: n * k }, () => rng.normal(0, 0.01));
  const x = init(m.rows);
  const y = init(m.cols);
  const t = transpose(m);
  for (let it = 0; it < o.iterations; it++) {
    solveAll(m, y, x, k, o);
    solveAll(t, x, y, k, o);
    onProgress?.(it + 1, o.iterations);
  }
  return { factors: k, rowFactors: x, colFactors: y };
}

/** One half-sweep: re-solves every row vector of `out` against the fixed `fixed` factors. */
function solveAll(m: InteractionMatrix, fixed: Float32Array, out: Float32Array, k: number, o: AlsOptions): void {
  const yty = gram(fixed, k);
  const scratch = cgScratch(k);
  for (let r = 0; r < m.rows; r++) {
    const start = m.rowPtr[r];
    const end = m.rowPtr[r + 1];
    const view = out.subarray(r * k, (r + 1) * k);
    if (start === end) {
      view.fill(0);
      continue;
    }
    conjugateGradient(view, fixed, yty, m.colIdx.subarray(start, end), m.strength.subarray(start, end), k, o, o.cgSteps, scratch);
  }
}

function cgScratch(k: number) {
  return { r: new Float64Array(k), p: new Float64Array(k), ap: new Float64Array(k) };
}

/** A·v for A = YᵀY + Σ (c_i − 1) y_i y_iᵀ + λI, without forming A. */
function multiply(
  v: Float64Array,
  out: Float64Array,
  y: Float32Array,
  yty: Float64Array,
  idx: Int32Array,
  strength: Float32Array,
  k: number,
  o: AlsOptions,
): void {
  for (let a = 0; a < k; a++) {
    let s = o.regularization * v[a];
    for (let b = 0; b < k; b++) s += yty[a * k + b] * v[b];
    out[a] = s;
  }
  for (let j = 0; j < idx.length; j++) {
    const yo = idx[j] * k;
    let dot = 0;
    for (let a = 0; a < k; a++) dot += y[yo + a] * v[a];
    const w = o.alpha * strength[j] * dot;
    for (let a = 0; a < k; a++) out[a] += w * y[yo + a];
  }
}

/**
 * Solves A x = b in place, b = Σ c_i y_i (preferences are 1 for observed titles), by `steps`
 * CG iterations from the current x.
 */
export function conjugateGradient(
  x: Float32Array,
  y: Float32Array,
  yty: Float64Array,
  idx: Int32Array,
  strength: Float32Array,
  k: number,
  o: AlsOptions,
  steps: number,
  s = cgScratch(k),
): void {
  const { r, p, ap } = s;
  const xv = Float64Array.from(x);
  multiply(xv, ap, y, yty, idx, strength, k, o);
  for (let a = 0; a < k; a++) r[a] = -ap[a];
  for (let j = 0; j < idx.length; j++) {
    const c = 1 + o.alpha * strength[j];
    const yo = idx[j] * k;
    for (let a = 0; a < k; a++) r[a] += c * y[yo + a];
  }
  p.set(r);
  let rs = dot(r, r);
  for (let step = 0; step < steps && rs > 1e-12; step++) {
    multiply(p, ap, y, yty, idx, strength, k, o);
    const alpha = rs / dot(p, ap);
    for (let a = 0; a < k; a++) {
      xv[a] += alpha * p[a];
      r[a] -= alpha * ap[a];
    }
    const next = dot(r, r);
    for (let a = 0; a < k; a++) p[a] = r[a] + (next / rs) * p[a];
    rs = next;
  }
  x.set(xv);
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
