import type { Title } from '../domain/types';
import { trainAls, type AlsOptions } from '../retrieval/als';
import { DEFAULT_FEEDBACK } from '../retrieval/implicit-feedback';
import { watchStatesFrom } from '../domain/watch-state';
import { buildInteractions } from '../retrieval/interactions';
import { MetricSummary } from './metrics';
import { alsRecommender } from './recommenders';
import { splitByTime, type Split } from '../training/split';

export interface TrialResult {
  options: Pick<AlsOptions, 'factors' | 'regularization' | 'alpha'>;
  'ndcg@10': number;
}

const LAMBDAS = [3, 10, 30, 100, 300, 1000];
const ALPHAS = [5, 20, 40];
const FACTORS = [32, 64, 128];

/**
 * Chooses ALS hyperparameters honestly: the training part is split again the same way (each
 * profile's last 20% of training titles become validation) and every trial is scored there;
 * the test titles are never looked at. A coordinate search, regularisation first (it matters
 * most for implicit ALS), then alpha, then the number of factors.
 */
export function tuneAls(
  titles: readonly Title[],
  train: Split['train'],
  base: AlsOptions,
  onTrial?: (t: TrialResult, done: number, total: number) => void,
): { best: AlsOptions; trials: TrialResult[] } {
  const inner = splitByTime(train);
  const states = watchStatesFrom(inner.train);
  const data = buildInteractions(states, titles.map((t) => t.id).sort(), DEFAULT_FEEDBACK);
  const seen = new Map<string, Set<string>>();
  for (const s of states) seen.set(s.profileId, (seen.get(s.profileId) ?? new Set()).add(s.titleId));
  const trials: TrialResult[] = [];
  // One value of alpha and of factors is the incumbent, already scored.
  const total = LAMBDAS.length + ALPHAS.length - 1 + FACTORS.length - 1;
  const score = (o: AlsOptions): number => {
    const rec = alsRecommender(data, trainAls(data.matrix, o));
    const m = new MetricSummary();
    for (const h of inner.test) m.add(rec.recommend(h.profileId, seen.get(h.profileId) ?? new Set(), 20), h.titles);
    const result = {
      options: { factors: o.factors, regularization: o.regularization, alpha: o.alpha },
      'ndcg@10': m.result(data.titleIds.length)['ndcg@10'],
    };
    trials.push(result);
    onTrial?.(result, trials.length, total);
    return result['ndcg@10'];
  };
  let best = base;
  let bestScore = -1;
  const tryAll = (variants: AlsOptions[]) => {
    for (const o of variants) {
      const s = score(o);
      if (s > bestScore) [best, bestScore] = [o, s];
    }
  };
  tryAll(LAMBDAS.map((regularization) => ({ ...base, regularization })));
  tryAll(ALPHAS.filter((a) => a !== best.alpha).map((alpha) => ({ ...best, alpha })));
  tryAll(FACTORS.filter((f) => f !== best.factors).map((factors) => ({ ...best, factors })));
  return { best, trials };
}
