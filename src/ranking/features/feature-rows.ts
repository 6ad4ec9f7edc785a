import { COMPLETED_PROGRESS, type Title } from '../../domain/types';
import type { ViewingContext } from '../../pipeline/viewing-context';
import { CANDIDATE_SOURCES, type Candidate, type CandidateSource } from '../../pipeline/candidates';
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
  /** Per candidate and source, its 0-based rank among the request's candidates by that source's score. */
  ranks: Map<string, Map<CandidateSource, number>>;
}

/** Each source's ranking of the request's candidates, by its own score (ties by id). */
export function sourceRanks(candidates: readonly Candidate[]): Map<string, Map<CandidateSource, number>> {
  const ranks = new Map<string, Map<CandidateSource, number>>(candidates.map((c) => [c.title.id, new Map()]));
  for (const source of CANDIDATE_SOURCES) {
    candidates
      .filter((c) => c.sources.has(source))
      .sort((a, b) => b.sources.get(source)! - a.sources.get(source)! || (a.title.id < b.title.id ? -1 : 1))
      .forEach((c, rank) => ranks.get(c.title.id)!.set(source, rank));
  }
  return ranks;
}

const log1p = Math.log1p;

/** Column of each feature, looked up once: rows are filled for 300 candidates per request. */
const COLUMN = Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, i])) as Record<FeatureName, number>;
const SOURCE_COLUMNS = CANDIDATE_SOURCES.map((source) => ({
  source,
  flag: FEATURE_INDEX.get(`source_${source.toLowerCase()}`)!,
  rankColumn: FEATURE_INDEX.get(`source_${source.toLowerCase()}_rank`)!,
}));

function put(row: Float32Array, name: FeatureName, value: number): void {
  row[COLUMN[name]] = value;
}

/** Mean and spread of `score` over the candidates some source proposed (titles added without one are left out). */
export function requestStats(candidates: readonly Candidate[], score: (titleId: string) => number | null): { mean: number; std: number } {
  const values = candidates
    .filter((c) => c.sources.size > 0)
    .map((c) => score(c.title.id))
    .filter((v): v is number => v !== null);
  if (values.length === 0) return { mean: 0, std: 1 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return { mean, std: std > 1e-9 ? std : 1 };
}

/**
 * The raw (unstandardised) feature rows of `titles`, one per title, FEATURE_NAMES order. A pure
 * function: the training replay and the serving ranker both call it.
 */
export function assembleRows(inputs: RowInputs, titles: readonly Title[]): Float32Array {
  const rows = new Float32Array(titles.length * FEATURE_COUNT);
  const { context: ctx, profile: p } = inputs;
  const hour = TAU * (ctx.localHour / 24);
  const weekday = TAU * (ctx.localWeekday / 7);
  const year = new Date(ctx.now).getUTCFullYear();
  titles.forEach((t, i) => {
    const row = rows.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT);
    put(row, 'ctx_tv', ctx.device === 'TV' ? 1 : 0);
    put(row, 'ctx_phone', ctx.device === 'PHONE' ? 1 : 0);
    put(row, 'ctx_tablet', ctx.device === 'TABLET' ? 1 : 0);
    put(row, 'ctx_web', ctx.device === 'WEB' ? 1 : 0);
    put(row, 'ctx_hour_sin', Math.sin(hour));
    put(row, 'ctx_hour_cos', Math.cos(hour));
    put(row, 'ctx_weekday_sin', Math.sin(weekday));
    put(row, 'ctx_weekday_cos', Math.cos(weekday));
    put(row, 'ctx_session_minutes_log', log1p(ctx.sessionSeconds / 60));

    put(row, 'profile_titles_log', log1p(p.titles));
    put(row, 'profile_active_7d_log', log1p(p.active7d));
    put(row, 'profile_active_30d_log', log1p(p.active30d));
    put(row, 'profile_completion_rate', p.completionRate);
    put(row, 'profile_days_since_last_log', log1p(p.daysSinceLast));
    put(row, 'profile_movie_share', p.movieShare);
    put(row, 'profile_is_kids', inputs.isKids ? 1 : 0);

    const s = inputs.titleStats(t.id);
    put(row, 'title_popularity_log', log1p(s.popularity));
    put(row, 'title_trend', s.trend);
    put(row, 'title_finish_rate', s.finishRate);
    put(row, 'title_play_rate', s.playRate);
    put(row, 'title_days_since_release_log', log1p(Math.max(0, year - t.releaseYear) * 365));
    put(row, 'title_days_since_added_log', log1p(Math.max(0, ctx.now - t.addedAt) / DAY_MS));
    put(row, 'title_critic', (t.criticScore ?? 50) / 100);
    put(row, 'title_has_critic', t.criticScore === null ? 0 : 1);
    put(row, 'title_runtime_log', log1p(t.runtimeMinutes));
    put(row, 'title_is_movie', t.kind === 'MOVIE' ? 1 : 0);

    const als = inputs.alsScore(t.id);
    put(row, 'cross_als_score', als ?? 0);
    // Within the request: a profile's scores share a scale only with each other.
    put(row, 'cross_als_score_in_request', als === null ? 0 : (als - inputs.alsInRequest.mean) / inputs.alsInRequest.std);
    put(row, 'cross_has_vector', als === null ? 0 : 1);
    const item = inputs.itemScore(t.id);
    put(row, 'cross_item_score', item);
    put(row, 'cross_item_score_in_request', (item - inputs.itemInRequest.mean) / inputs.itemInRequest.std);
    put(row, 'cross_content_similarity', inputs.contentSimilarity(t.id));
    put(row, 'cross_genre_affinity', sumOver(t.genres, p.genres));
    put(row, 'cross_genre_affinity_recent', sumOver(t.genres, p.recentGenres));
    put(row, 'cross_country_affinity', p.countries.get(t.country) ?? 0);
    put(row, 'cross_language_affinity', p.languages.get(t.language) ?? 0);
    put(row, 'cross_kind_affinity', t.kind === 'MOVIE' ? p.movieShare : 1 - p.movieShare);
    put(row, 'cross_runtime_on_phone', ctx.device === 'PHONE' ? log1p(t.runtimeMinutes) : 0);
    put(row, 'cross_runtime_on_tv', ctx.device === 'TV' ? log1p(t.runtimeMinutes) : 0);
    const w = p.watched.get(t.id);
    put(row, 'cross_in_progress', w && w.progress < COMPLETED_PROGRESS ? w.progress : 0);
    put(row, 'cross_plays_log', log1p(w?.plays ?? 0));
    put(row, 'cross_days_since_watched_log', log1p(w ? Math.max(0, ctx.now - w.lastAt) / DAY_MS : 365));
    const shown = inputs.exposure(t.id);
    put(row, 'cross_times_shown_log', log1p(shown.shown));
    put(row, 'cross_days_since_shown', shown.daysSinceShown);

    const ranks = inputs.ranks.get(t.id);
    for (const { source, flag, rankColumn } of SOURCE_COLUMNS) {
      const rank = ranks?.get(source);
      row[flag] = rank === undefined ? 0 : 1;
      row[rankColumn] = rank === undefined ? 0 : 1 - log1p(rank) / log1p(300);
    }
  });
  return rows;
}

function sumOver(keys: readonly string[], shares: ReadonlyMap<string, number>): number {
  let s = 0;
  for (const k of keys) s += shares.get(k) ?? 0;
  return Math.min(1, s);
}
