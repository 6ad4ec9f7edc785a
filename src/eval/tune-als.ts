import type { Title } from '../domain/types';
import { trainAls, type AlsFactors, type AlsOptions, type InteractionMatrix } from '../retrieval/als';
import type { Split } from '../training/split';
import { MetricSummary } from './metrics';
import { topColumns } from './recommenders';
import { validationSet, type ValidationSet } from './tune-item-models';

export type AlsStage = 'coarse' | 'fine' | 'factors' | 'iterations';

/** One scored setting: its validation metrics and how long ALS took to train. */
export interface TrialResult {
  stage: AlsStage;
  options: Pick<AlsOptions, 'factors' | 'regularization' | 'alpha' | 'regularizationExponent' | 'iterations'>;
  /** λ on the ν = 0 scale (see regularizationScale): comparable across ν. */
  scaledRegularization: number;
  'ndcg@10': number;
  'recall@20': number;
  trainSeconds: number;
}

export interface AlsGrid {
  /** ν of frequency-scaled regularisation. */
  exponents: number[];
  alphas: number[];
  /** λ on the ν = 0 scale; each trial's λ is this over regularizationScale. */
  lambdas: number[];
  /** The coarse and fine stages use the first; the others are tried in turn while they gain. */
  factors: number[];
  /**
   * Sweeps of the coarse grid. Fewer are cheaper, but on the world the best λ moves with the
   * sweeps (ALS converges slowly near the λ that cuts every dimension), so the default is the
   * fine stage's.
   */
  coarseIterations: number;
  /** The fine stage uses the first; the others are tried at the end. */
  iterations: number[];
}

/**
 * The coarse grid spans what ml-latest-small and the default world prefer (α 2 with ν ½–1 on
 * MovieLens; α near 128 with ν ½–1 on the world, whose profiles have ~6 titles: only a low
 * unobserved weight keeps them from collapsing to popularity) with a margin. λ is on one scale
 * for every ν (Rendle et al. 2022, figure 1), so one list serves them all; it is finer than α's
 * because NDCG falls off steeply past the best λ (shrinkage starts cutting whole dimensions).
 * ν starts at ½: with one λ for every row (ν = 0) the shrinkage chosen on validation weakens
 * relative to the data on the larger training set the model is then trained on, while a
 * frequency-scaled λ grows with each row's evidence; the fine stage still reaches ν ¼.
 */
export const ALS_GRID: AlsGrid = {
  exponents: [0.5, 1],
  alphas: [2, 8, 32, 128],
  lambdas: [30, 60, 120, 250, 500, 1000],
  factors: [64, 128, 256],
  coarseIterations: 12,
  iterations: [12, 24],
};

/**
 * What λ is divided by for a setting, so the same λ means about the same shrinkage at any ν:
 * the mean over the profiles of (n + α·Σ r)^ν, the typical profile's factor in
 * rowRegularization. 1 for ν = 0.
 */
export function regularizationScale(m: InteractionMatrix, alpha: number, exponent: number): number {
  if (exponent === 0) return 1;
  let sum = 0;
  let rows = 0;
  for (let r = 0; r < m.rows; r++) {
    if (m.rowPtr[r] === m.rowPtr[r + 1]) continue;
    let w = 0;
    for (let p = m.rowPtr[r]; p < m.rowPtr[r + 1]; p++) w += m.strength[p];
    sum += Math.pow(m.cols + alpha * w, exponent);
    rows++;
  }
  return rows === 0 ? 1 : sum / rows;
}

/** A costlier setting (more factors, more sweeps) must beat the best by this much, relatively, to be chosen: about twice the spread between seeds. */
export const MIN_GAIN = 0.02;

/** At most this many moves of the fine stage's hill climb. */
export const FINE_ROUNDS = 3;

/** One point of the search: the options a trial trains with follow from it and the base. */
interface Point {
  exponent: number;
  alpha: number;
  /** λ on the ν = 0 scale. */
  lambda: number;
  factors: number;
  iterations: number;
}

/**
 * Chooses ALS hyperparameters honestly: the training part is split again the same way (each
 * profile's last 20% of training titles become validation) and every trial is scored there;
 * the test titles are never looked at.
 */
export function tuneAls(
  titles: readonly Title[],
  train: Split['train'],
  base: AlsOptions,
  onTrial?: (t: TrialResult, done: number, total: number) => void,
  grid: AlsGrid = ALS_GRID,
): { best: AlsOptions; trials: TrialResult[] } {
  return tuneAlsOn(validationSet(titles, train), base, onTrial, grid);
}

/**
 * tuneAls on a validation set already built. Coarse to fine, as Rendle et al. (2022) recommend:
 * 1. coarse: every ν × α × λ at the first factor count, with few sweeps;
 * 2. fine: a hill climb from the coarse winner at full sweeps: ν ± ¼ and the 8 neighbours
 *    of (α, λ) at half grid steps, moving to the best while it improves (FINE_ROUNDS at most);
 * 3. factors: each larger count at the same point (λ on the ν = 0 scale carries over), kept
 *    only for a relative gain of at least MIN_GAIN, stopping at the first that is not;
 * 4. iterations: the longer runs at the winner, on the same condition.
 * Seed, CG steps and the initial scale come from `base`. Ties keep the earlier trial.
 */
export function tuneAlsOn(
  v: ValidationSet,
  base: AlsOptions,
  onTrial?: (t: TrialResult, done: number, total: number) => void,
  grid: AlsGrid = ALS_GRID,
): { best: AlsOptions; trials: TrialResult[] } {
  const m = v.data.matrix;
  const trials: TrialResult[] = [];
  const scales = new Map<string, number>();
  const optionsOf = (p: Point): AlsOptions => {
    const key = `${p.alpha}|${p.exponent}`;
    if (!scales.has(key)) scales.set(key, regularizationScale(m, p.alpha, p.exponent));
    return {
      ...base,
      factors: p.factors,
      alpha: p.alpha,
      regularizationExponent: p.exponent,
      regularization: p.lambda / scales.get(key)!,
      iterations: p.iterations,
    };
  };
  const [firstFactors, ...moreFactors] = grid.factors;
  const [fineIterations, ...moreIterations] = grid.iterations;
  const coarse = grid.exponents.length * grid.alphas.length * grid.lambdas.length;
  // Planned trials (for progress): the coarse grid, the fine stage's first round, each larger factor count, the longer runs.
  const later = moreFactors.length + moreIterations.length;
  let planned = coarse + 11 + later;
  let best: { point: Point; score: number } | undefined;
  const known = new Map<string, number>();
  /** Scores a point (once: the same point again returns its score); it becomes the best if it beats the best by more than `minGain` (relative). */
  const score = (stage: AlsStage, p: Point, minGain = 0): number => {
    const key = JSON.stringify([p.exponent, p.alpha, p.lambda, p.factors, p.iterations]);
    let ndcg = known.get(key);
    if (ndcg === undefined) {
      const o = optionsOf(p);
      const started = performance.now();
      const model = trainAls(m, o);
      const trainSeconds = Math.round((performance.now() - started) / 10) / 100;
      const metrics = validate(v, model);
      const trial: TrialResult = {
        stage,
        options: {
          factors: o.factors,
          regularization: o.regularization,
          alpha: o.alpha,
          regularizationExponent: o.regularizationExponent,
          iterations: o.iterations,
        },
        scaledRegularization: p.lambda,
        ...metrics,
        trainSeconds,
      };
      trials.push(trial);
      onTrial?.(trial, trials.length, Math.max(planned, trials.length));
      ndcg = trial['ndcg@10'];
      known.set(key, ndcg);
    }
    if (!best || ndcg > best.score * (1 + minGain)) best = { point: p, score: ndcg };
    return ndcg;
  };

  // 1. Coarse.
  for (const exponent of grid.exponents)
    for (const alpha of grid.alphas)
      for (const lambda of grid.lambdas)
        score('coarse', { exponent, alpha, lambda, factors: firstFactors, iterations: grid.coarseIterations });

  // 2. Fine: a hill climb from the coarse winner at full sweeps, over its neighbours at half
  // steps, diagonals included (the best λ grows with α, a ridge that steps along one axis miss).
  const alphaStep = halfStep(grid.alphas);
  const lambdaStep = halfStep(grid.lambdas);
  const maxExponent = Math.max(...grid.exponents);
  let centre: Point = { ...best!.point, iterations: fineIterations };
  best = undefined;
  score('fine', centre);
  for (let round = 0; round < FINE_ROUNDS; round++) {
    const around: Point[] = [centre.exponent - 0.25, centre.exponent + 0.25]
      .filter((e) => e >= 0 && e <= maxExponent)
      .map((exponent) => ({ ...centre, exponent }));
    for (const a of [1 / alphaStep, 1, alphaStep])
      for (const l of [1 / lambdaStep, 1, lambdaStep])
        if (a !== 1 || l !== 1)
          around.push({
            ...centre,
            alpha: a === 1 ? centre.alpha : roundTo2(centre.alpha * a),
            lambda: l === 1 ? centre.lambda : roundTo2(centre.lambda * l),
          });
    planned = Math.max(planned, trials.length + around.length + later);
    for (const p of around) score('fine', p);
    if (best!.point === centre) break;
    centre = best!.point;
  }

  // 3. Factors: each larger count while it gains at least MIN_GAIN (it costs ~4× per doubling to train, more to serve).
  for (const [i, factors] of moreFactors.entries()) {
    score('factors', { ...best!.point, factors }, MIN_GAIN);
    if (best!.point.factors !== factors) {
      planned -= moreFactors.length - i - 1;
      break;
    }
  }

  // 4. Longer runs at the winner, kept only for a gain of at least MIN_GAIN.
  for (const iterations of moreIterations) score('iterations', { ...best!.point, iterations }, MIN_GAIN);
  return { best: optionsOf(best!.point), trials };
}

/** Two significant digits: grid points stay readable in the report. */
function roundTo2(x: number): number {
  return Number(x.toPrecision(2));
}

/** Half the ratio between a grid's first two values (geometric). */
function halfStep(values: number[]): number {
  return values.length > 1 ? Math.sqrt(values[1] / values[0]) : 2;
}

/**
 * NDCG@10 and Recall@20 on the validation titles, ranking the whole catalog minus what the
 * profile saw (what alsRecommender does, four profiles at a time so each title vector is read
 * once for four: scoring is half of a small trial).
 */
function validate(v: ValidationSet, model: AlsFactors): { 'ndcg@10': number; 'recall@20': number } {
  const { rowFactors: x, colFactors: y, factors: k } = model;
  const row = new Map(v.data.profileIds.map((id, r) => [id, r]));
  const cols = v.data.titleIds.length;
  const scores = Array.from({ length: 4 }, () => new Float64Array(cols));
  // A profile without a row scores every title 0 (an all-zero vector).
  const zero = new Float32Array(k);
  const m = new MetricSummary();
  for (let i = 0; i < v.test.length; i += 4) {
    const block = v.test.slice(i, i + 4);
    const xs = [0, 1, 2, 3].map((j) => {
      const r = j < block.length ? row.get(block[j].profileId) : undefined;
      return r === undefined ? zero : x.subarray(r * k, (r + 1) * k);
    });
    const [x0, x1, x2, x3] = xs;
    const [s0, s1, s2, s3] = scores;
    for (let c = 0; c < cols; c++) {
      const yo = c * k;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let a = 0; a < k; a++) {
        const ya = y[yo + a];
        a0 += x0[a] * ya;
        a1 += x1[a] * ya;
        a2 += x2[a] * ya;
        a3 += x3[a] * ya;
      }
      s0[c] = a0;
      s1[c] = a1;
      s2[c] = a2;
      s3[c] = a3;
    }
    block.forEach((h, j) => m.add(topColumns(scores[j], v.data.titleIds, v.seen.get(h.profileId) ?? new Set(), 20), h.titles, h.profileId));
  }
  const result = m.result(cols);
  return { 'ndcg@10': result['ndcg@10'], 'recall@20': result['recall@20'] };
}
