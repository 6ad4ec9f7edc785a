import type { ImpressionEvent, PlaybackEvent } from '../../graph/types';
import { watchStatesFrom } from '../../graph/watch-state';
import { splitByTime, type Split } from '../eval/split';
import type { AlsOptions } from '../retrieval/als';
import { CollaborativeModel } from '../retrieval/collaborative-model';
import type { FeedbackOptions } from '../retrieval/implicit-feedback';
import type { NeighbourLookup } from '../retrieval/model-sources';
import { buildRetrieval, type TrainProgress } from '../training/train-retrieval';
import type { ReplayData } from './event-replay';
import { impressionRows, mergeRows, playRows, type RankerRows, type RowRequest } from './training-rows';

export interface RankerDataOptions {
  als: AlsOptions;
  feedback: FeedbackOptions;
  neighbours: NeighbourLookup;
  /** Share of plays (the latest) whose impressions become training requests. */
  windowShare: number;
  maxRequests: number;
  seed: number;
  onProgress?: TrainProgress;
}

export interface RankerTrainingSet {
  rows: RankerRows;
  /** How the rows were drawn, for the manifest. */
  source: string;
}

/**
 * The ranker's training rows, with retrieval features from an ALS that never saw the labels:
 * - with logged impressions (the world, and any store the API logged impressions into): the
 *   impressions of the latest `windowShare` of the timeline and their outcomes, ALS trained on
 *   the events before that window;
 * - without (a MovieLens import): each profile's later titles (the last 20% by first play,
 *   as evaluation holds out) against sampled candidates at the moment of its last earlier play,
 *   ALS trained on everything but those later titles.
 */
/** Where the training window starts: the moment after which the latest `share` of plays happened. */
export function rankerWindowStart(sortedPlays: readonly PlaybackEvent[], share: number): number {
  return sortedPlays[Math.min(sortedPlays.length - 1, Math.floor(sortedPlays.length * (1 - share)))].occurredAt;
}

export async function rankerTrainingSet(data: ReplayData, o: RankerDataOptions): Promise<RankerTrainingSet> {
  const plays = [...data.playbacks].sort((a, b) => a.occurredAt - b.occurredAt || (a.eventId < b.eventId ? -1 : 1));
  if (plays.length === 0) throw new Error('no playback events to train the ranker on');
  const windowStart = rankerWindowStart(plays, o.windowShare);
  const onRows = (done: number, total: number) => o.onProgress?.('ranker rows', done, total);
  const later = await laterPlayRows(data, plays, o);
  if (data.impressions.some((e) => e.occurredAt >= windowStart)) {
    const before = buildRetrieval(data.titles, watchStatesFrom(plays.filter((e) => e.occurredAt < windowStart)), o.als, o.feedback, o.onProgress, Date.now, 'ranker: ');
    const rows = await impressionRows({ ...data, playbacks: plays }, {
      windowStart, maxRequests: o.maxRequests, seed: o.seed, onProgress: onRows,
      models: { collaborative: new CollaborativeModel(before), neighbours: o.neighbours },
    });
    return { rows: mergeRows(rows, later), source: `impressions since ${new Date(windowStart).toISOString()} (ALS trained before) and later plays against sampled candidates` };
  }
  return { rows: later, source: "each profile's later titles against sampled candidates, ALS trained without them" };
}

async function laterPlayRows(data: ReplayData, plays: PlaybackEvent[], o: RankerDataOptions): Promise<RankerRows> {
  const onRows = (done: number, total: number) => o.onProgress?.('ranker rows (later plays)', done, total);
  const inner = splitByTime(plays);
  const before = buildRetrieval(data.titles, watchStatesFrom(inner.train), o.als, o.feedback, o.onProgress, Date.now, 'ranker (later plays): ');
  const last = new Map<string, PlaybackEvent>();
  for (const e of inner.train) last.set(e.profileId, e);
  const requests: RowRequest[] = inner.test
    .filter((h) => last.has(h.profileId))
    .map((h) => ({ key: h.profileId, profileId: h.profileId, at: last.get(h.profileId)!.occurredAt + 1, device: last.get(h.profileId)!.device, titleIds: [...h.titles] }))
    .sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1))
    .slice(0, o.maxRequests);
  return playRows({ ...data, playbacks: inner.train, impressions: impressionsBeforeHeldOut(data.impressions, plays, inner) }, requests, {
    models: { collaborative: new CollaborativeModel(before), neighbours: o.neighbours },
    outcomes: plays, negativesPerPositive: 4, seed: o.seed, onProgress: onRows,
  });
}

/**
 * The impressions a replay may know when some titles are held out: a held-out title's
 * impressions count only until an hour before its first held-out play (the page it was played
 * from, and what came after, are the future being predicted); earlier showings are the past.
 */
export function impressionsBeforeHeldOut(impressions: readonly ImpressionEvent[], plays: readonly PlaybackEvent[], split: Pick<Split, 'test'>): ImpressionEvent[] {
  const held = new Set(split.test.flatMap((h) => [...h.titles].map((t) => `${h.profileId}|${t}`)));
  const firstPlay = new Map<string, number>();
  for (const e of plays) {
    const key = `${e.profileId}|${e.titleId}`;
    if (held.has(key)) firstPlay.set(key, Math.min(firstPlay.get(key) ?? Infinity, e.occurredAt));
  }
  return impressions.filter((e) => e.occurredAt < (firstPlay.get(`${e.profileId}|${e.titleId}`) ?? Infinity) - 3_600_000);
}
