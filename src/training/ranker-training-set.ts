import type { ImpressionEvent, PlaybackEvent } from '../domain/types';
import { watchStatesFrom } from '../domain/watch-state';
import { splitByTime, type Split } from './split';
import type { AlsOptions } from '../retrieval/als';
import { CollaborativeModel } from '../retrieval/collaborative-model';
import type { FeedbackOptions } from '../retrieval/implicit-feedback';
import type { ItemModelOptions } from '../retrieval/item-model';
import type { RetrievalPlan } from '../retrieval/retrieval-plan';
import type { NeighbourLookup } from '../pipeline/stages';
import { queueRetrieval, type TrainProgress } from './train-retrieval';
import { AlsQueue } from './als-queue';
import type { RetrievalBundle } from '../models/model-bundle';
import type { ReplayData } from './event-replay';
import { dislikedBy, impressionRows, playRows, sample, type RowRequest } from './training-rows';
import { mergeRows, type RankerRows } from '../ranking/ranker-rows';
import { HOUR_MS } from '../shared/time';
import type { TitleFeedback } from '../domain/title-feedback';

/**
 * Later-play rows are carved three times: each profile's last 20%, 35% and 50% of titles, each
 * with its own ALS trained without the carved titles: three times the rows for the click head,
 * at three moments of each profile's history. `npm run eval` compares one, two and three carves
 * on validation splits carved from training (docs/EVALUATION.md).
 */
export const LATER_PLAY_SHARES: readonly number[] = [0.2, 0.35, 0.5];

export interface RankerDataOptions {
  als: AlsOptions;
  feedback: FeedbackOptions;
  /** The item→item model trained beside each replay's ALS; DEFAULT_ITEM_MODEL when absent. */
  itemModel?: ItemModelOptions;
  neighbours: NeighbourLookup;
  /** Share of plays (the latest) whose impressions become training requests. */
  windowShare: number;
  /** Each replay's requests beyond this many are sampled (seeded): impressions, and each carve of later plays. */
  maxRequests: number;
  seed: number;
  onProgress?: TrainProgress;
  /** Where the replays' ALS train; without one, a queue of their own. */
  alsQueue?: AlsQueue;
  /** The retrieval plan the replays draw candidates with; SERVED_PLAN when absent. */
  plan?: RetrievalPlan;
  /** The carves of later plays (shares of each profile's titles); LATER_PLAY_SHARES by default. */
  laterPlayShares?: readonly number[];
  /** False: thumbs down are ignored (src/training/training-rows.ts says what they do); on by default. */
  thumbsDown?: boolean;
}

export interface RankerTrainingSet {
  rows: RankerRows;
  /** How the rows were drawn, for the manifest. */
  source: string;
}

/** Where the training window starts: the moment after which the latest `share` of plays happened. */
function rankerWindowStart(sortedPlays: readonly PlaybackEvent[], share: number): number {
  return sortedPlays[Math.min(sortedPlays.length - 1, Math.floor(sortedPlays.length * (1 - share)))].occurredAt;
}

/**
 * The ranker's training rows, each with retrieval features from an ALS that never saw its label:
 * - later-play rows, always: each profile's later titles (its last 20%, 35% and 50% of titles by
 *   first play, as evaluation holds out) among its candidates at the moment of its last earlier
 *   play, against sampled candidates; ALS trained without those titles. They teach every head.
 * - with logged impressions (the world, and any store the API logged impressions into): the
 *   impressions of the latest `windowShare` of the timeline and their outcomes, ALS trained on
 *   the events before that window. They teach finishing and returning (see trainRanker).
 * Every replay's ALS is queued before the first replay starts, so the next one trains on the
 * queue's thread while this one replays.
 */
export async function rankerTrainingSet(data: ReplayData, o: RankerDataOptions): Promise<RankerTrainingSet> {
  const plays = [...data.playbacks].sort((a, b) => a.occurredAt - b.occurredAt || (a.eventId < b.eventId ? -1 : 1));
  if (plays.length === 0) throw new Error('no playback events to train the ranker on');
  const windowStart = rankerWindowStart(plays, o.windowShare);
  const withImpressions = data.impressions.some((e) => e.occurredAt >= windowStart);
  const queue = o.alsQueue ?? AlsQueue.open();
  try {
    const carves = (o.laterPlayShares ?? LATER_PLAY_SHARES).map((share) => {
      const split = splitByTime(plays, share);
      return { share, split, retrieval: queueRetrieval(queue, data.titles, watchStatesFrom(split.train), o) };
    });
    const before = withImpressions
      ? queueRetrieval(queue, data.titles, watchStatesFrom(plays.filter((e) => e.occurredAt < windowStart)), o)
      : undefined;
    const replays = carves.length + (before ? 1 : 0);
    const purpose = (k: number) => ` for the ranker (${k + 1} of ${replays})`;
    const parts: RankerRows[] = [];
    for (const [k, carve] of carves.entries()) {
      const retrieval = await carve.retrieval.finish(o.onProgress, purpose(k));
      parts.push(await carvedRows(data, plays, o, carve, retrieval, purpose(k)));
    }
    const later = parts.reduce(mergeRows);
    if (!before) return { rows: later, source: "each profile's later titles against sampled candidates, ALS trained without them" };
    const retrieval = await before.finish(o.onProgress, purpose(carves.length));
    const rows = await impressionRows(
      { ...data, playbacks: plays },
      {
        windowStart,
        maxRequests: o.maxRequests,
        seed: o.seed,
        onProgress: (done, total) => o.onProgress?.(`Replaying history${purpose(carves.length)}`, done, total),
        models: { collaborative: new CollaborativeModel(retrieval), neighbours: o.neighbours },
        plan: o.plan,
        thumbsDown: o.thumbsDown,
      },
    );
    return {
      rows: mergeRows(rows, later),
      source: `impressions since ${new Date(windowStart).toISOString()} (ALS trained before) and later plays against sampled candidates`,
    };
  } finally {
    if (!o.alsQueue) await queue.close();
  }
}

/** One carve's rows: each profile's held-out titles against its candidates just after its last earlier play. */
async function carvedRows(
  data: ReplayData,
  plays: PlaybackEvent[],
  o: RankerDataOptions,
  { share, split }: { share: number; split: Split },
  retrieval: RetrievalBundle,
  purpose: string,
): Promise<RankerRows> {
  const last = new Map<string, PlaybackEvent>();
  for (const e of split.train) last.set(e.profileId, e);
  // A later title the viewer rated down is not one it went on to want.
  const disliked = dislikedBy(o.thumbsDown === false ? [] : (data.feedback ?? []));
  const requests: RowRequest[] = split.test
    .filter((h) => last.has(h.profileId))
    .map((h) => ({
      key: h.profileId,
      profileId: h.profileId,
      at: last.get(h.profileId)!.occurredAt + 1,
      device: last.get(h.profileId)!.device,
      titleIds: [...h.titles].filter((id) => !disliked.get(h.profileId)?.has(id)),
    }))
    .sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1));
  return playRows(
    {
      ...data,
      playbacks: split.train,
      impressions: impressionsBeforeHeldOut(data.impressions, plays, split),
      feedback: feedbackBeforeHeldOut(data.feedback ?? [], plays, split),
    },
    sample(requests, o.maxRequests, `${o.seed}:later-${share}`),
    {
      models: { collaborative: new CollaborativeModel(retrieval), neighbours: o.neighbours },
      plan: o.plan,
      outcomes: plays,
      negativesPerPositive: 4,
      seed: o.seed,
      onProgress: (done, total) => o.onProgress?.(`Replaying history${purpose}`, done, total),
    },
  );
}

/**
 * The impressions a replay may know when some titles are held out: each profile's impressions
 * until an hour before its first held-out play, of every title alike. The page a held-out title
 * was played from, and everything after it, are the future being predicted. One cut per profile
 * keeps the exposure features label-blind: cutting only the held-out titles' showings (as this
 * did until issue 19) left the negatives' recent showings in place, so "shown lately" told the
 * ranker "not the answer".
 */
export function impressionsBeforeHeldOut(
  impressions: readonly ImpressionEvent[],
  plays: readonly PlaybackEvent[],
  split: Pick<Split, 'test'>,
): ImpressionEvent[] {
  const cut = heldOutCut(plays, split);
  return impressions.filter((e) => e.occurredAt < cut(e.profileId));
}

/**
 * The feedback a replay may know, cut like the impressions: a thumbs down given after a held-out
 * play (a viewer giving up on a held-out title) would tell the ranker the answer.
 */
export function feedbackBeforeHeldOut(
  feedback: readonly TitleFeedback[],
  plays: readonly PlaybackEvent[],
  split: Pick<Split, 'test'>,
): TitleFeedback[] {
  const cut = heldOutCut(plays, split);
  return feedback.filter((f) => f.updatedAt < cut(f.profileId));
}

/** Per profile, the moment an hour before its first held-out play: what a replay may know ends there. */
function heldOutCut(plays: readonly PlaybackEvent[], split: Pick<Split, 'test'>): (profileId: string) => number {
  const heldOut = new Map(split.test.map((h) => [h.profileId, h.titles]));
  const firstHeldOutPlay = new Map<string, number>();
  for (const e of plays) {
    if (!heldOut.get(e.profileId)?.has(e.titleId)) continue;
    if (e.occurredAt < (firstHeldOutPlay.get(e.profileId) ?? Infinity)) firstHeldOutPlay.set(e.profileId, e.occurredAt);
  }
  return (profileId) => (firstHeldOutPlay.get(profileId) ?? Infinity) - HOUR_MS;
}
