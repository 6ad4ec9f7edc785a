import type { InteractionMatrix } from '../../src/retrieval/als';
import { easeColumns, easeGram, easeWeights, invertSpd, trainEase, DEFAULT_EASE } from '../../src/retrieval/ease';
import { buildInteractions } from '../../src/retrieval/interactions';
import {
  ItemItemModel,
  normalizeRows,
  selectTop,
  trainItemKnn,
  truncateNeighbours,
  type ItemNeighbours,
} from '../../src/retrieval/item-item';
import { trainRp3beta } from '../../src/retrieval/rp3beta';
import { watchStatesFrom } from '../../src/domain/watch-state';
import { easeRecommender, itemKnn } from '../../src/eval/recommenders';
import { tuneEase, tuneItemKnn, tuneRp3beta } from '../../src/eval/tune-item-models';
import { splitByTime } from '../../src/training/split';
import { generateWorld } from '../../src/world/generate';

/** CSR from per-profile title lists (binary strengths unless given). */
function matrix(rows: number[][], cols: number, strengths?: number[][]): InteractionMatrix {
  const rowPtr = new Int32Array(rows.length + 1);
  rows.forEach((r, i) => (rowPtr[i + 1] = rowPtr[i] + r.length));
  return {
    rows: rows.length,
    cols,
    rowPtr,
    colIdx: Int32Array.from(rows.flat()),
    strength: strengths ? Float32Array.from(strengths.flat()) : new Float32Array(rowPtr[rows.length]).fill(1),
  };
}

/** Four viewers of three titles: title 0 by u0, u1, u3; title 1 by u0, u1, u2; title 2 by u1, u2. */
const tiny = () => matrix([[0, 1], [0, 1, 2], [1, 2], [0]], 3);
const ids = ['a', 'b', 'c'];

/** The model's weight of (row, col), undefined if not stored. */
function weightOf(n: ItemNeighbours, row: number, col: number): number | undefined {
  for (let p = n.rowPtr[row]; p < n.rowPtr[row + 1]; p++) if (n.colIdx[p] === col) return n.weight[p];
  return undefined;
}

/** Inverse of a 3 × 3 matrix by cofactors: an independent check of the blocked sweep. */
function inverse3(m: number[][]): number[][] {
  const [[a, b, c], [d, e, f], [g, h, i]] = m;
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  return [
    [(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
    [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
    [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det],
  ];
}

/** Two taste groups of 30 profiles over 12 titles each, every profile skipping a few. */
function planted(): InteractionMatrix {
  const rows: number[][] = [];
  for (let r = 0; r < 60; r++) {
    const base = r < 30 ? 0 : 12;
    rows.push(Array.from({ length: 12 }, (_, i) => base + i).filter((c) => (c * 7 + r * 3) % 5 !== 0));
  }
  return matrix(rows, 24);
}

describe('in-place inverse of an SPD matrix', () => {
  it.each([1, 2, 3, 4, 48])('inverts with blocks of %i (pairs of rows, odd tails, one block)', (block) => {
    const n = 11;
    const x = Array.from({ length: 30 }, (_, u) => Array.from({ length: n }, (_, i) => ((u * 5 + i * 3) % 7 < 3 ? 1 : 0)));
    const a = new Float64Array(n * n);
    for (const row of x) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] += row[i] * row[j];
    for (let i = 0; i < n; i++) a[i * n + i] += 0.5;
    const original = a.slice();
    invertSpd(a, n, block);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += original[i * n + k] * a[k * n + j];
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
        expect(a[i * n + j]).toBe(a[j * n + i]);
      }
    }
  });
});

describe('EASE', () => {
  it('matches the closed form B = I − P·diag(1/diag P), P = (XᵀX + λI)⁻¹, computed by cofactors', () => {
    // XᵀX = [[3,2,1],[2,3,2],[1,2,2]]; with λ = 1 on the diagonal:
    const p = inverse3([
      [4, 2, 1],
      [2, 4, 2],
      [1, 2, 3],
    ]);
    const n = trainEase(tiny(), ids, { ...DEFAULT_EASE, lambda: 1, minInteractions: 1, neighbours: 2, negativeNeighbours: 2 });
    expect(n.titleIds).toEqual(ids);
    for (let i = 0; i < 3; i++) {
      expect(weightOf(n, i, i)).toBeUndefined();
      // B_ac = B_ca = 0 here (a zero cofactor): a zero weight is not stored.
      for (let j = 0; j < 3; j++) if (i !== j) expect(weightOf(n, i, j) ?? 0).toBeCloseTo(-p[i][j] / p[j][j], 6);
    }
    expect(weightOf(n, 0, 2)).toBeUndefined();
    for (const [i, j] of [
      [0, 1],
      [1, 0],
      [1, 2],
      [2, 1],
    ]) {
      expect(Math.abs(weightOf(n, i, j)!)).toBeGreaterThan(0.01);
    }
    // The dense weights themselves, diagonal zero.
    const b = easeWeights(easeGram(tiny(), Int32Array.from([0, 1, 2]), 'binary'), 3, 1);
    expect([b[0], b[4], b[8]]).toEqual([0, 0, 0]);
    expect(b[1]).toBeCloseTo(-p[0][1] / p[1][1], 12);
  });

  it('has the two-title closed form B_ij = G_ij / (G_ii + λ) with strengths as input', () => {
    const m = matrix([[0, 1], [0], [0, 1]], 2, [[2, 0.5], [1], [1, 1]]);
    const n = trainEase(m, ['x', 'y'], { ...DEFAULT_EASE, lambda: 3, minInteractions: 1, input: 'strength' });
    // G = [[6, 2], [2, 1.25]].
    expect(weightOf(n, 0, 1)).toBeCloseTo(2 / 9, 6);
    expect(weightOf(n, 1, 0)).toBeCloseTo(2 / 4.25, 6);
    expect(n.input).toBe('strength');
  });

  it('keeps the most interacted-with titles, at least minInteractions each, in column order', () => {
    expect([...easeColumns(tiny(), { maxTitles: 2, minInteractions: 1 })]).toEqual([0, 1]);
    expect([...easeColumns(tiny(), { maxTitles: 10, minInteractions: 3 })]).toEqual([0, 1]);
    const n = trainEase(tiny(), ids, { ...DEFAULT_EASE, lambda: 1, maxTitles: 2, minInteractions: 1 });
    expect(n.titleIds).toEqual(['a', 'b']);
  });

  it("keeps each row's largest positive and most negative weights, largest first", () => {
    // Overlapping tastes, so that weights of both signs abound.
    const rows = Array.from({ length: 80 }, (_, r) =>
      Array.from({ length: 24 }, (_, c) => c).filter((c) => (r * 7 + c * c * 3 + ((r * c) % 5)) % 4 === 0),
    );
    const titleIds = Array.from({ length: 24 }, (_, i) => `t${i}`);
    const n = trainEase(matrix(rows, 24), titleIds, {
      ...DEFAULT_EASE,
      lambda: 5,
      minInteractions: 1,
      neighbours: 3,
      negativeNeighbours: 2,
    });
    for (let i = 0; i < 24; i++) {
      const w = Array.from(n.weight.subarray(n.rowPtr[i], n.rowPtr[i + 1]));
      expect(w.length).toBe(5);
      expect(w).toEqual([...w].sort((a, b) => b - a));
      expect(w.filter((x) => x > 0).length).toBe(3);
    }
  });

  it('is deterministic', () => {
    const titleIds = Array.from({ length: 24 }, (_, i) => `t${i}`);
    const o = { ...DEFAULT_EASE, lambda: 10, minInteractions: 1 };
    expect(trainEase(planted(), titleIds, o)).toEqual(trainEase(planted(), titleIds, o));
  });
});

describe('RP3beta', () => {
  it('is a random walk title → viewer → title with α and β as in Dacrema et al.', () => {
    // From title a: viewers u0, u1, u3 (1/3 each); u0 → b with 1/2, u1 → b, c with 1/3 each.
    const plain = trainRp3beta(tiny(), ids, { alpha: 1, beta: 0, neighbours: 10, normalize: false, input: 'binary' });
    expect(weightOf(plain, 0, 1)).toBeCloseTo(1 / 6 + 1 / 9, 6);
    expect(weightOf(plain, 0, 2)).toBeCloseTo(1 / 9, 6);
    expect(weightOf(plain, 0, 0)).toBeUndefined();
    const shaped = trainRp3beta(tiny(), ids, { alpha: 0.5, beta: 0.5, neighbours: 10, normalize: false, input: 'binary' });
    const s = Math.sqrt;
    expect(weightOf(shaped, 0, 1)).toBeCloseTo((s(1 / 3) * s(1 / 2) + s(1 / 3) * s(1 / 3)) / s(3), 6);
    expect(weightOf(shaped, 0, 2)).toBeCloseTo((s(1 / 3) * s(1 / 3)) / s(2), 6);
  });

  it('keeps the top k per row and can normalise rows to sum to 1', () => {
    const n = trainRp3beta(tiny(), ids, { alpha: 1, beta: 0, neighbours: 1, normalize: true, input: 'binary' });
    expect(Array.from(n.rowPtr)).toEqual([0, 1, 2, 3]);
    expect(n.colIdx[0]).toBe(1);
    expect(Array.from(n.weight)).toEqual([1, 1, 1]);
  });

  it('is deterministic', () => {
    const titleIds = Array.from({ length: 24 }, (_, i) => `t${i}`);
    const o = { alpha: 0.7, beta: 0.3, neighbours: 5, normalize: false, input: 'strength' as const };
    expect(trainRp3beta(planted(), titleIds, o)).toEqual(trainRp3beta(planted(), titleIds, o));
  });
});

describe('item-kNN', () => {
  it('is the cosine of viewer sets, shrunk', () => {
    // a and b share u0, u1, each has 3 viewers: 2/3; shrink 1: 2/(3+1).
    expect(weightOf(trainItemKnn(tiny(), ids, { neighbours: 5, shrink: 0, input: 'binary' }), 0, 1)).toBeCloseTo(2 / 3, 6);
    expect(weightOf(trainItemKnn(tiny(), ids, { neighbours: 5, shrink: 1, input: 'binary' }), 0, 1)).toBeCloseTo(0.5, 6);
  });

  it('keeps a prefix when truncated, the same as training with fewer neighbours', () => {
    const titleIds = Array.from({ length: 24 }, (_, i) => `t${i}`);
    const more = trainItemKnn(planted(), titleIds, { neighbours: 8, shrink: 2, input: 'binary' });
    expect(truncateNeighbours(more, 3)).toEqual(trainItemKnn(planted(), titleIds, { neighbours: 3, shrink: 2, input: 'binary' }));
  });
});

describe('the served item→item model', () => {
  // a → b 0.5, c 0.25; b → a 1; c → a -0.5, b 0.5.
  const neighbours = (input: 'binary' | 'strength'): ItemNeighbours => ({
    titleIds: ids,
    rowPtr: Int32Array.from([0, 2, 3, 5]),
    colIdx: Int32Array.from([1, 2, 0, 1, 0]),
    weight: Float32Array.from([0.5, 0.25, 1, 0.5, -0.5]),
    input,
  });

  it('sums strength × weight over the history, best first, its own titles included, unknown titles ignored', () => {
    const model = new ItemItemModel(neighbours('strength'));
    const history = [
      { titleId: 'a', strength: 2 },
      { titleId: 'c', strength: 1 },
      { titleId: 'zzz', strength: 5 },
    ];
    // b: 2·0.5 + 0.5 = 1.5; c: 2·0.25 = 0.5; a: −0.5 (not positive, left out).
    expect(model.scores(history)).toEqual([
      { titleId: 'b', score: 1.5 },
      { titleId: 'c', score: 0.5 },
    ]);
    expect(model.scores(history, 1)).toEqual([{ titleId: 'b', score: 1.5 }]);
    // The scratch buffer is cleared: the same call gives the same answer.
    expect(model.scores(history)).toEqual(model.scores(history));
    expect(Array.from(model.scoresFor(history, ['a', 'b', 'nope']))).toEqual([-0.5, 1.5, 0]);
  });

  it('counts every watched title as 1 for a binary model', () => {
    const model = new ItemItemModel(neighbours('binary'));
    expect(model.scores([{ titleId: 'b', strength: 0.2 }])).toEqual([{ titleId: 'a', score: 1 }]);
  });

  it('breaks ties by title order and reports its size', () => {
    const model = new ItemItemModel({ ...neighbours('binary'), weight: Float32Array.from([0.5, 0.5, 1, 0.5, -0.5]) });
    expect(model.scores([{ titleId: 'a', strength: 1 }]).map((s) => s.titleId)).toEqual(['b', 'c']);
    expect(model.size).toBe(3);
    expect(model.nonZeros).toBe(5);
    expect(model.bytes).toBe(4 * 4 + 5 * 4 + 5 * 4);
  });

  it('normalises rows without reordering them', () => {
    const n = normalizeRows(neighbours('binary'));
    expect(Array.from(n.weight)).toEqual([2 / 3, 1 / 3, 1, 0.5, -0.5].map(Math.fround));
    expect(n.colIdx).toEqual(neighbours('binary').colIdx);
  });
});

describe('selectTop', () => {
  it('takes the k largest positive values, ties by index, skipping one index', () => {
    const values = Float64Array.from([0.5, 2, -1, 2, 0, 3, 0.5]);
    const out = new Int32Array(4);
    expect(selectTop(values, null, values.length, 4, 5, out)).toBe(4);
    expect(Array.from(out)).toEqual([1, 3, 0, 6]);
    expect(selectTop(values, Int32Array.from([6, 2, 0]), 3, 4, -1, out)).toBe(2);
    expect(Array.from(out.subarray(0, 2))).toEqual([0, 6]);
  });
});

describe('recommenders and honest tuning on a small world', () => {
  const world = generateWorld('small', 7);
  const split = splitByTime(world.playbacks);
  const states = watchStatesFrom(split.train);
  const data = buildInteractions(states, world.titles.map((t) => t.id).sort());

  it("ranks titles outside the profile's training titles", () => {
    const model = new ItemItemModel(trainEase(data.matrix, data.titleIds, { ...DEFAULT_EASE, maxTitles: 300 }));
    const rec = easeRecommender(data, model);
    const profile = split.test[0].profileId;
    const seen = new Set(states.filter((s) => s.profileId === profile).map((s) => s.titleId));
    const top = rec.recommend(profile, seen, 20);
    expect(top).toHaveLength(20);
    expect(top.some((id) => seen.has(id))).toBe(false);
    expect(
      itemKnn(data)
        .recommend(profile, seen, 20)
        .some((id) => seen.has(id)),
    ).toBe(false);
  });

  it('scores every grid point on the validation split and returns the best', () => {
    const done: number[] = [];
    const ease = tuneEase(world.titles, split.train, (_t, n, total) => done.push(n - total), {
      lambdas: [10, 100],
      maxTitles: [200, 100],
      sparsity: [[50, 0]],
      inputs: ['binary'],
      minInteractions: 1,
    });
    expect(ease.trials).toHaveLength(3);
    expect(done[done.length - 1]).toBe(0);
    expect(ease.trials.some((t) => t.options === ease.best)).toBe(true);
    expect(Math.max(...ease.trials.map((t) => t['ndcg@10']))).toBe(ease.trials.find((t) => t.options === ease.best)!['ndcg@10']);
    const rp3 = tuneRp3beta(world.titles, split.train, undefined, { alphas: [0.5, 1], betas: [0, 0.3], neighbours: [20, 50] });
    expect(rp3.trials).toHaveLength(2 * 2 * 2 + 2);
    const knn = tuneItemKnn(world.titles, split.train, undefined, { neighbours: [20, 50], shrinks: [0, 10] });
    expect(knn.trials).toHaveLength(2 * 2 + 1);
    for (const t of [...rp3.trials, ...knn.trials]) expect(t['ndcg@10']).toBeGreaterThanOrEqual(0);
  });
});
