import { Rng } from '../shared/random';
import { DEFAULT_SHAPE, type Dense, denseBackward, HEADS, type Head, type LayerGrad, MultiTaskModel, sigmoid } from './multitask-model';

/**
 * Feature rows (n × inputDim, row-major) and one label per head and row in [0, 1]. A row has no
 * label for a head when the label is NaN or its mask entry is 0 (finishing is only defined for
 * clicked rows, for example).
 */
export interface TrainingData {
  rows: Float32Array;
  n: number;
  labels: Record<Head, Float32Array>;
  masks?: Partial<Record<Head, ArrayLike<number>>>;
}

/**
 * What is minimised: Σ_h lossWeights[h] · mean over labelled rows of the weighted BCE
 * pw·y·(−log p) + (1−y)·(−log(1−p)), with pw = positiveWeights[h] for class imbalance.
 * With pw ≠ 1 the heads' outputs are odds-shifted scores rather than calibrated probabilities.
 */
export type Objective = { lossWeights: Record<Head, number>; positiveWeights: Record<Head, number> };

export type Losses = Record<Head, number> & { total: number };

/** Train losses are averaged over the epoch's batches, val losses taken after the epoch. */
export type EpochProgress = { epoch: number; train: Losses; val: Losses };

/**
 * Defaults: 50 epochs, batches of 256, learning rate 1e-3, DEFAULT_SHAPE, loss weights 1,
 * positive weights = negatives / positives among each head's labelled training rows, early
 * stopping after 5 epochs without a better validation loss, validation = 10% of `data` drawn with
 * the seed (pass `validation` to split by time or by profile instead).
 */
export interface TrainOptions {
  seed: number | string;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  shared?: number[];
  tower?: number[];
  lossWeights?: Partial<Record<Head, number>>;
  positiveWeights?: Partial<Record<Head, number>>;
  validation?: TrainingData;
  validationFraction?: number;
  patience?: number;
  onEpoch?: (p: EpochProgress) => void;
}

/** `model` holds the weights of `bestEpoch`, the epoch with the lowest validation loss. */
export type TrainResult = { model: MultiTaskModel; objective: Objective; history: EpochProgress[]; bestEpoch: number };

const softplus = (z: number): number => Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
const isLabelled = (d: TrainingData, h: Head, i: number): boolean => {
  const y = d.labels[h][i];
  return y === y && (d.masks?.[h]?.[i] ?? 1) !== 0;
};

/** The objective on `data` and, when asked, its gradient w.r.t. every parameter (hand-written backprop). */
export function lossAndGradients(model: MultiTaskModel, data: TrainingData, objective: Objective, withGrads = true) {
  const { n } = data;
  const trace = model.trace(data.rows, n);
  const top = trace.shared[trace.shared.length - 1];
  const dTop = new Float64Array(top.length);
  const layers = withGrads ? model.layers() : [];
  const grads = new Map<Dense, LayerGrad>(layers.map((l) => [l, { w: new Float64Array(l.w.length), b: new Float64Array(l.outDim) }]));
  const losses = { total: 0 } as Losses;
  for (const h of HEADS) {
    const acts = trace.towers[h];
    const logits = acts[acts.length - 1];
    const pw = objective.positiveWeights[h];
    let count = 0;
    for (let i = 0; i < n; i++) if (isLabelled(data, h, i)) count++;
    const scale = count ? objective.lossWeights[h] / count : 0;
    let sum = 0;
    let d: Float64Array = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (!isLabelled(data, h, i)) continue;
      const y = data.labels[h][i];
      const z = logits[i];
      sum += pw * y * softplus(-z) + (1 - y) * softplus(z);
      const p = sigmoid(z);
      d[i] = scale * ((1 - y) * p - pw * y * (1 - p)); // d(loss)/d(logit)
    }
    losses[h] = count ? sum / count : 0;
    losses.total += objective.lossWeights[h] * losses[h];
    if (!withGrads) continue;
    const tower = model.towers[h];
    for (let l = tower.length - 1; l >= 0; l--) d = denseBackward(tower[l], l ? acts[l - 1] : top, d, n, grads.get(tower[l])!, true);
    for (let k = 0; k < dTop.length; k++) dTop[k] += d[k];
  }
  let dShared: Float64Array = dTop;
  // The raw features need no gradient, so the first shared layer stops the chain.
  for (let l = model.shared.length - 1; withGrads && l >= 0; l--) {
    dShared = denseBackward(model.shared[l], trace.shared[l], dShared, n, grads.get(model.shared[l])!, l > 0);
  }
  return { losses, grads: layers.map((l) => grads.get(l)!) };
}

/** The given rows, with masks folded into NaN labels. */
function subset(data: TrainingData, indices: ArrayLike<number>): TrainingData {
  const d = data.rows.length / Math.max(data.n, 1);
  const rows = new Float32Array(indices.length * d);
  const labels = {} as Record<Head, Float32Array>;
  for (const h of HEADS) labels[h] = new Float32Array(indices.length);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r];
    rows.set(data.rows.subarray(i * d, (i + 1) * d), r * d);
    for (const h of HEADS) labels[h][r] = isLabelled(data, h, i) ? data.labels[h][i] : NaN;
  }
  return { rows, n: indices.length, labels };
}

/** Default class weights: negatives / positives per head, so both classes weigh the same in total. */
function balancedPositiveWeights(data: TrainingData): Record<Head, number> {
  const out = {} as Record<Head, number>;
  for (const h of HEADS) {
    let pos = 0;
    let all = 0;
    for (let i = 0; i < data.n; i++) {
      if (!isLabelled(data, h, i)) continue;
      all++;
      pos += data.labels[h][i];
    }
    out[h] = pos > 0 && pos < all ? (all - pos) / pos : 1;
  }
  return out;
}

/** Adam (β1 0.9, β2 0.999, ε 1e-8) over Float32Array parameters, with float64 moment estimates. */
function adam(params: Float32Array[], lr: number): (grads: Float64Array[]) => void {
  const m = params.map((p) => new Float64Array(p.length));
  const v = params.map((p) => new Float64Array(p.length));
  let t = 0;
  return (grads) => {
    const c1 = 1 - 0.9 ** ++t;
    const c2 = 1 - 0.999 ** t;
    params.forEach((p, a) => {
      const g = grads[a],
        ma = m[a],
        va = v[a];
      for (let i = 0; i < p.length; i++) {
        ma[i] = 0.9 * ma[i] + 0.1 * g[i];
        va[i] = 0.999 * va[i] + 0.001 * g[i] * g[i];
        p[i] -= (lr * ma[i]) / c1 / (Math.sqrt(va[i] / c2) + 1e-8);
      }
    });
  };
}

function shuffle(order: Int32Array, rng: Rng): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
}

/** Mini-batch Adam with early stopping; deterministic for a seed (initialisation, split, shuffling). */
export function trainMultiTask(data: TrainingData, opts: TrainOptions): TrainResult {
  const rng = new Rng(`multitask-train:${opts.seed}`);
  const order = Int32Array.from({ length: data.n }, (_, i) => i);
  shuffle(order, rng);
  const nVal = opts.validation ? 0 : Math.round(data.n * (opts.validationFraction ?? 0.1));
  const val = opts.validation ?? subset(data, order.subarray(0, nVal));
  const train = subset(data, order.subarray(nVal));
  if (val.n === 0 || train.n === 0) throw new Error(`cannot split ${data.n} rows into training and validation rows`);
  const objective: Objective = {
    lossWeights: { click: 1, finish: 1, ret: 1, ...opts.lossWeights },
    positiveWeights: { ...balancedPositiveWeights(train), ...opts.positiveWeights },
  };
  const inputDim = data.rows.length / Math.max(data.n, 1);
  const model = MultiTaskModel.init(
    { inputDim, shared: opts.shared ?? DEFAULT_SHAPE.shared, tower: opts.tower ?? DEFAULT_SHAPE.tower },
    opts.seed,
  );
  const step = adam(
    model.layers().flatMap((l) => [l.w, l.b]),
    opts.learningRate ?? 1e-3,
  );
  const batchSize = opts.batchSize ?? 256;
  const history: EpochProgress[] = [];
  let best = { loss: Infinity, epoch: 0, model };
  const trainOrder = Int32Array.from({ length: train.n }, (_, i) => i);
  for (let epoch = 1; epoch <= (opts.epochs ?? 50) && epoch - best.epoch <= (opts.patience ?? 5); epoch++) {
    shuffle(trainOrder, rng);
    const sums = { total: 0, click: 0, finish: 0, ret: 0 };
    for (let s = 0; s < train.n; s += batchSize) {
      const batch = subset(train, trainOrder.subarray(s, s + batchSize));
      const { losses, grads } = lossAndGradients(model, batch, objective);
      step(grads.flatMap((g) => [g.w, g.b]));
      for (const k of ['total', ...HEADS] as const) sums[k] += losses[k] * batch.n;
    }
    for (const k of ['total', ...HEADS] as const) sums[k] /= Math.max(train.n, 1);
    const progress = { epoch, train: sums, val: lossAndGradients(model, val, objective, false).losses };
    history.push(progress);
    opts.onEpoch?.(progress);
    if (progress.val.total < best.loss) best = { loss: progress.val.total, epoch, model: model.clone() };
  }
  return { model: best.epoch ? best.model : model, objective, history, bestEpoch: best.epoch };
}
