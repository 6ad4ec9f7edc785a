import { FINISHED_PROGRESS, type Account, type Device, type ImpressionEvent, type PlaybackEvent, type Profile, type Title, type WatchState } from '../../graph/types';
import { applyToWatchState } from '../../graph/watch-state';
import { CatalogIndex } from '../catalog/catalog-index';
import { profileSignals } from '../homepage/profile-signals';
import { resolveContext } from '../homepage/viewing-context';
import type { Candidate, HomepageRequest } from '../retrieval/candidates';
import { PlayCounters } from '../retrieval/play-counters';
import { candidateGenerator } from '../retrieval/retrieval-plan';
import { Rng } from '../world/random';
import { FEATURE_COUNT } from './features/feature-spec';
import { FeatureStore, type FeatureModels } from './features/feature-store';
import { TITLE_STATS_LOOKBACK_MS } from './features/title-stats';
import { HEADS, type Head } from './multitask-model';

const DAY_MS = 86_400_000;
/** A play of a shown title within this long after the impression counts as its click. */
const CLICK_WINDOW_MS = 3_600_000;

/** Everything the replay reads: a dataset's catalog, viewers and events. */
export interface ReplayData {
  titles: readonly Title[];
  accounts: readonly Account[];
  profiles: readonly Profile[];
  playbacks: readonly PlaybackEvent[];
  impressions: readonly ImpressionEvent[];
}

export interface ReplayOptions {
  /** Rows are built for requests at or after this moment; earlier events only build state. */
  windowStart: number;
  /** Retrieval as it was at windowStart (ALS trained on earlier events) and the similarity graph. */
  models: FeatureModels;
  /** Requests beyond this many are sampled (deterministically) so training time stays bounded. */
  maxRequests: number;
  seed: number | string;
  /** Without impressions: negatives sampled per positive from the request's candidates. */
  negativesPerPositive?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Labelled rows: click given shown; finish ≥70% and return the next day given a click (NaN otherwise). */
export interface RankerRows {
  rows: Float32Array;
  n: number;
  labels: Record<Head, Float32Array>;
  /** Request time, profile and title of each row: a split by time, and the skew test's lookups. */
  at: Float64Array;
  profileIds: string[];
  titleIds: string[];
  requests: number;
  /** `impressions`: logged impressions and their outcomes; `sampled-negatives`: plays against sampled candidates. */
  mode: 'impressions' | 'sampled-negatives';
}

/** One homepage moment to build rows for, with what was shown (or, without logs, what was played). */
interface ReplayRequest {
  key: string;
  profileId: string;
  at: number;
  device: Device;
  titleIds: string[];
}

/**
 * Builds the ranker's training rows by replaying events in time order through the serving
 * code: watch states folded as the stores fold them, the feature store and trending counters
 * fed as the server feeds them, candidates from the server's retrieval plan, rows from
 * FeatureStore.rows. Each row sees only what happened before its request.
 */
export async function buildTrainingRows(data: ReplayData, o: ReplayOptions): Promise<RankerRows> {
  const playbacks = sortEvents(data.playbacks);
  const impressions = sortEvents(data.impressions);
  const profiles = new Map(data.profiles.map((p) => [p.id, p]));
  const accounts = new Map(data.accounts.map((a) => [a.id, a]));
  const accountOf = (profileId: string) => accounts.get(profiles.get(profileId)!.accountId)!;
  const localDay = (profileId: string, at: number) => Math.floor((at + accountOf(profileId).utcOffsetMinutes * 60_000) / DAY_MS);
  const lastDay = new Map<string, number>();
  const activeDays = new Map<string, Set<number>>();
  for (const e of [...playbacks, ...impressions]) {
    const day = localDay(e.profileId, e.occurredAt);
    (activeDays.get(e.profileId) ?? activeDays.set(e.profileId, new Set()).get(e.profileId)!).add(day);
  }
  const dataEnd = Math.max(playbacks.at(-1)?.occurredAt ?? 0, impressions.at(-1)?.occurredAt ?? 0);
  for (const id of profiles.keys()) lastDay.set(id, localDay(id, dataEnd));
  const playsOf = groupBy(playbacks, (e) => e.profileId);

  const mode = impressions.some((e) => e.occurredAt >= o.windowStart) ? 'impressions' : 'sampled-negatives';
  const requests = sample(mode === 'impressions' ? impressionRequests(impressions, o.windowStart) : playRequests(playbacks, o.windowStart, localDay), o.maxRequests, o.seed);

  const catalog = new CatalogIndex(data.titles, new Map());
  const features = new FeatureStore();
  const counters = new PlayCounters();
  const generator = candidateGenerator({ model: o.models.collaborative, neighbours: o.models.neighbours, counters });
  const watch = new Map<string, Map<string, WatchState>>();
  const rng = new Rng(`ranker-rows:${o.seed}`);
  let p = 0;
  let i = 0;
  const out: Part[] = [];

  for (const [k, r] of requests.entries()) {
    // Everything before the request, exactly as the server would have seen it.
    for (; p < playbacks.length && playbacks[p].occurredAt < r.at; p++) {
      const e = playbacks[p];
      const states = watch.get(e.profileId) ?? watch.set(e.profileId, new Map()).get(e.profileId)!;
      states.set(e.titleId, applyToWatchState(states.get(e.titleId), e));
      features.notePlaybacks([e]);
      const profile = profiles.get(e.profileId)!;
      counters.note(accountOf(e.profileId).country, profile.isKids, e.titleId, e.occurredAt);
    }
    for (; i < impressions.length && impressions[i].occurredAt < r.at; i++) {
      if (impressions[i].occurredAt >= r.at - TITLE_STATS_LOOKBACK_MS) features.noteImpressions([impressions[i]]);
    }
    const profile = profiles.get(r.profileId)!;
    const account = accountOf(r.profileId);
    // The stores' order (latest first, then title id): fold-ins sum in that order.
    const state = [...(watch.get(r.profileId)?.values() ?? [])].sort((a, b) => b.lastAt - a.lastAt || (a.titleId < b.titleId ? -1 : 1));
    const req: HomepageRequest = {
      profile, account, catalog, context: resolveContext({ device: r.device }, account, r.at),
      signals: profileSignals(state, (id) => catalog.get(id), r.at),
    };
    const candidates = await generator.generate(req);
    const outcome = outcomeOf(r, playsOf.get(r.profileId) ?? [], (at) => {
      const day = localDay(r.profileId, at) + 1;
      return day > lastDay.get(r.profileId)! ? NaN : activeDays.get(r.profileId)!.has(day) ? 1 : 0;
    });
    const chosen = mode === 'impressions'
      ? withShown(candidates, r.titleIds, catalog)
      : withSampledNegatives(candidates, r.titleIds, o.negativesPerPositive ?? 4, rng);
    if (chosen.titles.length === 0) continue;
    const rows = await features.rows(req, chosen.all, o.models, chosen.titles);
    const labels = { click: [] as number[], finish: [] as number[], ret: [] as number[] };
    for (const t of chosen.titles) {
      const o2 = outcome.get(t.id);
      labels.click.push(o2 ? 1 : 0);
      labels.finish.push(o2 ? (o2.finished ? 1 : 0) : NaN);
      labels.ret.push(o2 ? o2.returned : NaN);
    }
    out.push({ rows, labels, at: r.at, profileId: r.profileId, titleIds: chosen.titles.map((t) => t.id) });
    if ((k + 1) % 200 === 0 || k + 1 === requests.length) o.onProgress?.(k + 1, requests.length);
  }
  return concat(out, requests.length, mode);
}

/** What followed a request, per title played: finished ≥70%, and whether the profile came back the next day. */
function outcomeOf(r: ReplayRequest, plays: readonly PlaybackEvent[], returnedAfter: (at: number) => number) {
  const wanted = new Set(r.titleIds);
  const found = new Map<string, { finished: boolean; returned: number }>();
  for (const e of plays) {
    if (e.occurredAt < r.at || e.occurredAt > r.at + CLICK_WINDOW_MS || !wanted.has(e.titleId)) continue;
    const known = found.get(e.titleId);
    found.set(e.titleId, { finished: (known?.finished ?? false) || e.progress >= FINISHED_PROGRESS, returned: returnedAfter(e.occurredAt) });
  }
  return found;
}

/** Impressions mode: the shown titles, those the candidate stage did not propose added without sources. */
function withShown(candidates: Candidate[], shown: readonly string[], catalog: CatalogIndex) {
  const byId = new Map(candidates.map((c) => [c.title.id, c]));
  const extra = shown.filter((id) => !byId.has(id) && catalog.get(id)).map((id) => ({ title: catalog.get(id)!, sources: new Map() }));
  const all = [...candidates, ...extra];
  const titles = [...new Set(shown)].map((id) => byId.get(id)?.title ?? catalog.get(id)).filter((t): t is Title => t !== undefined);
  return { all, titles };
}

/**
 * Without impressions (MovieLens): the titles the profile went on to play that are among its
 * candidates are positives, and `perPositive` other candidates each are negatives. Plays the
 * candidate stage could not have proposed are left out: the ranker only ever orders candidates.
 */
function withSampledNegatives(candidates: Candidate[], played: readonly string[], perPositive: number, rng: Rng) {
  const positives = new Set(played);
  const hits = candidates.filter((c) => positives.has(c.title.id)).map((c) => c.title);
  const others = candidates.filter((c) => !positives.has(c.title.id));
  const negatives: Title[] = [];
  for (let k = 0; k < hits.length * perPositive && others.length > 0; k++) negatives.push(others.splice(rng.int(0, others.length - 1), 1)[0].title);
  return { all: candidates, titles: [...hits, ...negatives] };
}

function impressionRequests(impressions: readonly ImpressionEvent[], windowStart: number): ReplayRequest[] {
  const byRequest = new Map<string, ReplayRequest>();
  for (const e of impressions) {
    if (e.occurredAt < windowStart) continue;
    const key = `${e.profileId}|${e.requestId}`;
    const r = byRequest.get(key);
    if (r) r.titleIds.push(e.titleId);
    else byRequest.set(key, { key, profileId: e.profileId, at: e.occurredAt, device: e.device, titleIds: [e.titleId] });
  }
  return [...byRequest.values()].sort(byTime);
}

/** One request per profile and local day: the day's first play is the moment, the day's plays its positives. */
function playRequests(plays: readonly PlaybackEvent[], windowStart: number, localDay: (profileId: string, at: number) => number): ReplayRequest[] {
  const byDay = new Map<string, ReplayRequest>();
  for (const e of plays) {
    if (e.occurredAt < windowStart) continue;
    const key = `${e.profileId}|${localDay(e.profileId, e.occurredAt)}`;
    const r = byDay.get(key);
    if (r) r.titleIds.push(e.titleId);
    else byDay.set(key, { key, profileId: e.profileId, at: e.occurredAt, device: e.device, titleIds: [e.titleId] });
  }
  return [...byDay.values()].sort(byTime);
}

function byTime(a: ReplayRequest, b: ReplayRequest): number {
  return a.at - b.at || (a.key < b.key ? -1 : 1);
}

/** At most `max` requests, a seeded uniform sample kept in time order. */
function sample(requests: ReplayRequest[], max: number, seed: number | string): ReplayRequest[] {
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

function sortEvents<E extends { occurredAt: number; eventId: string }>(events: readonly E[]): E[] {
  return [...events].sort((a, b) => a.occurredAt - b.occurredAt || (a.eventId < b.eventId ? -1 : 1));
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of items) (m.get(key(t)) ?? m.set(key(t), []).get(key(t))!).push(t);
  return m;
}

interface Part {
  rows: Float32Array;
  labels: Record<Head, number[]>;
  at: number;
  profileId: string;
  titleIds: string[];
}

function concat(parts: Part[], requests: number, mode: RankerRows['mode']): RankerRows {
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
    rows, n, labels, at, requests, mode,
    profileIds: parts.flatMap((x) => x.titleIds.map(() => x.profileId)), titleIds: parts.flatMap((x) => x.titleIds),
  };
}
