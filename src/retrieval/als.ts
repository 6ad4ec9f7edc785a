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
  /** L2 regularisation λ (scaled per row by `regularizationExponent`). */
  regularization: number;
  /**
   * Confidence slope: an observed entry weighs c = 1 + alpha·r, an unobserved one 1. In the terms
   * of Rendle et al. (2022), whose observed entries weigh 1 and unobserved ones α0, α0 = 1/alpha.
   */
  alpha: number;
  iterations: number;
  /** Most preconditioned conjugate-gradient steps per vector and half-sweep (fewer once it has converged). */
  cgSteps: number;
  seed: number;
  /**
   * ν of frequency-scaled regularisation (Rendle et al. 2022): a row's λ is
   * regularization · (Σ_i c_ui)^ν, its confidence summed over every column (n + alpha·Σ r over
   * the observed ones), so a row's penalty grows with its evidence and the unobserved weight.
   * 0 keeps one λ for every row (Hu, Koren & Volinsky); absent means 0 (bundles of before).
   */
  regularizationExponent?: number;
  /** σ: initial profile entries are drawn from N(0, σ²/factors). Absent: a fixed sd of 0.01 (bundles of before). */
  initScale?: number;
}

/**
 * Serving defaults for the default world, chosen on its validation split (each profile's last
 * 20% of training titles) under two constraints: 64 factors and 12 sweeps (every start trains
 * five ALS models; more factors gain about 1% there for four times the time), and fold-ins that
 * follow new plays (test/integration/fold-in.test.ts). Validation NDCG@10 is highest (0.035) with
 * λ close to where shrinkage cuts every dimension but popularity's, and there three plays of a
 * new genre barely move a profile's candidates; a lower unobserved weight (α 256) and a λ a
 * little under that edge keep the fold-in as responsive as the old defaults (λ 100, α 40, one λ
 * for every row) at 0.031 on validation instead of their 0.022. `npm run eval` tunes per
 * dataset, for accuracy alone.
 */
export const DEFAULT_ALS: AlsOptions = {
  factors: 64,
  regularization: 7.2,
  alpha: 256,
  iterations: 12,
  cgSteps: 3,
  seed: 7,
  regularizationExponent: 0.5,
  initScale: 0.1,
};

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
  const n = y.length / k;
  // Column-major copy, so each entry is one contiguous dot product.
  const cols = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let a = 0; a < k; a++) cols[a * n + i] = y[i * k + a];
  const g = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      const v = dotAt(cols, a * n, cols, b * n, n);
      g[a * k + b] = v;
      g[b * k + a] = v;
    }
  }
  return g;
}

/** The λ of one row: regularization · (n + alpha·Σ r)^ν, n the number of rows on the fixed side. */
export function rowRegularization(strength: ArrayLike<number>, fixedRows: number, o: AlsOptions): number {
  const nu = o.regularizationExponent ?? 0;
  if (nu === 0) return o.regularization;
  let w = 0;
  for (let j = 0; j < strength.length; j++) w += strength[j];
  return o.regularization * Math.pow(fixedRows + o.alpha * w, nu);
}

/** A row's solve stops once its residual is this small relative to the right-hand side. */
const TOLERANCE = 1e-7;

/**
 * The fixed side of a half-sweep, in the eigenbasis of its Gram matrix YᵀY = QΛQᵀ: there every
 * row's system (Λ + λ_u I + Σ_i alpha·r_ui ỹ_i ỹ_iᵀ) x̃ = Σ_i (1 + alpha·r_ui) ỹ_i has a diagonal
 * dense part, so a conjugate-gradient step costs O(k·|I_u|) instead of O(k²), and the diagonal
 * is a preconditioner that leaves only the row's own low-rank part to iterate on (few steps for
 * most rows). Solutions come out in the same basis as `rotated` (YQ); scores are unchanged by a
 * rotation shared by both sides.
 */
export class FixedSide {
  /** The fixed factors rotated into the eigenbasis: n × k, row-major. */
  readonly rotated: Float32Array;
  /** Λ: the eigenvalues of YᵀY. */
  readonly eigenvalues: Float64Array;
  /** Q: k × k row-major, column j the j-th eigenvector; rotated = factors·Q. */
  readonly basis: Float64Array;
  readonly rows: number;

  constructor(
    factors: Float32Array,
    readonly k: number,
  ) {
    this.rows = factors.length / k;
    const { values, vectors } = symmetricEigen(gram(factors, k), k);
    this.eigenvalues = values;
    this.basis = vectors;
    this.rotated = rotate(factors, vectors, k);
  }

  /**
   * Solves one row's system in the eigenbasis into `out` (from zero): at most `maxSteps`
   * preconditioned CG steps, fewer once the relative residual is below TOLERANCE.
   */
  solve(
    idx: ArrayLike<number>,
    strength: ArrayLike<number>,
    o: AlsOptions,
    maxSteps: number,
    out: Float32Array,
    s: Scratch = scratch(this.k),
  ): void {
    const { k, rotated: y, eigenvalues } = this;
    const { x, r, z, p, ap, diag } = s;
    const lambda = rowRegularization(strength, this.rows, o);
    const n = idx.length;
    r.fill(0);
    for (let a = 0; a < k; a++) diag[a] = eigenvalues[a] + lambda;
    for (let j = 0; j < n; j++) {
      const yo = idx[j] * k;
      const w = o.alpha * strength[j];
      const c = 1 + w;
      for (let a = 0; a < k; a++) {
        const v = y[yo + a];
        r[a] += c * v;
        diag[a] += w * v * v;
      }
    }
    x.fill(0);
    const bNorm = Math.sqrt(dot(r, r, k));
    if (bNorm === 0) {
      out.fill(0);
      return;
    }
    for (let a = 0; a < k; a++) z[a] = r[a] / diag[a];
    p.set(z);
    let rz = dot(r, z, k);
    for (let step = 0; step < maxSteps; step++) {
      // ap = (Λ + λI) p + Σ_j alpha·r_j (ỹ_j·p) ỹ_j
      for (let a = 0; a < k; a++) ap[a] = (eigenvalues[a] + lambda) * p[a];
      for (let j = 0; j < n; j++) {
        const yo = idx[j] * k;
        const d = dot32At(y, yo, p, k) * o.alpha * strength[j];
        for (let a = 0; a < k; a++) ap[a] += d * y[yo + a];
      }
      const step_ = rz / dot(p, ap, k);
      for (let a = 0; a < k; a++) {
        x[a] += step_ * p[a];
        r[a] -= step_ * ap[a];
      }
      if (Math.sqrt(dot(r, r, k)) <= TOLERANCE * bNorm) break;
      for (let a = 0; a < k; a++) z[a] = r[a] / diag[a];
      const next = dot(r, z, k);
      const beta = next / rz;
      for (let a = 0; a < k; a++) p[a] = z[a] + beta * p[a];
      rz = next;
    }
    for (let a = 0; a < k; a++) out[a] = x[a];
  }

  /** x = Q x̃: a solution back in the basis of the factors this side was built from. */
  unrotate(xt: ArrayLike<number>): Float32Array {
    const { k, basis } = this;
    const x = new Float32Array(k);
    for (let a = 0; a < k; a++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += basis[a * k + j] * xt[j];
      x[a] = s;
    }
    return x;
  }
}

export interface Scratch {
  x: Float64Array;
  r: Float64Array;
  z: Float64Array;
  p: Float64Array;
  ap: Float64Array;
  diag: Float64Array;
}

export function scratch(k: number): Scratch {
  const f = () => new Float64Array(k);
  return { x: f(), r: f(), z: f(), p: f(), ap: f(), diag: f() };
}

/**
 * Implicit-feedback ALS (Hu, Koren & Volinsky 2008) with frequency-scaled regularisation (Rendle
 * et al. 2022), each row solved by preconditioned conjugate gradient in the eigenbasis of the
 * fixed side's Gram matrix (see FixedSide). Each iteration solves the title vectors, then the
 * profile vectors; the last profile half-sweep solves to convergence, so a trained profile
 * vector is the one a fold-in (fold-in.ts) computes for the same history. Deterministic for a seed.
 */
export function trainAls(
  m: InteractionMatrix,
  o: AlsOptions = DEFAULT_ALS,
  onProgress?: (done: number, total: number) => void,
): AlsFactors {
  const k = o.factors;
  const rng = new Rng(`als:${o.seed}`);
  const sd = o.initScale === undefined ? 0.01 : o.initScale / Math.sqrt(k);
  let x: Float32Array = Float32Array.from({ length: m.rows * k }, () => rng.normal(0, sd));
  let y: Float32Array = new Float32Array(m.cols * k);
  const t = transpose(m);
  for (let it = 0; it < o.iterations; it++) {
    const profiles = new FixedSide(x, k);
    x = profiles.rotated;
    solveAll(t, profiles, y, o, o.cgSteps);
    const titles = new FixedSide(y, k);
    y = titles.rotated;
    solveAll(m, titles, x, o, it === o.iterations - 1 ? Math.max(o.cgSteps, k) : o.cgSteps);
    onProgress?.(it + 1, o.iterations);
  }
  return { factors: k, rowFactors: x, colFactors: y };
}

/** One half-sweep: solves every row of `out` against the fixed side, in its eigenbasis. */
function solveAll(m: InteractionMatrix, fixed: FixedSide, out: Float32Array, o: AlsOptions, steps: number): void {
  const k = fixed.k;
  const s = scratch(k);
  for (let r = 0; r < m.rows; r++) {
    const start = m.rowPtr[r];
    const end = m.rowPtr[r + 1];
    const view = out.subarray(r * k, (r + 1) * k);
    if (start === end) view.fill(0);
    else fixed.solve(m.colIdx.subarray(start, end), m.strength.subarray(start, end), o, steps, view, s);
  }
}

/** y·Q for every row of y (n × k), Q k × k row-major. */
function rotate(y: Float32Array, q: Float64Array, k: number): Float32Array {
  const n = y.length / k;
  const qt = new Float64Array(k * k);
  for (let a = 0; a < k; a++) for (let j = 0; j < k; j++) qt[j * k + a] = q[a * k + j];
  const out = new Float32Array(y.length);
  const row = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const o = i * k;
    for (let a = 0; a < k; a++) row[a] = y[o + a];
    for (let j = 0; j < k; j++) out[o + j] = dotAt(row, 0, qt, j * k, k);
  }
  return out;
}

/** Σ a[ao + i]·b[bo + i] for i < n, four sums at a time (about twice as fast as one in V8). */
function dotAt(a: Float64Array, ao: number, b: Float64Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[ao + i] * b[bo + i];
    s1 += a[ao + i + 1] * b[bo + i + 1];
    s2 += a[ao + i + 2] * b[bo + i + 2];
    s3 += a[ao + i + 3] * b[bo + i + 3];
  }
  for (; i < n; i++) s0 += a[ao + i] * b[bo + i];
  return s0 + s1 + s2 + s3;
}

/** dotAt of a Float32 row (single-precision factors) with a Float64 vector (separate, so each stays monomorphic). */
function dot32At(a: Float32Array, ao: number, b: Float64Array, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[ao + i] * b[i];
    s1 += a[ao + i + 1] * b[i + 1];
    s2 += a[ao + i + 2] * b[i + 2];
    s3 += a[ao + i + 3] * b[i + 3];
  }
  for (; i < n; i++) s0 += a[ao + i] * b[i];
  return s0 + s1 + s2 + s3;
}

function dot(a: Float64Array, b: Float64Array, k: number): number {
  return dotAt(a, 0, b, 0, k);
}

/**
 * Eigendecomposition of a symmetric n × n matrix (row-major): Householder reduction to
 * tridiagonal form and the implicit QL algorithm (tred2 and tql2 of EISPACK, as in JAMA).
 * Returns A = V diag(values) Vᵀ with V row-major, column j the eigenvector of values[j].
 */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const v = Array.from({ length: n }, (_, i) => Float64Array.from(matrix.subarray(i * n, (i + 1) * n)));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tred2(v, d, e, n);
  tql2(v, d, e, n);
  const vectors = new Float64Array(n * n);
  for (let i = 0; i < n; i++) vectors.set(v[i], i * n);
  return { values: d, vectors };
}

function tred2(v: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = v[n - 1][j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = v[i - 1][j];
        v[i][j] = 0;
        v[j][i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        v[j][i] = f;
        g = e[j] + v[j][j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[k][j] * d[k];
          e[k] += v[k][j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) v[k][j] -= f * e[k] + g * d[k];
        d[j] = v[i - 1][j];
        v[i][j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    v[n - 1][i] = v[i][i];
    v[i][i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[k][i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[k][i + 1] * v[k][j];
        for (let k = 0; k <= i; k++) v[k][j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) v[k][i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[n - 1][j];
    v[n - 1][j] = 0;
  }
  v[n - 1][n - 1] = 1;
  e[0] = 0;
}

function tql2(v: Float64Array[], d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = Math.pow(2, -52);
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]) > eps * tst1) m++;
    if (m > l) {
      do {
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (let k = 0; k < n; k++) {
            const row = v[k];
            h = row[i + 1];
            row[i + 1] = s * row[i] + c * h;
            row[i] = c * row[i] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}
