import type { PlaybackEvent, Profile, WatchState } from '../domain/types';
import type { RetrievalPlan } from '../retrieval/retrieval-plan';
import { watchStatesFrom } from '../domain/watch-state';
import { profileSignals } from '../pipeline/profile-signals';
import { EventReplay } from '../training/event-replay';
import { impressionsBeforeHeldOut } from '../training/ranker-training-set';
import type { TrainedRanker } from '../ranking/train-ranker';
import type { Candidate, CandidateSource } from '../pipeline/candidates';
import type { HomepageRequest } from '../pipeline/request';
import type { Interactions } from '../retrieval/interactions';
import { Rng } from '../shared/random';
import { bootstrapMean, type Estimate } from './bootstrap';
import type { EvalDataset } from './datasets';
import type { EvalRetrieval } from './eval-retrieval';
import { ndcgAt, recallAt } from './metrics';
import { ANSWER_GENRES, GRID_SIZE, MAX_PICKS, MIN_PICKS, answersOf, genreAnswer, segmentOf, segmentRanks } from './onboarding-answers';
import { popularity } from './recommenders';
import type { HeldOut, Split } from '../training/split';
import { replayRanker } from './replay-ranker';

/**
 * Test profiles scored, a fixed-seed sample: each costs three rankings. On the default world
 * 2,000 took 26–48 s on two cores shared with other jobs, and keep the paired intervals of
 * NDCG@10 within about ±0.005.
 */
export const ONBOARDING_SAMPLE = 2000;
const SAMPLE_SEED = 'onboarding';

export const ONBOARDING_METHODS = ['warm', 'after onboarding', 'priors only', 'popularity'] as const;
export type OnboardingMethod = (typeof ONBOARDING_METHODS)[number];
type Scores = { 'ndcg@10': Estimate; 'recall@20': Estimate };

/** Paired differences reported: what onboarding adds, what history adds beyond it, onboarding against the baseline. */
const COMPARISONS: [OnboardingMethod, OnboardingMethod][] = [
  ['after onboarding', 'priors only'],
  ['warm', 'after onboarding'],
  ['after onboarding', 'popularity'],
];
/** Training titles per profile, in buckets (a test profile has at least 4: MIN_TITLES less its held-out one). */
const HISTORY_BUCKETS: [number, number][] = [
  [0, 5],
  [6, 10],
  [11, 20],
  [21, Infinity],
];

export interface OnboardingReport {
  protocol: Record<string, string>;
  /** Test profiles scored, and of how many. */
  profiles: number;
  testProfiles: number;
  answers: { genresFrom: 'hidden tastes' | 'training history'; genres: number; meanPicks: number; meanGridPicks: number; gridSize: number };
  methods: Record<OnboardingMethod, Scores>;
  /** Per-profile differences "a − b" on the same profiles. */
  paired: Record<string, Scores>;
  /** Warm against after onboarding by the length of the training history (titles): where history starts to pay. */
  byHistory: { titles: string; profiles: number; warm: number; 'after onboarding': number; 'warm − after onboarding': Estimate }[];
  /** Per ranked variant, how many of the top 10 each candidate source proposed (mean per profile): what the ranker leads with. */
  top10Sources: Record<Exclude<OnboardingMethod, 'popularity'>, Partial<Record<CandidateSource, number>>>;
  seconds: number;
}

export interface OnboardingInputs {
  d: EvalDataset;
  split: Split;
  retrieval: EvalRetrieval;
  /** The training interactions (the popularity baseline counts its viewers there). */
  data: Interactions;
  /** The two-stage evaluation's ranker: the same model ranks every variant. */
  trained: TrainedRanker;
  seen: ReadonlyMap<string, ReadonlySet<string>>;
  /** The retrieval plan of the two-stage evaluation (chosen on validation, or the served one). */
  plan: RetrievalPlan;
}

/**
 * The same test profiles, at the same moment and with the same models as the two-stage
 * evaluation, seen four ways: with their training history (warm); as a new profile that has only
 * completed onboarding; as a new profile before onboarding (segment and language priors); and by
 * the popularity baseline. A new profile gets an id no model knows, so neither its trained ALS
 * vector nor its exposure history can stand in for the answers. Each ranking leaves out the
 * profile's training titles (the picks among them), as the two-stage evaluation does, and is
 * scored on its held-out titles.
 */
export async function onboardingEval(
  x: OnboardingInputs,
  onProgress?: (stage: string, done: number, total: number) => void,
  sample = ONBOARDING_SAMPLE,
): Promise<OnboardingReport> {
  const started = performance.now();
  const { d, split, retrieval, trained, seen, plan } = x;
  // The replay inputs of the two-stage evaluation: training plays, impressions known by the split.
  const impressions = impressionsBeforeHeldOut(d.impressions, d.events, split).filter((e) => e.occurredAt <= split.now);
  const plays = [...split.train].sort((a, b) => a.occurredAt - b.occurredAt || (a.eventId < b.eventId ? -1 : 1));
  const replay = new EventReplay(
    { ...d, playbacks: plays, impressions },
    { collaborative: retrieval.model, neighbours: retrieval.neighbours },
    plan,
  );
  const last = new Map<string, PlaybackEvent>();
  for (const e of plays) last.set(e.profileId, e);
  const tests = sampled(
    split.test.filter((h) => last.has(h.profileId)),
    sample,
  ).sort((a, b) => last.get(a.profileId)!.occurredAt - last.get(b.profileId)!.occurredAt);

  const profiles = new Map(d.profiles.map((p) => [p.id, p]));
  const accounts = new Map(d.accounts.map((a) => [a.id, a]));
  const states = watchStatesFrom(split.train);
  const ranks = segmentRanks(states, profiles, accounts);
  const watchOf = new Map<string, WatchState[]>();
  for (const s of states) (watchOf.get(s.profileId) ?? watchOf.set(s.profileId, []).get(s.profileId)!).push(s);
  const pop = popularity(x.data);

  const { ranker, scorer } = await replayRanker(replay, trained);
  const perProfile = Object.fromEntries(ONBOARDING_METHODS.map((m) => [m, { ndcg: [] as number[], recall: [] as number[] }])) as Record<
    OnboardingMethod,
    { ndcg: number[]; recall: number[] }
  >;
  const sourceCounts = new Map<string, number>();
  const note = (m: OnboardingMethod, top: string[], h: HeldOut) => {
    perProfile[m].ndcg.push(ndcgAt(top, h.titles, 10));
    perProfile[m].recall.push(recallAt(top, h.titles, 20));
  };
  const tallied = (m: Exclude<OnboardingMethod, 'popularity'>, list: Candidate[]) => {
    for (const c of list.slice(0, 10))
      for (const source of c.sources.keys()) sourceCounts.set(`${m}|${source}`, (sourceCounts.get(`${m}|${source}`) ?? 0) + 1);
    return list.map((c) => c.title.id);
  };
  const historyLengths: number[] = [];
  let picks = 0;
  let gridPicks = 0;
  try {
    for (const [i, h] of tests.entries()) {
      const at = last.get(h.profileId)!;
      const mine = seen.get(h.profileId) ?? new Set<string>();
      const top = async (req: HomepageRequest) =>
        (await ranker.rank(req, await replay.generator.generate(req))).filter((c) => !mine.has(c.title.id)).slice(0, 20);
      const warm = replay.request(h.profileId, at.occurredAt + 1, at.device);
      const now = warm.context.now;
      const watch = watchOf.get(h.profileId) ?? [];
      const { onboarding: _none, ...base } = warm.profile;
      const fresh: Profile = { ...base, id: `${base.id}~new` };
      const { answers, fromGrid } = answersOf(
        watch,
        ranks.get(segmentOf(base, accounts)) ?? new Map(),
        genreAnswer(h.profileId, watch, (id) => replay.catalog.get(id), now, d.truth),
        now,
      );
      historyLengths.push(watch.length);
      picks += answers.titleIds.length;
      gridPicks += fromGrid;
      const asNew = (profile: Profile): HomepageRequest => ({
        ...warm,
        profile,
        signals: profileSignals([], (id) => replay.catalog.get(id), now, profile),
      });

      note('warm', tallied('warm', await top(warm)), h);
      note('after onboarding', tallied('after onboarding', await top(asNew({ ...fresh, onboarding: answers }))), h);
      note('priors only', tallied('priors only', await top(asNew(fresh))), h);
      note('popularity', pop.recommend(h.profileId, mine, 20), h);
      if ((i + 1) % 50 === 0 || i + 1 === tests.length) onProgress?.('onboarding', i + 1, tests.length);
    }
  } finally {
    await scorer.release();
  }
  const scores = (ndcg: number[], recall: number[], seed: string): Scores => ({
    'ndcg@10': bootstrapMean(ndcg, `${seed} ndcg`),
    'recall@20': bootstrapMean(recall, `${seed} recall`),
  });
  const n = Math.max(1, tests.length);
  return {
    protocol: {
      profiles: `${tests.length} of the ${split.test.length} test profiles (at most ${sample}, drawn with seed "${SAMPLE_SEED}"), each ranked at its two-stage moment with the two-stage models`,
      'after onboarding': `no history, a new profile id; genres: its ${ANSWER_GENRES} favourite; titles: up to ${MAX_PICKS} it finished among the ${GRID_SIZE} most-watched of its segment (at least ${MIN_PICKS}, completed from its most engaged training titles)`,
      'priors only': 'no history, no answers: segment (country, kids) and language priors',
      ranking:
        "candidates ranked by the trained ranker (popularity: the whole catalog), minus the profile's training titles; scored on its held-out titles",
    },
    profiles: tests.length,
    testProfiles: split.test.length,
    answers: {
      genresFrom: d.truth ? 'hidden tastes' : 'training history',
      genres: ANSWER_GENRES,
      meanPicks: Math.round((picks / n) * 100) / 100,
      meanGridPicks: Math.round((gridPicks / n) * 100) / 100,
      gridSize: GRID_SIZE,
    },
    methods: Object.fromEntries(ONBOARDING_METHODS.map((m) => [m, scores(perProfile[m].ndcg, perProfile[m].recall, m)])) as Record<
      OnboardingMethod,
      Scores
    >,
    paired: Object.fromEntries(
      COMPARISONS.map(([a, b]) => [
        `${a} − ${b}`,
        scores(diff(perProfile[a].ndcg, perProfile[b].ndcg), diff(perProfile[a].recall, perProfile[b].recall), `${a} − ${b}`),
      ]),
    ),
    byHistory: byHistory(historyLengths, perProfile.warm.ndcg, perProfile['after onboarding'].ndcg),
    top10Sources: Object.fromEntries(
      ONBOARDING_METHODS.filter((m) => m !== 'popularity').map((m) => [
        m,
        Object.fromEntries(
          [...sourceCounts]
            .filter(([key]) => key.startsWith(`${m}|`))
            .map(([key, count]) => [key.slice(m.length + 1), Math.round((count / n) * 100) / 100]),
        ),
      ]),
    ) as OnboardingReport['top10Sources'],
    seconds: Math.round((performance.now() - started) / 100) / 10,
  };
}

function diff(a: readonly number[], b: readonly number[]): number[] {
  return a.map((v, i) => v - b[i]);
}

/** Warm against after onboarding (NDCG@10 per profile) within each bucket of training-history length. */
function byHistory(lengths: readonly number[], warm: readonly number[], onboarded: readonly number[]): OnboardingReport['byHistory'] {
  const mean = (v: readonly number[]) => Math.round((v.reduce((a, b) => a + b, 0) / Math.max(1, v.length)) * 10000) / 10000;
  return HISTORY_BUCKETS.filter(([lo, hi]) => lengths.some((len) => len >= lo && len <= hi)).map(([lo, hi]) => {
    const idx = lengths.flatMap((len, i) => (len >= lo && len <= hi ? [i] : []));
    const [w, o] = [idx.map((i) => warm[i]), idx.map((i) => onboarded[i])];
    return {
      titles: hi === Infinity ? `${lo}+` : lo === 0 ? `≤${hi}` : `${lo}–${hi}`,
      profiles: idx.length,
      warm: mean(w),
      'after onboarding': mean(o),
      'warm − after onboarding': bootstrapMean(diff(w, o), `history ${lo}`),
    };
  });
}

/** `n` of the profiles drawn without replacement with a fixed seed (all of them when there are fewer). */
function sampled(tests: HeldOut[], n: number): HeldOut[] {
  const rng = new Rng(SAMPLE_SEED);
  const out = [...tests];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out.slice(0, n);
}
