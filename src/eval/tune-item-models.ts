import type { Title } from '../domain/types';
import { watchStatesFrom } from '../domain/watch-state';
import { DEFAULT_EASE, easeColumns, easeGram, easeWeights, sparsifyDense, trainEase, type EaseOptions } from '../retrieval/ease';
import { DEFAULT_FEEDBACK } from '../retrieval/implicit-feedback';
import { buildInteractions, type Interactions } from '../retrieval/interactions';
import {
  DEFAULT_ITEM_KNN,
  ItemItemModel,
  trainItemKnnGrid,
  truncateNeighbours,
  type ItemInput,
  type ItemKnnOptions,
  type ItemNeighbours,
} from '../retrieval/item-item';
import { DEFAULT_RP3BETA, trainRp3beta, trainRp3betaGrid, type Rp3betaOptions } from '../retrieval/rp3beta';
import { splitByTime, type HeldOut, type Split } from '../training/split';
import { MetricSummary } from './metrics';
import { itemItemRecommender } from './recommenders';

/** One scored setting: its validation metrics and how long its model took to train. */
export interface ItemTrial<O> {
  options: O;
  'ndcg@10': number;
  'recall@20': number;
  trainSeconds: number;
}

export interface ItemTuning<O> {
  best: O;
  trials: ItemTrial<O>[];
}

export type OnItemTrial<O> = (t: ItemTrial<O>, done: number, total: number) => void;

/** The validation protocol: the training part split again like the test split, each profile's last 20% of training titles held out. */
export interface ValidationSet {
  /** The training part split again: its `train` is what every tuned model learns from. */
  inner: Split;
  data: Interactions;
  seen: Map<string, Set<string>>;
  test: HeldOut[];
}

export function validationSet(titles: readonly Title[], train: Split['train']): ValidationSet {
  const inner = splitByTime(train);
  const states = watchStatesFrom(inner.train);
  const data = buildInteractions(states, titles.map((t) => t.id).sort(), DEFAULT_FEEDBACK);
  const seen = new Map<string, Set<string>>();
  for (const s of states) seen.set(s.profileId, (seen.get(s.profileId) ?? new Set()).add(s.titleId));
  return { inner, data, seen, test: inner.test };
}

/** NDCG@10 and Recall@20 of a sparse model on the validation titles. */
function validate(v: ValidationSet, n: ItemNeighbours): { 'ndcg@10': number; 'recall@20': number } {
  const rec = itemItemRecommender('validation', v.data, new ItemItemModel(n));
  const m = new MetricSummary();
  for (const h of v.test) m.add(rec.recommend(h.profileId, v.seen.get(h.profileId) ?? new Set(), 20), h.titles, h.profileId);
  const r = m.result(v.data.titleIds.length);
  return { 'ndcg@10': r['ndcg@10'], 'recall@20': r['recall@20'] };
}

/** Runs trials, keeping the best by validation NDCG@10 (the first of equals). */
class Search<O> {
  readonly trials: ItemTrial<O>[] = [];
  best: O;
  private bestScore = -1;

  constructor(
    private readonly v: ValidationSet,
    initial: O,
    private readonly total: number,
    private readonly onTrial?: OnItemTrial<O>,
  ) {
    this.best = initial;
  }

  score(options: O, model: ItemNeighbours, trainSeconds: number): number {
    const trial = { options, ...validate(this.v, model), trainSeconds: Math.round(trainSeconds * 100) / 100 };
    this.trials.push(trial);
    this.onTrial?.(trial, this.trials.length, this.total);
    if (trial['ndcg@10'] > this.bestScore) [this.best, this.bestScore] = [options, trial['ndcg@10']];
    return trial['ndcg@10'];
  }

  result(): ItemTuning<O> {
    return { best: this.best, trials: this.trials };
  }
}

const seconds = (since: number) => (performance.now() - since) / 1000;

export interface EaseGrid {
  lambdas: number[];
  /** Item-count caps: λ, the input and the sparsity are searched at the first, then the others are tried with the winner. */
  maxTitles: number[];
  /** [positive, negative] neighbours kept per title. */
  sparsity: [number, number][];
  inputs: ItemInput[];
  minInteractions: number;
}

/**
 * λ log-spaced over 10…5000 (×2.5 steps); a search cap of 2,000 titles keeps each inversion to a
 * few seconds, then 1,000 and 3,000 titles (~20 s) are tried with the winner.
 */
export const EASE_GRID: EaseGrid = {
  lambdas: [10, 25, 60, 150, 400, 1000, 2500, 5000],
  maxTitles: [2000, 1000, 3000],
  sparsity: [
    [100, 0],
    [200, 0],
    [100, 100],
    [200, 200],
  ],
  inputs: ['binary', 'strength'],
  minInteractions: DEFAULT_EASE.minInteractions,
};

/**
 * Chooses EASE's hyperparameters on the validation split: every λ × input × sparsity at the
 * first item cap (one inversion per λ and input; the sparse variants are cut from the same dense
 * weights), then the other caps at the winner. The test titles are never looked at.
 */
export function tuneEase(
  titles: readonly Title[],
  train: Split['train'],
  onTrial?: OnItemTrial<EaseOptions>,
  grid: EaseGrid = EASE_GRID,
): ItemTuning<EaseOptions> {
  return tuneEaseOn(validationSet(titles, train), onTrial, grid);
}

/** tuneEase on a validation set already built (to share one between tuners). */
export function tuneEaseOn(v: ValidationSet, onTrial?: OnItemTrial<EaseOptions>, grid: EaseGrid = EASE_GRID): ItemTuning<EaseOptions> {
  const m = v.data.matrix;
  const [searchCap, ...otherCaps] = grid.maxTitles;
  const total = grid.inputs.length * grid.lambdas.length * grid.sparsity.length + otherCaps.length;
  const search = new Search<EaseOptions>(v, DEFAULT_EASE, total, onTrial);
  const base = { minInteractions: grid.minInteractions, maxTitles: searchCap };
  const columns = easeColumns(m, base);
  const ids = Array.from(columns, (c) => v.data.titleIds[c]);
  for (const input of grid.inputs) {
    const gram = easeGram(m, columns, input);
    for (const lambda of grid.lambdas) {
      const started = performance.now();
      const b = easeWeights(gram.slice(), columns.length, lambda);
      const dense = seconds(started);
      for (const [neighbours, negativeNeighbours] of grid.sparsity) {
        const cut = performance.now();
        const model = sparsifyDense(b, ids, neighbours, negativeNeighbours, input);
        search.score({ ...base, lambda, neighbours, negativeNeighbours, input }, model, dense + seconds(cut));
      }
    }
  }
  const winner = search.best;
  for (const maxTitles of otherCaps) {
    const options = { ...winner, maxTitles };
    const started = performance.now();
    const model = trainEase(m, v.data.titleIds, options);
    search.score(options, model, seconds(started));
  }
  return search.result();
}

export interface Rp3betaGrid {
  alphas: number[];
  betas: number[];
  neighbours: number[];
}

export const RP3BETA_GRID: Rp3betaGrid = {
  alphas: [0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.2],
  betas: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
  neighbours: [50, 100, 200],
};

/**
 * Chooses RP3beta's hyperparameters on the validation split: the full α × β × neighbours grid on
 * binary input without row normalisation (one pass over the co-occurrences per α; β rescales
 * before the selection, fewer neighbours are a prefix of more), then row normalisation and
 * strength input, each tried at the winner.
 */
export function tuneRp3beta(
  titles: readonly Title[],
  train: Split['train'],
  onTrial?: OnItemTrial<Rp3betaOptions>,
  grid: Rp3betaGrid = RP3BETA_GRID,
): ItemTuning<Rp3betaOptions> {
  return tuneRp3betaOn(validationSet(titles, train), onTrial, grid);
}

/** tuneRp3beta on a validation set already built (to share one between tuners). */
export function tuneRp3betaOn(
  v: ValidationSet,
  onTrial?: OnItemTrial<Rp3betaOptions>,
  grid: Rp3betaGrid = RP3BETA_GRID,
): ItemTuning<Rp3betaOptions> {
  const m = v.data.matrix;
  const total = grid.alphas.length * grid.betas.length * grid.neighbours.length + 2;
  const search = new Search<Rp3betaOptions>(v, DEFAULT_RP3BETA, total, onTrial);
  const most = Math.max(...grid.neighbours);
  for (const alpha of grid.alphas) {
    const started = performance.now();
    const models = trainRp3betaGrid(m, v.data.titleIds, alpha, grid.betas, most, 'binary');
    const each = seconds(started) / grid.betas.length;
    grid.betas.forEach((beta, s) => {
      for (const neighbours of grid.neighbours) {
        const model = neighbours === most ? models[s] : truncateNeighbours(models[s], neighbours);
        search.score({ alpha, beta, neighbours, normalize: false, input: 'binary' }, model, each);
      }
    });
  }
  for (const variant of [{ normalize: true }, { input: 'strength' as const }]) {
    const options = { ...search.best, ...variant };
    const started = performance.now();
    const model = trainRp3beta(m, v.data.titleIds, options);
    search.score(options, model, seconds(started));
  }
  return search.result();
}

export interface ItemKnnGrid {
  neighbours: number[];
  shrinks: number[];
}

export const ITEM_KNN_GRID: ItemKnnGrid = {
  neighbours: [5, 10, 20, 50, 100, 200, 400, 800],
  shrinks: [0, 5, 20, 50, 100, 300, 1000],
};

/**
 * Chooses item-kNN's hyperparameters on the validation split: the full neighbours × shrink grid
 * on binary input (one pass over the co-occurrences for all of it), then strength input at the
 * winner.
 */
export function tuneItemKnn(
  titles: readonly Title[],
  train: Split['train'],
  onTrial?: OnItemTrial<ItemKnnOptions>,
  grid: ItemKnnGrid = ITEM_KNN_GRID,
): ItemTuning<ItemKnnOptions> {
  return tuneItemKnnOn(validationSet(titles, train), onTrial, grid);
}

/** tuneItemKnn on a validation set already built (to share one between tuners). */
export function tuneItemKnnOn(
  v: ValidationSet,
  onTrial?: OnItemTrial<ItemKnnOptions>,
  grid: ItemKnnGrid = ITEM_KNN_GRID,
): ItemTuning<ItemKnnOptions> {
  const m = v.data.matrix;
  const total = grid.neighbours.length * grid.shrinks.length + 1;
  const search = new Search<ItemKnnOptions>(v, DEFAULT_ITEM_KNN, total, onTrial);
  const most = Math.max(...grid.neighbours);
  const started = performance.now();
  const models = trainItemKnnGrid(m, v.data.titleIds, grid.shrinks, most, 'binary');
  const each = seconds(started) / grid.shrinks.length;
  grid.shrinks.forEach((shrink, s) => {
    for (const neighbours of grid.neighbours) {
      const model = neighbours === most ? models[s] : truncateNeighbours(models[s], neighbours);
      search.score({ neighbours, shrink, input: 'binary' }, model, each);
    }
  });
  const options: ItemKnnOptions = { ...search.best, input: 'strength' };
  const again = performance.now();
  const [model] = trainItemKnnGrid(m, v.data.titleIds, [options.shrink], options.neighbours, options.input);
  search.score(options, model, seconds(again));
  return search.result();
}
