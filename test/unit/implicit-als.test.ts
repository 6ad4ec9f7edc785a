import {
  DEFAULT_ALS,
  FixedSide,
  gram,
  rowRegularization,
  symmetricEigen,
  trainAls,
  transpose,
  type AlsOptions,
  type InteractionMatrix,
} from '../../src/retrieval/als';
import { FoldIn } from '../../src/retrieval/fold-in';
import { EARLY_EXIT_PROGRESS, interactionStrength } from '../../src/retrieval/implicit-feedback';
import { DAY_MS } from '../../src/shared/time';

const now = Date.UTC(2026, 10, 1);
const w = (progress: number, extra: Partial<{ plays: number; completed: boolean; lastAt: number }> = {}) => ({
  progress,
  plays: 1,
  completed: false,
  lastAt: now,
  ...extra,
});

describe('implicit feedback strength', () => {
  it('grows with progress and completion, and with repeat plays at a diminishing rate', () => {
    const s = [0.2, 0.5, 0.7].map((p) => interactionStrength(w(p), now));
    expect(s[0]).toBeLessThan(s[1]);
    expect(s[1]).toBeLessThan(s[2]);
    expect(interactionStrength(w(0.95, { completed: true }), now)).toBeGreaterThan(s[2]);
    const plays = [1, 2, 4, 8].map((n) => interactionStrength(w(0.7, { plays: n }), now));
    expect(plays[1] - plays[0]).toBeCloseTo(plays[2] - plays[1], 6);
    expect(plays[3]).toBeLessThan(2 * plays[1]);
  });

  it('halves after the half-life', () => {
    const fresh = interactionStrength(w(0.7), now, { halfLifeDays: 30 });
    expect(interactionStrength(w(0.7, { lastAt: now - 30 * DAY_MS }), now, { halfLifeDays: 30 })).toBeCloseTo(fresh / 2, 6);
  });

  it('counts an early abandonment as weak positive evidence, below any engaged play', () => {
    const abandoned = interactionStrength(w(EARLY_EXIT_PROGRESS / 2), now);
    expect(abandoned).toBeGreaterThan(0);
    expect(abandoned).toBeLessThan(interactionStrength(w(EARLY_EXIT_PROGRESS), now) / 3);
  });
});

/** Two taste groups: profiles 0-19 watch titles 0-9, profiles 20-39 watch titles 10-19, each skipping a few. */
function plantedMatrix(): InteractionMatrix {
  const rows: number[][] = [];
  for (let r = 0; r < 40; r++) {
    const base = r < 20 ? 0 : 10;
    rows.push(Array.from({ length: 10 }, (_, i) => base + i).filter((c) => (c + r) % 4 !== 0));
  }
  const rowPtr = new Int32Array(41);
  rows.forEach((cols, r) => (rowPtr[r + 1] = rowPtr[r] + cols.length));
  return { rows: 40, cols: 20, rowPtr, colIdx: Int32Array.from(rows.flat()), strength: new Float32Array(rowPtr[40]).fill(1) };
}

describe('symmetric eigendecomposition', () => {
  it('reconstructs a symmetric matrix from orthonormal eigenvectors', () => {
    const n = 12;
    const b = Array.from({ length: n * n }, (_, i) => Math.sin(i * 1.7) + Math.cos(i * 0.3));
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let t = 0; t < n; t++) a[i * n + j] += b[t * n + i] * b[t * n + j];
    const { values, vectors: v } = symmetricEigen(a, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rebuilt = 0;
        let identity = 0;
        for (let t = 0; t < n; t++) {
          rebuilt += v[i * n + t] * values[t] * v[j * n + t];
          identity += v[t * n + i] * v[t * n + j];
        }
        expect(rebuilt).toBeCloseTo(a[i * n + j], 8);
        expect(identity).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });
});

describe('implicit ALS with conjugate gradient', () => {
  const options: AlsOptions = { ...DEFAULT_ALS, factors: 8, regularization: 10, alpha: 40, regularizationExponent: 0, iterations: 10 };
  // Frequency-scaled: λ_u = 0.05·(n + α·Σ r)^1.
  const scaled: AlsOptions = { ...options, regularization: 0.05, alpha: 2, regularizationExponent: 1 };

  it('is deterministic for a seed and differs for another', () => {
    const m = plantedMatrix();
    expect(trainAls(m, options).colFactors).toEqual(trainAls(m, options).colFactors);
    expect(trainAls(m, { ...options, seed: 8 }).colFactors).not.toEqual(trainAls(m, options).colFactors);
  });

  it('transposes a CSR matrix exactly', () => {
    const m = plantedMatrix();
    const back = transpose(transpose(m));
    expect(back.rowPtr).toEqual(m.rowPtr);
    expect(back.colIdx).toEqual(m.colIdx);
  });

  it.each([
    ['one λ', options],
    ['frequency-scaled λ', scaled],
  ])("learns the planted groups (%s): a profile's unwatched titles of its group outscore the other group", (_name, o) => {
    const m = plantedMatrix();
    const f = trainAls(m, o);
    const score = (r: number, c: number) => {
      let s = 0;
      for (let a = 0; a < f.factors; a++) s += f.rowFactors[r * f.factors + a] * f.colFactors[c * f.factors + a];
      return s;
    };
    for (const r of [1, 5, 22, 37]) {
      const mine = r < 20 ? 0 : 10;
      const skipped = Array.from({ length: 10 }, (_, i) => mine + i).filter((c) => (c + r) % 4 === 0);
      const other = Array.from({ length: 10 }, (_, i) => (mine + 10 + i) % 20);
      expect(Math.min(...skipped.map((c) => score(r, c)))).toBeGreaterThan(Math.max(...other.map((c) => score(r, c))));
    }
  });

  it("scales a row's λ with its confidence summed over every column; without an exponent (bundles of before) λ is one", () => {
    const strength = Float32Array.from([1, 0.5]);
    expect(rowRegularization(strength, 20, scaled)).toBeCloseTo(0.05 * (20 + 2 * 1.5), 6);
    expect(rowRegularization(strength, 20, { ...scaled, regularizationExponent: 0.5 })).toBeCloseTo(0.05 * Math.sqrt(23), 6);
    const { regularizationExponent: _nu, initScale: _sigma, ...before } = scaled;
    expect(rowRegularization(strength, 20, before)).toBe(0.05);
  });

  it.each([
    ['one λ', options],
    ['frequency-scaled λ', scaled],
  ])('folds in the solution of the normal equations (%s)', (_name, o) => {
    const m = plantedMatrix();
    const f = trainAls(m, o);
    const k = f.factors;
    const idx = [0, 3, 7];
    const strength = [1, 0.5, 2];
    const x = new FoldIn(f.colFactors, k, o).solve(idx, strength);
    // Residual of (YᵀY + Σ α·r y yᵀ + λ_u I) x = Σ (1 + α·r) y, λ_u = λ·(n + α·Σ r)^ν.
    const lambda = o.regularization * Math.pow(20 + o.alpha * 3.5, o.regularizationExponent ?? 0);
    const yty = gram(f.colFactors, k);
    const ax = Array.from({ length: k }, (_, a) => lambda * x[a] + yty.slice(a * k, a * k + k).reduce((s, v, b) => s + v * x[b], 0));
    const b = new Array(k).fill(0);
    idx.forEach((c, j) => {
      const y = f.colFactors.subarray(c * k, (c + 1) * k);
      const dot = y.reduce((s, v, a) => s + v * x[a], 0);
      for (let a = 0; a < k; a++) {
        ax[a] += o.alpha * strength[j] * dot * y[a];
        b[a] += (1 + o.alpha * strength[j]) * y[a];
      }
    });
    expect(Math.hypot(...ax.map((v, a) => v - b[a])) / Math.hypot(...b)).toBeLessThan(1e-5);
  });

  it.each([
    ['one λ', options],
    ['frequency-scaled λ', scaled],
  ])('a profile folded in from its training history gets its trained vector back (%s)', (_name, o) => {
    const m = plantedMatrix();
    const f = trainAls(m, o);
    const k = f.factors;
    const foldIn = new FoldIn(f.colFactors, k, o);
    for (const r of [0, 13, 26, 39]) {
      const cols = [...m.colIdx.subarray(m.rowPtr[r], m.rowPtr[r + 1])];
      const folded = foldIn.solve(cols, [...m.strength.subarray(m.rowPtr[r], m.rowPtr[r + 1])]);
      const trained = f.rowFactors.subarray(r * k, (r + 1) * k);
      const norm = Math.hypot(...trained);
      expect(Math.hypot(...folded.map((v, a) => v - trained[a])) / norm).toBeLessThan(1e-4);
    }
  });

  it('solves every row to the same answer with any number of CG steps once converged, and close after a few', () => {
    const m = plantedMatrix();
    const f = trainAls(m, scaled);
    const side = new FixedSide(f.colFactors, f.factors);
    const idx = m.colIdx.subarray(m.rowPtr[5], m.rowPtr[6]);
    const strength = m.strength.subarray(m.rowPtr[5], m.rowPtr[6]);
    const exact = new Float32Array(f.factors);
    const few = new Float32Array(f.factors);
    side.solve(idx, strength, scaled, f.factors, exact);
    side.solve(idx, strength, scaled, 3, few);
    expect(Math.hypot(...few.map((v, a) => v - exact[a])) / Math.hypot(...exact)).toBeLessThan(0.05);
  });
});
