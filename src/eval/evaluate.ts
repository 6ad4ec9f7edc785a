import { DEFAULT_ALS, trainAls, type AlsOptions } from '../retrieval/als';
import { DEFAULT_FEEDBACK } from '../retrieval/implicit-feedback';
import { watchStatesFrom } from '../domain/watch-state';
import { buildInteractions } from '../retrieval/interactions';
import { artworkReplay, type ArtworkReplayReport } from './artwork-replay';
import { candidateRecall, type CandidateRecall } from './candidate-recall';
import type { EvalDataset } from './datasets';
import { pairedDifference } from './bootstrap';
import { MetricSummary } from './metrics';
import { alsRecommender, itemItemRecommender, popularity, type Recommender } from './recommenders';
import { ItemItemModel } from '../retrieval/item-item';
import { ITEM_MODEL_METHODS, trainItemModel } from '../retrieval/item-model';
import { itemBaselines, type ItemBaselines } from './item-baselines';
import { HOLDOUT_SHARE, MIN_TITLES, splitByTime } from '../training/split';
import { tuneAlsOn, type TrialResult } from './tune-als';
import { validationSet } from './tune-item-models';
import { evalRetrieval } from './eval-retrieval';
import { onboardingEval, type OnboardingReport } from './onboarding';
import { SERVED_TWO_STAGE, twoStage, type TwoStageConfig, type TwoStageReport } from './two-stage';
import { tuneTwoStage, type TwoStageTrial } from './tune-two-stage';
import { tuneFusion, type FusionTuning } from './tune-fusion';
import { SERVED_PLAN } from '../retrieval/retrieval-plan';
import { validationSplit } from './validation';

export interface EvalReport {
  dataset: string;
  protocol: Record<string, unknown>;
  methods: Record<string, { 'ndcg@10': number; 'recall@20': number; 'coverage@20': number; profiles: number }>;
  /** Two-stage against the best baseline by NDCG@10, paired by profile (2,000 bootstrap resamples of profiles). */
  significance: Significance;
  candidates: CandidateRecall;
  ranker: TwoStageReport['ranker'];
  /** The served ranker against one that ignores thumbs down, on the same split. */
  thumbsDown: ThumbsDownComparison | { note: string };
  utility: TwoStageReport['utility'];
  /** Coverage and Gini of exposure over the test profiles' whole homepages, with and without exploration slots. */
  exposure: TwoStageReport['exposure'];
  rowOverlap: TwoStageReport['rowOverlap'];
  /** The ranker's network, carves and utility weights, chosen on the validation split (or the served ones without tuning). */
  pipeline: { chosen: TwoStageConfig; trials: TwoStageTrial[] };
  /** The union's fusion weights chosen on the validation split, and the search's steps. */
  fusion: FusionTuning | { note: string };
  /** EASE, RP3beta and item-kNN, each chosen on validation; the one the pipeline serves is the best there. */
  itemModels: ItemBaselines;
  als: {
    chosen: Pick<AlsOptions, 'factors' | 'regularization' | 'regularizationExponent' | 'alpha' | 'iterations'>;
    trials: TrialResult[];
    trainSeconds: number;
  };
  /** Offline replay of the artwork bandit on logs with random artwork; a note where the dataset has none. */
  artwork: ArtworkReplayReport | { note: string };
  /** Cold start: the same profiles warm, right after onboarding with no history, before onboarding, and by popularity. */
  onboarding: OnboardingReport;
}

export interface Significance {
  baseline: string;
  'ndcg@10': ReturnType<typeof pairedDifference>;
  'recall@20': ReturnType<typeof pairedDifference>;
}

export type EvalProgress = (stage: string, done: number, total: number) => void;

/** With thumbs-down rows minus without, paired by profile. */
export interface ThumbsDownComparison {
  thumbsDownRatings: number;
  rows: TwoStageReport['ranker']['rows'];
  rowsWithout: TwoStageReport['ranker']['rows'];
  'ndcg@10': ReturnType<typeof pairedDifference>;
  'recall@20': ReturnType<typeof pairedDifference>;
}

/**
 * The offline protocol: split by time per profile, tune ALS on a validation split carved from
 * training, then score every method on the held-out titles, ranking the whole catalog minus
 * what each profile saw in training, and measure the candidate stage's recall.
 */
export async function evaluate(d: EvalDataset, onProgress?: EvalProgress, tune = true): Promise<EvalReport> {
  const split = splitByTime(d.events);
  const titleIds = d.titles.map((t) => t.id).sort();
  const states = watchStatesFrom(split.train);
  const data = buildInteractions(states, titleIds, DEFAULT_FEEDBACK);
  const seen = new Map<string, Set<string>>();
  for (const s of states) seen.set(s.profileId, (seen.get(s.profileId) ?? new Set()).add(s.titleId));

  // One validation split of the training part: every tuner below scores on it.
  const v = tune ? validationSet(d.titles, split.train) : undefined;
  const tuning = v
    ? tuneAlsOn(v, DEFAULT_ALS, (_t, done, total) => onProgress?.('tune als (validation)', done, total))
    : { best: DEFAULT_ALS, trials: [] };
  const started = performance.now();
  const factors = trainAls(data.matrix, tuning.best, (done, total) => onProgress?.('als', done, total));
  const trainSeconds = (performance.now() - started) / 1000;

  const methods: EvalReport['methods'] = {};
  const summaries = new Map<string, MetricSummary>();
  const score = (rec: Recommender) => {
    const m = new MetricSummary();
    split.test.forEach((h, i) => {
      m.add(rec.recommend(h.profileId, seen.get(h.profileId) ?? new Set(), 20), h.titles, h.profileId);
      if ((i + 1) % 500 === 0 || i + 1 === split.test.length) onProgress?.(rec.name, i + 1, split.test.length);
    });
    methods[rec.name] = m.result(titleIds.length);
    summaries.set(rec.name, m);
  };
  score(popularity(data));
  score(alsRecommender(data, factors));
  const items = itemBaselines(v, onProgress);
  for (const method of ITEM_MODEL_METHODS) {
    const o = items[method].chosen;
    onProgress?.(`${method} (train)`, 0, 1);
    score(itemItemRecommender(method, data, new ItemItemModel(trainItemModel(data.matrix, data.titleIds, o))));
  }
  const options = { als: tuning.best, feedback: DEFAULT_FEEDBACK, itemModel: items.served };
  const retrieval = evalRetrieval(d, split, data, factors, options);
  const validation = v ? validationSplit({ d, split, v, ...options }, onProgress) : undefined;
  const fusion = validation
    ? await tuneFusion(validation.retrieval, validation.inner, (done, total) => onProgress?.('tune fusion (validation)', done, total))
    : undefined;
  const plan = fusion?.plan ?? SERVED_PLAN;
  const candidates = await candidateRecall(retrieval, split, fusion && retrieval.unionWith(fusion.plan), (done, total) =>
    onProgress?.('candidates', done, total),
  );
  const pipeline = validation ? await tuneTwoStage({ validation, ...options, plan }, onProgress) : { best: SERVED_TWO_STAGE, trials: [] };
  const staged = await twoStage({ d, split, retrieval, seen, ...options, plan, config: pipeline.best }, onProgress);
  methods['two-stage'] = staged.method;
  const significance = againstBestBaseline(staged.summary, summaries);
  const thumbsDown = await thumbsDownComparison(d, staged, () =>
    twoStage(
      { d, split, retrieval, seen, ...options, plan, config: { ...pipeline.best, thumbsDown: false }, rankingsOnly: true },
      onProgress,
    ),
  );
  const onboarding = await onboardingEval({ d, split, retrieval, data, trained: staged.trained, seen, plan }, onProgress);
  onProgress?.('artwork replay', 0, 1);
  const artwork = artworkReplay(d.titles, d.impressions, d.events) ?? {
    note: 'skipped: the dataset logs no impressions of titles with two or more artwork variants (MovieLens logs none)',
  };
  onProgress?.('artwork replay', 1, 1);
  return {
    dataset: d.description,
    protocol: {
      split: `per profile, the last ${HOLDOUT_SHARE * 100}% of its titles by first interaction are held out (profiles with at least ${MIN_TITLES} titles)`,
      ranking: 'whole catalog minus the titles the profile interacted with in training',
      relevance: 'binary: any held-out interaction',
      tuning: tune
        ? 'every hyperparameter (ALS, the ranker network, its carves, the utility weights) chosen on a validation split carved the same way from the training part'
        : 'none: the served defaults',
      titles: titleIds.length,
      profiles: d.profiles.length,
      interactions: d.events.length,
      trainEvents: split.train.length,
      testProfiles: split.test.length,
    },
    methods,
    significance,
    candidates,
    ranker: staged.ranker,
    thumbsDown,
    utility: staged.utility,
    exposure: staged.exposure,
    rowOverlap: staged.rowOverlap,
    pipeline: { chosen: pipeline.best, trials: pipeline.trials },
    itemModels: items,
    fusion: fusion ?? { note: 'not tuned (--no-tune): the served weights' },
    als: {
      chosen: {
        factors: tuning.best.factors,
        regularization: tuning.best.regularization,
        regularizationExponent: tuning.best.regularizationExponent,
        alpha: tuning.best.alpha,
        iterations: tuning.best.iterations,
      },
      trials: tuning.trials,
      trainSeconds,
    },
    artwork,
    onboarding,
  };
}

/**
 * The served two-stage pipeline against the same one whose ranker ignores thumbs down (no
 * thumbs-down rows, no cancelled clicks), trained and scored on the same split: the paired
 * difference in NDCG@10 and Recall@20. Skipped for datasets without thumbs down (MovieLens).
 */
async function thumbsDownComparison(
  d: EvalDataset,
  served: TwoStageReport,
  without: () => Promise<TwoStageReport>,
): Promise<ThumbsDownComparison | { note: string }> {
  const ratings = d.feedback.filter((f) => f.rating === 'DOWN').length;
  if (ratings === 0) return { note: 'skipped: the dataset holds no thumbs down' };
  const other = await without();
  const metric = (name: 'ndcg@10' | 'recall@20', m: MetricSummary) => new Map([...m.perProfile].map(([id, x]) => [id, x[name]]));
  return {
    thumbsDownRatings: ratings,
    rows: served.ranker.rows,
    rowsWithout: other.ranker.rows,
    'ndcg@10': pairedDifference(metric('ndcg@10', served.summary), metric('ndcg@10', other.summary), 'ndcg@10'),
    'recall@20': pairedDifference(metric('recall@20', served.summary), metric('recall@20', other.summary), 'recall@20'),
  };
}

/** Two-stage minus the baseline with the highest NDCG@10, per profile, with paired bootstrap intervals. */
function againstBestBaseline(twoStage: MetricSummary, baselines: ReadonlyMap<string, MetricSummary>): Significance {
  const mean = (m: MetricSummary) => [...m.perProfile.values()].reduce((s, x) => s + x['ndcg@10'], 0) / Math.max(1, m.perProfile.size);
  const [baseline, best] = [...baselines].reduce((a, b) => (mean(b[1]) > mean(a[1]) ? b : a));
  const metric = (name: 'ndcg@10' | 'recall@20', m: MetricSummary) => new Map([...m.perProfile].map(([id, x]) => [id, x[name]]));
  return {
    baseline,
    'ndcg@10': pairedDifference(metric('ndcg@10', twoStage), metric('ndcg@10', best), 'ndcg@10'),
    'recall@20': pairedDifference(metric('recall@20', twoStage), metric('recall@20', best), 'recall@20'),
  };
}
