import { FINISHED_PROGRESS, type Device, type ImpressionEvent, type PlaybackEvent, type Title } from '../domain/types';
import { resolveContext } from '../pipeline/viewing-context';
import type { Candidate } from '../pipeline/candidates';
import type { HomepageRequest } from '../pipeline/request';
import { Rng } from '../shared/random';
import { EventReplay, type ReplayData } from './event-replay';
import { FEATURE_COUNT } from '../ranking/features/feature-spec';
import type { FeatureModels } from '../ranking/features/feature-store';
import type { RetrievalPlan } from '../retrieval/retrieval-plan';
import { HEADS, type Head } from '../ranking/multitask-model';
import { DAY_MS, HOUR_MS, wallClock } from '../shared/time';
import { type RankerRows } from '../ranking/ranker-rows';
import type { TitleFeedback } from '../domain/title-feedback';

/** A play of a shown title within this long after the impression counts as its click. */
const CLICK_WINDOW_MS = HOUR_MS;

/** One homepage moment to build rows for, with the titles that were shown there (or played after it). */
export interface RowRequest {
  key: string;
  profileId: string;
  at: number;
  device: Device;
  titleIds: string[];
}

export interface ImpressionRowOptions {
  /** Rows are built for requests at or after this moment; earlier events only build state. */
  windowStart: number;
  /** Retrieval as it was at windowStart (ALS trained on earlier events) and the similarity graph. */
  models: FeatureModels;
  /** The retrieval plan the replay draws candidates with (SERVED_PLAN when absent). */
  plan?: RetrievalPlan;
  /** Requests beyond this many are sampled (deterministically) so training time stays bounded. */
  maxRequests: number;
  seed: number | string;
  onProgress?: (done: number, total: number) => void;
  /** False: thumbs down neither make rows nor cancel clicks (the comparison `npm run eval` reports). */
  thumbsDown?: boolean;
}

/**
 * Rows from logged impressions: for each sampled request in the window, the server's request at
 * that moment (EventReplay), its candidates, and a row per shown title labelled by what followed:
 * a play within the hour (click), its progress reaching 70% (finish), any activity on the
 * viewer's next local day (return; NaN when the logs end before it). A shown title the candidate
 * stage did not propose gets a row without source flags. Each row sees only the past.
 */
export async function impressionRows(data: ReplayData, o: ImpressionRowOptions): Promise<RankerRows> {
  const replay = new EventReplay(data, o.models, o.plan);
  // Thumbs down are rare and say more than an impression: up to a quarter of the requests are theirs.
  const down = sample(
    o.thumbsDown === false ? [] : thumbsDownRequests(data.feedback ?? [], o.windowStart, [replay.playbacks, replay.impressions]),
    Math.floor(o.maxRequests / 4),
    `${o.seed}:thumbs-down`,
  );
  const shown = sample(groupImpressions(replay.impressions, o.windowStart), o.maxRequests - down.length, o.seed);
  const requests = [...shown, ...down].sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1));
  const rejected = new Set(down.map((r) => r.key));
  const disliked = dislikedBy(o.thumbsDown === false ? [] : (data.feedback ?? []));
  const outcomes = outcomeLookup(replay, replay.playbacks, (r) => [r.at, r.at + CLICK_WINDOW_MS]);
  return buildRows(replay, requests, true, o.onProgress, (candidates, r) => {
    const byId = new Map(candidates.map((c) => [c.title.id, c]));
    const extra = r.titleIds
      .filter((id) => !byId.has(id) && replay.catalog.get(id))
      .map((id) => ({ title: replay.catalog.get(id)!, sources: new Map() }));
    const titles = [...new Set(r.titleIds)]
      .map((id) => byId.get(id)?.title ?? replay.catalog.get(id))
      .filter((t): t is Title => t !== undefined);
    // A title the viewer rated down is no click, whatever it played: the rating says the play was a mistake.
    const outcome = rejected.has(r.key) ? new Map() : outcomes(r);
    for (const id of disliked.get(r.profileId) ?? []) outcome.delete(id);
    return { all: [...candidates, ...extra], groups: [{ titles }], outcome };
  });
}

/**
 * Each thumbs down at or after `windowStart` as a request at the moment it was given, its title
 * labelled a negative (no click; finish and return unknown): the viewer said, at that moment,
 * that it does not want this title, which impressions without a play only suggest. The request's
 * device is the one of the viewer's last event before it (a rating names none).
 */
function thumbsDownRequests(
  feedback: readonly TitleFeedback[],
  windowStart: number,
  events: readonly (readonly (PlaybackEvent | ImpressionEvent)[])[],
): RowRequest[] {
  const down = feedback.filter((f) => f.rating === 'DOWN' && f.ratedAt! >= windowStart);
  const raters = new Set(down.map((f) => f.profileId));
  const history = new Map<string, (PlaybackEvent | ImpressionEvent)[]>();
  for (const list of events)
    for (const e of list) if (raters.has(e.profileId)) (history.get(e.profileId) ?? history.set(e.profileId, []).get(e.profileId)!).push(e);
  for (const list of history.values()) list.sort((a, b) => a.occurredAt - b.occurredAt);
  const deviceAt = (profileId: string, at: number): Device =>
    (history.get(profileId) ?? []).findLast((e) => e.occurredAt <= at)?.device ?? 'TV';
  return down.map((f) => ({
    key: `down|${f.profileId}|${f.titleId}`,
    profileId: f.profileId,
    at: f.ratedAt!,
    device: deviceAt(f.profileId, f.ratedAt!),
    titleIds: [f.titleId],
  }));
}

/** The titles each profile rated down. */
export function dislikedBy(feedback: readonly TitleFeedback[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const f of feedback)
    if (f.rating === 'DOWN') (out.get(f.profileId) ?? out.set(f.profileId, new Set()).get(f.profileId)!).add(f.titleId);
  return out;
}

export interface PlayRowOptions {
  /** Retrieval trained without the plays that label the rows, and the similarity graph. */
  models: FeatureModels;
  /** The retrieval plan the replay draws candidates with (SERVED_PLAN when absent). */
  plan?: RetrievalPlan;
  /** Every play, for the labels (the replay holds only those before each request). */
  outcomes: readonly PlaybackEvent[];
  negativesPerPositive: number;
  seed: number | string;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Later-play rows: at each request, the new titles the profile went on to play that are among its
 * candidates are positives (click 1; finish when a play reached 70% — for MovieLens a rating of 3
 * or more; return = activity on the next local day), and `negativesPerPositive` other candidates
 * it had not started each are negatives (click 0). Plays the candidate stage could not have
 * proposed are left out: the ranker only ever orders candidates.
 */
export async function playRows(data: ReplayData, requests: readonly RowRequest[], o: PlayRowOptions): Promise<RankerRows> {
  const replay = new EventReplay(data, o.models, o.plan);
  const rng = new Rng(`ranker-rows:${o.seed}`);
  // The labelling plays are the profile's held-out ones, whenever they happened.
  const outcomes = outcomeLookup(replay, o.outcomes, () => [-Infinity, Infinity]);
  return buildRows(replay, requests, false, o.onProgress, (candidates, r, req) => {
    const played = new Set(r.titleIds);
    const hits = candidates.filter((c) => played.has(c.title.id)).map((c) => c.title);
    // Later plays are of new titles, so titles already started would only ever be negatives here.
    const others = candidates.filter((c) => !played.has(c.title.id) && !req.signals.seen.has(c.title.id));
    // Each later play keeps the context it happened in (device, local hour and weekday), and so do
    // the candidates it is compared with: the click head learns what suits a phone at lunch.
    const outcome = outcomes(r);
    const groups = hits.map((hit) => {
      const negatives: Title[] = [];
      for (let k = 0; k < o.negativesPerPositive && others.length > 0; k++)
        negatives.push(others.splice(rng.int(0, others.length - 1), 1)[0].title);
      const first = outcome.get(hit.id)!;
      return { titles: [hit, ...negatives], moment: { at: first.firstAt, device: first.device } };
    });
    return { all: candidates, groups, outcome };
  });
}

type Outcome = Map<string, { finished: boolean; returned: number; firstAt: number; device: Device }>;
/** Titles whose rows share a viewing context: the request's own, or the moment a later play happened. */
interface RowGroup {
  titles: Title[];
  moment?: { at: number; device: Device };
}
type Choice = (candidates: Candidate[], r: RowRequest, req: HomepageRequest) => { all: Candidate[]; groups: RowGroup[]; outcome: Outcome };

async function buildRows(
  replay: EventReplay,
  requests: readonly RowRequest[],
  logged: boolean,
  onProgress: ((d: number, n: number) => void) | undefined,
  choose: Choice,
): Promise<RankerRows> {
  const parts: Part[] = [];
  for (const [k, r] of requests.entries()) {
    const req = replay.request(r.profileId, r.at, r.device);
    const chosen = choose(await replay.generator.generate(req), r, req);
    for (const group of chosen.groups) {
      if (group.titles.length === 0) continue;
      const labels = { click: [] as number[], finish: [] as number[], ret: [] as number[] };
      for (const t of group.titles) {
        const o = chosen.outcome.get(t.id);
        labels.click.push(o ? 1 : 0);
        labels.finish.push(o ? (o.finished ? 1 : 0) : NaN);
        labels.ret.push(o ? o.returned : NaN);
      }
      // The profile's state stays the request's; only the viewing context moves to the play's.
      const at = group.moment
        ? {
            ...req,
            context: resolveContext(
              { device: group.moment.device, localTime: localTime(req, group.moment.at) },
              req.account,
              req.context.now,
            ),
          }
        : req;
      parts.push({
        rows: await replay.features.rows(at, chosen.all, replay.models, group.titles),
        labels,
        at: r.at,
        profileId: r.profileId,
        titleIds: group.titles.map((t) => t.id),
      });
    }
    if ((k + 1) % 200 === 0 || k + 1 === requests.length) onProgress?.(k + 1, requests.length);
  }
  return concat(parts, requests.length, logged);
}

/**
 * What followed a request, per wanted title played within `span(r)`: whether a play reached
 * 70%, and whether the profile was active on the local day after that play.
 */
function outcomeLookup(
  replay: EventReplay,
  plays: readonly PlaybackEvent[],
  span: (r: RowRequest) => [number, number],
): (r: RowRequest) => Outcome {
  // Every event of the log passes here: each profile's zone is looked up once, not per event.
  const zones = new Map<string, string>();
  const localDay = (profileId: string, at: number) => {
    let zone = zones.get(profileId);
    if (zone === undefined) zones.set(profileId, (zone = replay.accountOf(profileId).timeZone));
    return Math.floor(wallClock(at, zone).getTime() / DAY_MS);
  };
  const activeDays = new Map<string, Set<number>>();
  for (const events of [plays, replay.impressions]) {
    for (const e of events) {
      (activeDays.get(e.profileId) ?? activeDays.set(e.profileId, new Set()).get(e.profileId)!).add(localDay(e.profileId, e.occurredAt));
    }
  }
  const end = plays.reduce((m, e) => Math.max(m, e.occurredAt), replay.impressions.at(-1)?.occurredAt ?? 0);
  const playsOf = new Map<string, PlaybackEvent[]>();
  for (const e of plays) (playsOf.get(e.profileId) ?? playsOf.set(e.profileId, []).get(e.profileId)!).push(e);
  return (r) => {
    const wanted = new Set(r.titleIds);
    const [from, to] = span(r);
    const found: Outcome = new Map();
    for (const e of playsOf.get(r.profileId) ?? []) {
      if (e.occurredAt < from || e.occurredAt > to || !wanted.has(e.titleId)) continue;
      const day = localDay(r.profileId, e.occurredAt) + 1;
      const returned = day > localDay(r.profileId, end) ? NaN : activeDays.get(r.profileId)!.has(day) ? 1 : 0;
      const known = found.get(e.titleId);
      found.set(e.titleId, {
        finished: (known?.finished ?? false) || e.progress >= FINISHED_PROGRESS,
        returned,
        firstAt: known?.firstAt ?? e.occurredAt,
        device: known?.device ?? e.device,
      });
    }
    return found;
  };
}

/** The viewer's wall clock at `at`, in the account's time zone, as a client would send it. */
function localTime(req: HomepageRequest, at: number): string {
  return wallClock(at, req.account.timeZone).toISOString().slice(0, 19);
}

function groupImpressions(impressions: readonly ImpressionEvent[], windowStart: number): RowRequest[] {
  const byRequest = new Map<string, RowRequest>();
  for (const e of impressions) {
    if (e.occurredAt < windowStart) continue;
    const key = `${e.profileId}|${e.requestId}`;
    const r = byRequest.get(key);
    if (r) r.titleIds.push(e.titleId);
    else byRequest.set(key, { key, profileId: e.profileId, at: e.occurredAt, device: e.device, titleIds: [e.titleId] });
  }
  return [...byRequest.values()].sort((a, b) => a.at - b.at || (a.key < b.key ? -1 : 1));
}

/** At most `max` requests, a seeded uniform sample kept in time order. */
export function sample(requests: RowRequest[], max: number, seed: number | string): RowRequest[] {
  if (requests.length <= max) return requests;
  const rng = new Rng(`ranker-requests:${seed}`);
  const order = requests.map((_, k) => k);
  for (let k = order.length - 1; k > 0; k--) {
    const j = rng.int(0, k);
    [order[k], order[j]] = [order[j], order[k]];
  }
  const keep = new Set(order.slice(0, max));
  return requests.filter((_, k) => keep.has(k));
}

interface Part {
  rows: Float32Array;
  labels: Record<Head, number[]>;
  at: number;
  profileId: string;
  titleIds: string[];
}

function concat(parts: Part[], requests: number, logged: boolean): RankerRows {
  const n = parts.reduce((s, x) => s + x.labels.click.length, 0);
  const rows = new Float32Array(n * FEATURE_COUNT);
  const labels = Object.fromEntries(HEADS.map((h) => [h, new Float32Array(n)])) as Record<Head, Float32Array>;
  const at = new Float64Array(n);
  let offset = 0;
  for (const x of parts) {
    rows.set(x.rows, offset * FEATURE_COUNT);
    for (const h of HEADS) labels[h].set(x.labels[h], offset);
    at.fill(x.at, offset, offset + x.labels.click.length);
    offset += x.labels.click.length;
  }
  return {
    rows,
    n,
    labels,
    at,
    requests,
    logged: new Uint8Array(n).fill(logged ? 1 : 0),
    profileIds: parts.flatMap((x) => x.titleIds.map(() => x.profileId)),
    titleIds: parts.flatMap((x) => x.titleIds),
  };
}
