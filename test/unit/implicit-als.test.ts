import { conjugateGradient, DEFAULT_ALS, gram, trainAls, transpose, type InteractionMatrix } from '../../src/retrieval/als';
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

describe('implicit ALS with conjugate gradient', () => {
  const options = { ...DEFAULT_ALS, factors: 8, regularization: 1, iterations: 10 };

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

  it("learns the planted groups: a profile's unwatched titles of its group outscore the other group", () => {
    const m = plantedMatrix();
    const f = trainAls(m, options);
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

  it('solves the normal equations: k CG steps leave a tiny residual', () => {
    const m = plantedMatrix();
    const f = trainAls(m, options);
    const k = f.factors;
    const idx = Int32Array.from([0, 3, 7]);
    const strength = Float32Array.from([1, 0.5, 2]);
    const x = new FoldIn(f.colFactors, k, options).solve([...idx], [...strength]);
    // Residual of (YᵀY + Σ(c-1) y yᵀ + λI) x = Σ c y.
    const yty = gram(f.colFactors, k);
    const ax = Array.from(
      { length: k },
      (_, a) => options.regularization * x[a] + yty.slice(a * k, a * k + k).reduce((s, v, b) => s + v * x[b], 0),
    );
    const b = new Array(k).fill(0);
    idx.forEach((c, j) => {
      const y = f.colFactors.subarray(c * k, (c + 1) * k);
      const dot = y.reduce((s, v, a) => s + v * x[a], 0);
      for (let a = 0; a < k; a++) {
        ax[a] += options.alpha * strength[j] * dot * y[a];
        b[a] += (1 + options.alpha * strength[j]) * y[a];
      }
    });
    const residual = Math.hypot(...ax.map((v, a) => v - b[a])) / Math.hypot(...b);
    expect(residual).toBeLessThan(1e-4);
    // Warm-started CG from that solution stays there.
    const again = Float32Array.from(x);
    conjugateGradient(again, f.colFactors, yty, idx, strength, k, options, 3);
    expect(Math.max(...again.map((v, a) => Math.abs(v - x[a])))).toBeLessThan(1e-4);
  });
});
