import { COMPLETED_PROGRESS, type Title } from '../../domain/types';
import type { ViewingContext } from '../../pipeline/viewing-context';
import { CANDIDATE_SOURCES, type Candidate } from '../../pipeline/candidates';
import { FEATURE_COUNT, FEATURE_INDEX, FEATURE_NAMES, type FeatureName } from './feature-spec';
import type { Exposure } from '../../pipeline/stages';
import type { ProfileFeatures } from './profile-features';
import type { TitleStatFeatures } from './title-stats';
import { DAY_MS } from '../../shared/time';

const TAU = 2 * Math.PI;

/** Everything the row of one (request, candidate) pair is computed from. */
export interface RowInputs {
  context: ViewingContext;
  isKids: boolean;
  profile: ProfileFeatures;
  /** Per candidate: its title's statistics, ALS inner product (null without vectors) and content similarity. */
  titleStats: (titleId: string) => TitleStatFeatures;
  alsScore: (titleId: string) => number | null;
  /** Mean and standard deviation of the ALS scores of the request's candidates (those with a source). */
  alsInRequest: { mean: number; std: number };
  contentSimilarity: (titleId: string) => number;
  /** Per candidate: the item→item model's score for the profile's history (0 when it does not link them). */
  itemScore: (titleId: string) => number;
  itemInRequest: { mean: number; std: number };
  exposure: (titleId: string) => Exposure;
  /** Per candidate, its 0-based rank among the request's candidates by each source's score (CANDIDATE_SOURCES order; -1: not proposed by it). */
  ranks: Map<string, Int32Array>;
}

/** Each source's ranking of the request's candidates, by its own score (ties by id). */
export function sourceRanks(candidates: readonly Candidate[]): Map<string, Int32Array> {
  const n = candidates.length;
  const width = CANDIDATE_SOURCES.length;
  // One buffer for every candidate's ranks, and indexes sorted rather than objects: this runs for every page.
  const all = new Int32Array(n * width).fill(-1);
  const ids = candidates.map((c) => c.title.id);
  const ranks = new Map<string, Int32Array>(ids.map((id, i) => [id, all.subarray(i * width, (i + 1) * width)]));
  const scores = new Float64Array(n);
  const byScore = (a: number, b: number) => (scores[a] > scores[b] ? -1 : scores[a] < scores[b] ? 1 : ids[a] < ids[b] ? -1 : 1);
  const order: number[] = [];
  CANDIDATE_SOURCES.forEach((source, s) => {
    order.length = 0;
    for (let i = 0; i < n; i++) {
      const score = candidates[i].sources.get(source);
      if (score === undefined) continue;
      scores[i] = score;
      order.push(i);
    }
    order.sort(byScore);
    for (let rank = 0; rank < order.length; rank++) ranks.get(ids[order[rank]])![s] = rank;
  });
  return ranks;
}

const log1p = Math.log1p;

/** Column of each feature, looked up once: rows are filled for ~400 candidates per request. */
const C = Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, i])) as Record<FeatureName, number>;
const SOURCE_COLUMNS = CANDIDATE_SOURCES.map((source) => ({
  flag: FEATURE_INDEX.get(`source_${source.toLowerCase()}`)!,
  rankColumn: FEATURE_INDEX.get(`source_${source.toLowerCase()}_rank`)!,
}));
const LOG_301 = log1p(300);

/** Mean and spread of `score` over the candidates some source proposed (titles added without one are left out). */
export function requestStats(candidates: readonly Candidate[], score: (titleId: string) => number | null): { mean: number; std: number } {
  const values = new Float64Array(candidates.length);
  let count = 0;
  let sum = 0;
  for (const c of candidates) {
    if (c.sources.size === 0) continue;
    const v = score(c.title.id);
    if (v === null) continue;
    values[count++] = v;
    sum += v;
  }
  if (count === 0) return { mean: 0, std: 1 };
  const mean = sum / count;
  let squares = 0;
  for (let i = 0; i < count; i++) squares += (values[i] - mean) ** 2;
  const std = Math.sqrt(squares / count);
  return { mean, std: std > 1e-9 ? std : 1 };
}

/**
 * The raw (unstandardised) feature rows of `titles`, one per title, FEATURE_NAMES order. A pure
 * function: the training replay and the serving ranker both call it.
 */
export function assembleRows(inputs: RowInputs, titles: readonly Title[]): Float32Array {
  const rows = new Float32Array(titles.length * FEATURE_COUNT);
  const { context: ctx, profile: p } = inputs;
  const year = new Date(ctx.now).getUTCFullYear();
  const request = requestColumns(inputs);
  // Written by column index into one array (no view or call per value): this runs for every candidate of every page.
  for (let i = 0, o = 0; i < titles.length; i++, o += FEATURE_COUNT) {
    const t = titles[i];
    rows.set(request, o);
    const s = inputs.titleStats(t.id);
    rows[o + C.title_popularity_log] = log1p(s.popularity);
    rows[o + C.title_trend] = s.trend;
    rows[o + C.title_finish_rate] = s.finishRate;
    rows[o + C.title_play_rate] = s.playRate;
    rows[o + C.title_days_since_release_log] = log1p(Math.max(0, year - t.releaseYear) * 365);
    rows[o + C.title_days_since_added_log] = log1p(Math.max(0, ctx.now - t.addedAt) / DAY_MS);
    rows[o + C.title_critic] = (t.criticScore ?? 50) / 100;
    rows[o + C.title_has_critic] = t.criticScore === null ? 0 : 1;
    rows[o + C.title_runtime_log] = log1p(t.runtimeMinutes);
    rows[o + C.title_is_movie] = t.kind === 'MOVIE' ? 1 : 0;

    const als = inputs.alsScore(t.id);
    rows[o + C.cross_als_score] = als ?? 0;
    // Within the request: a profile's scores share a scale only with each other.
    rows[o + C.cross_als_score_in_request] = als === null ? 0 : (als - inputs.alsInRequest.mean) / inputs.alsInRequest.std;
    rows[o + C.cross_has_vector] = als === null ? 0 : 1;
    const item = inputs.itemScore(t.id);
    rows[o + C.cross_item_score] = item;
    rows[o + C.cross_item_score_in_request] = (item - inputs.itemInRequest.mean) / inputs.itemInRequest.std;
    rows[o + C.cross_content_similarity] = inputs.contentSimilarity(t.id);
    rows[o + C.cross_genre_affinity] = sumOver(t.genres, p.genres);
    rows[o + C.cross_genre_affinity_recent] = sumOver(t.genres, p.recentGenres);
    rows[o + C.cross_country_affinity] = p.countries.get(t.country) ?? 0;
    rows[o + C.cross_language_affinity] = p.languages.get(t.language) ?? 0;
    rows[o + C.cross_kind_affinity] = t.kind === 'MOVIE' ? p.movieShare : 1 - p.movieShare;
    rows[o + C.cross_runtime_on_phone] = ctx.device === 'PHONE' ? log1p(t.runtimeMinutes) : 0;
    rows[o + C.cross_runtime_on_tv] = ctx.device === 'TV' ? log1p(t.runtimeMinutes) : 0;
    const w = p.watched.get(t.id);
    rows[o + C.cross_in_progress] = w && w.progress < COMPLETED_PROGRESS ? w.progress : 0;
    rows[o + C.cross_plays_log] = log1p(w?.plays ?? 0);
    rows[o + C.cross_days_since_watched_log] = log1p(w ? Math.max(0, ctx.now - w.lastAt) / DAY_MS : 365);
    const shown = inputs.exposure(t.id);
    rows[o + C.cross_times_shown_log] = log1p(shown.shown);
    rows[o + C.cross_days_since_shown] = shown.daysSinceShown;

    const ranks = inputs.ranks.get(t.id);
    for (let source = 0; source < SOURCE_COLUMNS.length; source++) {
      const { flag, rankColumn } = SOURCE_COLUMNS[source];
      const rank = ranks ? ranks[source] : -1;
      rows[o + flag] = rank < 0 ? 0 : 1;
      rows[o + rankColumn] = rank < 0 ? 0 : 1 - log1p(rank) / LOG_301;
    }
  }
  return rows;
}

/** The columns that are the same for every title of a request (its context and profile); the others 0. */
function requestColumns({ context: ctx, profile: p, isKids }: RowInputs): Float32Array {
  const row = new Float32Array(FEATURE_COUNT);
  const hour = TAU * (ctx.localHour / 24);
  const weekday = TAU * (ctx.localWeekday / 7);
  row[C.ctx_tv] = ctx.device === 'TV' ? 1 : 0;
  row[C.ctx_phone] = ctx.device === 'PHONE' ? 1 : 0;
  row[C.ctx_tablet] = ctx.device === 'TABLET' ? 1 : 0;
  row[C.ctx_web] = ctx.device === 'WEB' ? 1 : 0;
  row[C.ctx_hour_sin] = Math.sin(hour);
  row[C.ctx_hour_cos] = Math.cos(hour);
  row[C.ctx_weekday_sin] = Math.sin(weekday);
  row[C.ctx_weekday_cos] = Math.cos(weekday);
  row[C.ctx_session_minutes_log] = log1p(ctx.sessionSeconds / 60);
  row[C.profile_titles_log] = log1p(p.titles);
  row[C.profile_active_7d_log] = log1p(p.active7d);
  row[C.profile_active_30d_log] = log1p(p.active30d);
  row[C.profile_completion_rate] = p.completionRate;
  row[C.profile_days_since_last_log] = log1p(p.daysSinceLast);
  row[C.profile_movie_share] = p.movieShare;
  row[C.profile_is_kids] = isKids ? 1 : 0;
  return row;
}

function sumOver(keys: readonly string[], shares: ReadonlyMap<string, number>): number {
  let s = 0;
  for (const k of keys) s += shares.get(k) ?? 0;
  return Math.min(1, s);
}
