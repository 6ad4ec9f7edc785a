import { COMPLETED_PROGRESS, type Title } from '../../../graph/types';
import type { ViewingContext } from '../../homepage/viewing-context';
import { CANDIDATE_SOURCES, type Candidate, type CandidateSource } from '../../retrieval/candidates';
import { FEATURE_COUNT, FEATURE_INDEX } from './feature-spec';
import type { Exposure } from './exposure-history';
import type { ProfileFeatures } from './profile-features';
import type { TitleStatFeatures } from './title-stats';

const DAY_MS = 86_400_000;
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

/** Mean and spread of `score` over the candidates some source proposed (titles added without one are left out). */
export function requestStats(candidates: readonly Candidate[], score: (titleId: string) => number | null): { mean: number; std: number } {
  const values = candidates.filter((c) => c.sources.size > 0).map((c) => score(c.title.id)).filter((v): v is number => v !== null);
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
  titles.forEach((t, i) => {
    const row = rows.subarray(i * FEATURE_COUNT, (i + 1) * FEATURE_COUNT);
    const set = (name: string, v: number) => {
      row[FEATURE_INDEX.get(name)!] = v;
    };
    set('ctx_tv', ctx.device === 'TV' ? 1 : 0);
    set('ctx_phone', ctx.device === 'PHONE' ? 1 : 0);
    set('ctx_tablet', ctx.device === 'TABLET' ? 1 : 0);
    set('ctx_web', ctx.device === 'WEB' ? 1 : 0);
    set('ctx_hour_sin', Math.sin(hour));
    set('ctx_hour_cos', Math.cos(hour));
    set('ctx_weekday_sin', Math.sin(weekday));
    set('ctx_weekday_cos', Math.cos(weekday));
    set('ctx_session_minutes_log', log1p(ctx.sessionSeconds / 60));

    set('profile_titles_log', log1p(p.titles));
    set('profile_active_7d_log', log1p(p.active7d));
    set('profile_active_30d_log', log1p(p.active30d));
    set('profile_completion_rate', p.completionRate);
    set('profile_days_since_last_log', log1p(p.daysSinceLast));
    set('profile_movie_share', p.movieShare);
    set('profile_is_kids', inputs.isKids ? 1 : 0);

    const s = inputs.titleStats(t.id);
    set('title_popularity_log', log1p(s.popularity));
    set('title_trend', s.trend);
    set('title_finish_rate', s.finishRate);
    set('title_play_rate', s.playRate);
    set('title_days_since_release_log', log1p(Math.max(0, new Date(ctx.now).getUTCFullYear() - t.releaseYear) * 365));
    set('title_days_since_added_log', log1p(Math.max(0, ctx.now - t.addedAt) / DAY_MS));
    set('title_critic', (t.criticScore ?? 50) / 100);
    set('title_has_critic', t.criticScore === null ? 0 : 1);
    set('title_runtime_log', log1p(t.runtimeMinutes));
    set('title_is_movie', t.kind === 'MOVIE' ? 1 : 0);

    const als = inputs.alsScore(t.id);
    set('cross_als_score', als ?? 0);
    // Within the request: a profile's scores share a scale only with each other.
    set('cross_als_score_in_request', als === null ? 0 : (als - inputs.alsInRequest.mean) / inputs.alsInRequest.std);
    set('cross_has_vector', als === null ? 0 : 1);
    set('cross_content_similarity', inputs.contentSimilarity(t.id));
    set('cross_genre_affinity', sumOver(t.genres, p.genres));
    set('cross_genre_affinity_recent', sumOver(t.genres, p.recentGenres));
    set('cross_country_affinity', p.countries.get(t.country) ?? 0);
    set('cross_language_affinity', p.languages.get(t.language) ?? 0);
    set('cross_kind_affinity', t.kind === 'MOVIE' ? p.movieShare : 1 - p.movieShare);
    set('cross_runtime_on_phone', ctx.device === 'PHONE' ? log1p(t.runtimeMinutes) : 0);
    set('cross_runtime_on_tv', ctx.device === 'TV' ? log1p(t.runtimeMinutes) : 0);
    const w = p.watched.get(t.id);
    set('cross_in_progress', w && w.progress < COMPLETED_PROGRESS ? w.progress : 0);
    set('cross_plays_log', log1p(w?.plays ?? 0));
    set('cross_days_since_watched_log', log1p(w ? Math.max(0, ctx.now - w.lastAt) / DAY_MS : 365));
    const shown = inputs.exposure(t.id);
    set('cross_times_shown_log', log1p(shown.shown));
    set('cross_days_since_shown', shown.daysSinceShown);

    const ranks = inputs.ranks.get(t.id);
    for (const source of CANDIDATE_SOURCES) {
      const rank = ranks?.get(source);
      const name = `source_${source.toLowerCase()}`;
      set(name, rank === undefined ? 0 : 1);
      set(`${name}_rank`, rank === undefined ? 0 : 1 - log1p(rank) / log1p(300));
    }
  });
  return rows;
}

function sumOver(keys: readonly string[], shares: ReadonlyMap<string, number>): number {
  let s = 0;
  for (const k of keys) s += shares.get(k) ?? 0;
  return Math.min(1, s);
}
