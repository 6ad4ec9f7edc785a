import { FINISHED_PROGRESS, type PlaybackEvent } from '../domain/types';
import { EventReplay } from '../training/event-replay';
import { type RankedCandidate } from '../pipeline/candidates';
import { RANKER_SHAPE, trainRanker, type RankerReport, type RankerShape, type TrainedRanker } from '../ranking/train-ranker';
import { feedbackBeforeHeldOut, impressionsBeforeHeldOut, LATER_PLAY_SHARES, rankerTrainingSet } from '../training/ranker-training-set';
import { DEFAULT_UTILITY, utility, type UtilityWeights } from '../pipeline/utility';
import type { AlsOptions } from '../retrieval/als';
import { DEFAULT_EXPLORATION_SHARE } from '../rows/exploration';
import { DEVICE_LAYOUTS } from '../rows/device-layout';
import { PageBuilder } from '../rows/page-builder';
import type { FeedbackOptions } from '../retrieval/implicit-feedback';
import type { ItemModelOptions } from '../retrieval/item-model';
import type { RetrievalPlan } from '../retrieval/retrieval-plan';
import { DEFAULT_RANKER_TRAINING } from '../models/bundle-options';
import type { EvalDataset } from './datasets';
import type { EvalRetrieval } from './eval-retrieval';
import { ExposureTally, type ExposureReport } from './exposure';
import { RowOverlapTally, type RowOverlapReport } from './row-overlap';
import { MetricSummary, ndcgAt } from './metrics';
import type { Split } from '../training/split';
import { replayRanker } from './replay-ranker';

export type EvalProgress = (stage: string, done: number, total: number) => void;

/** The utility weights compared offline: a click is worth 1, finishing and returning 0..2 on top. */
export const WEIGHT_GRID: UtilityWeights[] = [0, 0.5, 1, 2].flatMap((finish) => [0, 0.5, 1].map((ret) => ({ click: 1, finish, ret })));

/** What the two-stage pipeline is run with: the ranker's network, its later-play carves, the utility. */
export interface TwoStageConfig {
  shape: RankerShape;
  laterPlayShares: readonly number[];
  weights: UtilityWeights;
  /** False: the ranker learns nothing from thumbs down (the comparison the report makes); on when absent. */
  thumbsDown?: boolean;
}

/** What the server runs with. */
export const SERVED_TWO_STAGE: TwoStageConfig = { shape: RANKER_SHAPE, laterPlayShares: LATER_PLAY_SHARES, weights: DEFAULT_UTILITY };

export interface TwoStageInput {
  d: EvalDataset;
  split: Split;
  retrieval: EvalRetrieval;
  seen: ReadonlyMap<string, ReadonlySet<string>>;
  als: AlsOptions;
  feedback: FeedbackOptions;
  /** The item→item model the replays train beside each ALS: the one `retrieval` serves. */
  itemModel: ItemModelOptions;
  /** The retrieval plan (the union's fusion weights) the pipeline draws candidates with. */
  plan: RetrievalPlan;
  config: TwoStageConfig;
  /** Skips the whole-page builds (exposure): tuning runs need only the rankings. */
  rankingsOnly?: boolean;
}

export interface TwoStageReport {
  /** The whole pipeline with the default utility weights, scored like every other method. */
  method: ReturnType<MetricSummary['result']>;
  ranker: {
    trainedOn: string;
    requests: number;
    rows: RankerReport['rows'];
    epochs: string;
    /** Per head on held-out rows (the latest fifth, later than every training row): logged impressions and later plays. */
    heads: RankerReport['validation'];
    seconds: number;
  };
  /** NDCG@10 over any held-out title and over finished ones (≥70%), per utility weighting. */
  utility: { weights: UtilityWeights; 'ndcg@10': number; 'ndcg@10 finished': number }[];
  /** Each test profile's whole homepage at its moment, built with and without exploration slots. */
  exposure: {
    explorationShare: number;
    withExploration: ExposureReport;
    withoutExploration: ExposureReport;
    /** The same for what the first screen shows without scrolling (the device's rows × visible titles). */
    firstScreen: { withExploration: ExposureReport; withoutExploration: ExposureReport };
  };
  /** How much the rows of those pages (with exploration) repeat each other: the bounds of page construction, measured. */
  rowOverlap: RowOverlapReport;
  /** The trained ranker itself, so other protocols rank with the same model (not part of the JSON report). */
  trained: TrainedRanker;
  /** Per-profile metrics, for paired comparisons with the baselines (not part of the JSON report). */
  summary: MetricSummary;
}

/**
 * Candidates + ranker, trained and scored without the held-out interactions: the ranker learns
 * from the latest quarter of the training events (impressions and their outcomes when the
 * dataset has them, else plays against sampled candidates), with retrieval features from an ALS
 * trained before that window; then each test profile's candidates are ranked by the served
 * ModelRanker (ONNX) at the split and compared with its held-out titles.
 */
export async function twoStage(x: TwoStageInput, onProgress?: EvalProgress): Promise<TwoStageReport> {
  const { d, split, retrieval, seen, als, feedback, itemModel, plan, config } = x;
  const impressions = impressionsBeforeHeldOut(d.impressions, d.events, split).filter((e) => e.occurredAt <= split.now);
  const known = feedbackBeforeHeldOut(d.feedback, d.events, split).filter((f) => f.updatedAt <= split.now);
  const plays = [...split.train].sort((a, b) => a.occurredAt - b.occurredAt || (a.eventId < b.eventId ? -1 : 1));
  const set = await rankerTrainingSet(
    { ...d, playbacks: plays, impressions, feedback: known },
    {
      als,
      feedback,
      itemModel,
      plan,
      neighbours: retrieval.neighbours,
      ...DEFAULT_RANKER_TRAINING,
      laterPlayShares: config.laterPlayShares,
      thumbsDown: config.thumbsDown,
      onProgress,
    },
  );
  const rows = set.rows;
  const trained = trainRanker(rows, {
    seed: DEFAULT_RANKER_TRAINING.seed,
    shape: config.shape,
    onEpoch: (e, n) => onProgress?.('ranker epochs', e, n),
  });

  // Each test profile is ranked at its own moment, right after its last training event, with the
  // server's state at that moment replayed from the training events (MovieLens viewers span decades).
  const replay = new EventReplay(
    { ...d, playbacks: plays, impressions },
    { collaborative: retrieval.model, neighbours: retrieval.neighbours },
    plan,
  );
  const last = new Map<string, PlaybackEvent>();
  for (const e of plays) last.set(e.profileId, e);
  const tests = split.test
    .filter((h) => last.has(h.profileId))
    .sort((a, b) => last.get(a.profileId)!.occurredAt - last.get(b.profileId)!.occurredAt);
  const { ranker, scorer } = await replayRanker(replay, trained, config.weights);
  const finished = finishedHeldOut(d, split);
  const pages = { withExploration: new ExposureTally(), withoutExploration: new ExposureTally() };
  const screens = { withExploration: new ExposureTally(), withoutExploration: new ExposureTally() };
  const overlap = new RowOverlapTally();
  const builders = {
    withExploration: evalPageBuilder(replay, DEFAULT_EXPLORATION_SHARE),
    withoutExploration: evalPageBuilder(replay, 0),
  };
  const summary = new MetricSummary();
  const grid = WEIGHT_GRID.map((weights) => ({ weights, any: 0, done: 0 }));
  try {
    for (const [i, h] of tests.entries()) {
      const at = last.get(h.profileId)!;
      const req = replay.request(h.profileId, at.occurredAt + 1, at.device);
      const mine = seen.get(h.profileId) ?? new Set<string>();
      const all = await ranker.rank(req, await replay.generator.generate(req));
      for (const k of x.rankingsOnly ? [] : (['withExploration', 'withoutExploration'] as const)) {
        const rows = await builders[k].build(req, all);
        const layout = DEVICE_LAYOUTS[req.context.device];
        pages[k].addPage(rows.flatMap((r) => r.items.map((i) => i.title.id)));
        if (k === 'withExploration') overlap.addPage(rows.map((r) => ({ id: r.id, titleIds: r.items.map((i) => i.title.id) })));
        screens[k].addPage(rows.slice(0, layout.screenRows).flatMap((r) => r.items.slice(0, layout.visibleItems).map((i) => i.title.id)));
      }
      const ranked = all.filter((c) => !mine.has(c.title.id));
      summary.add(
        ranked.slice(0, 20).map((c) => c.title.id),
        h.titles,
        h.profileId,
      );
      const done = finished.get(h.profileId) ?? new Set<string>();
      for (const g of grid) {
        const top = reorder(ranked, g.weights);
        g.any += ndcgAt(top, h.titles, 10);
        g.done += ndcgAt(top, done, 10);
      }
      if ((i + 1) % 200 === 0 || i + 1 === tests.length) onProgress?.('two-stage', i + 1, tests.length);
    }
  } finally {
    await scorer.release();
  }
  const r = (x: number) => Math.round((x / Math.max(1, tests.length)) * 10000) / 10000;
  return {
    method: summary.result(d.titles.length),
    ranker: {
      trainedOn: set.source,
      requests: trained.report.requests,
      rows: trained.report.rows,
      epochs: `${trained.report.epochs} (best ${trained.report.bestEpoch})`,
      heads: trained.report.validation,
      seconds: trained.report.seconds,
    },
    utility: grid.map((g) => ({ weights: g.weights, 'ndcg@10': r(g.any), 'ndcg@10 finished': r(g.done) })),
    exposure: {
      explorationShare: DEFAULT_EXPLORATION_SHARE,
      withExploration: pages.withExploration.report(d.titles.length),
      withoutExploration: pages.withoutExploration.report(d.titles.length),
      firstScreen: {
        withExploration: screens.withExploration.report(d.titles.length),
        withoutExploration: screens.withoutExploration.report(d.titles.length),
      },
    },
    rowOverlap: overlap.report(),
    trained,
    summary,
  };
}

/** The server's page construction over the replayed state (exposure, title evidence, the graph). */
function evalPageBuilder(replay: EventReplay, explorationShare: number): PageBuilder {
  return new PageBuilder({
    neighbours: replay.models.neighbours,
    explorationShare,
    exposure: (profileId, now) => replay.features.exposureOf(profileId, now),
    evidence: (titleId, now) => replay.features.evidence(titleId, now),
  });
}

function reorder(ranked: readonly RankedCandidate[], w: UtilityWeights): string[] {
  return ranked
    .map((c) => ({ id: c.title.id, u: utility(c.heads!, w) }))
    .sort((a, b) => b.u - a.u || (a.id < b.id ? -1 : 1))
    .slice(0, 10)
    .map((x) => x.id);
}

/** Per test profile, its held-out titles it watched to at least 70%. */
function finishedHeldOut(d: EvalDataset, split: Split): Map<string, Set<string>> {
  const held = new Map(split.test.map((h) => [h.profileId, h.titles]));
  const out = new Map<string, Set<string>>();
  for (const e of d.events) {
    if (e.progress < FINISHED_PROGRESS || !held.get(e.profileId)?.has(e.titleId)) continue;
    (out.get(e.profileId) ?? out.set(e.profileId, new Set()).get(e.profileId)!).add(e.titleId);
  }
  return out;
}
