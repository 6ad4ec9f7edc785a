import { createHash } from 'node:crypto';
import { CANDIDATE_SOURCES } from '../../pipeline/candidates';

/**
 * The ranker's input columns, in order. Training and serving both fill rows through
 * `assembleRows` (feature-rows.ts), so a name here is one meaning everywhere.
 */
export const FEATURE_NAMES = [
  // Viewing context.
  'ctx_tv',
  'ctx_phone',
  'ctx_tablet',
  'ctx_web',
  'ctx_hour_sin',
  'ctx_hour_cos',
  'ctx_weekday_sin',
  'ctx_weekday_cos',
  'ctx_session_minutes_log',
  // The profile, from its watch state.
  'profile_titles_log',
  'profile_active_7d_log',
  'profile_active_30d_log',
  'profile_completion_rate',
  'profile_days_since_last_log',
  'profile_movie_share',
  'profile_is_kids',
  // The title, from the catalog and the play/impression counts of the last weeks.
  'title_popularity_log',
  'title_trend',
  'title_finish_rate',
  'title_play_rate',
  'title_days_since_release_log',
  'title_days_since_added_log',
  'title_critic',
  'title_has_critic',
  'title_runtime_log',
  'title_is_movie',
  // The profile and the title together.
  'cross_als_score',
  'cross_als_score_in_request',
  'cross_has_vector',
  'cross_item_score',
  'cross_item_score_in_request',
  'cross_content_similarity',
  'cross_genre_affinity',
  'cross_genre_affinity_recent',
  'cross_country_affinity',
  'cross_language_affinity',
  'cross_kind_affinity',
  'cross_runtime_on_phone',
  'cross_runtime_on_tv',
  'cross_in_progress',
  'cross_plays_log',
  'cross_days_since_watched_log',
  'cross_times_shown_log',
  'cross_days_since_shown',
  // Which sources proposed the title, and how high (1 at the top, 0 when absent).
  ...CANDIDATE_SOURCES.flatMap((s) => [`source_${s.toLowerCase()}`, `source_${s.toLowerCase()}_rank`]),
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];
export const FEATURE_COUNT = FEATURE_NAMES.length;
export const FEATURE_INDEX = new Map<string, number>(FEATURE_NAMES.map((n, i) => [n, i]));

/** Normalised values are clipped here: one extreme title must not saturate the network. */
const CLIP = 5;

/**
 * What the bundle stores beside ranker.onnx: the columns and how each is standardised. The
 * version is a hash of all of it, so a model is never fed rows of another layout.
 */
export interface FeatureSpec {
  version: string;
  names: string[];
  mean: number[];
  std: number[];
}

/** Standardisation fitted on training rows; a constant column (std 0) becomes 0. */
export function fitFeatureSpec(rows: Float32Array, n: number): FeatureSpec {
  const d = FEATURE_COUNT;
  const mean = new Float64Array(d);
  const sq = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += rows[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= Math.max(1, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sq[j] += (rows[i * d + j] - mean[j]) ** 2;
  const std = [...sq].map((s) => {
    const v = Math.sqrt(s / Math.max(1, n));
    return v > 1e-6 ? v : 1;
  });
  return withVersion({ names: [...FEATURE_NAMES], mean: [...mean], std });
}

function withVersion(s: Omit<FeatureSpec, 'version'>): FeatureSpec {
  return { version: createHash('sha256').update(JSON.stringify(s)).digest('hex').slice(0, 12), ...s };
}

/** Checks a spec read from a bundle against the columns this code fills. */
export function checkFeatureSpec(spec: FeatureSpec): FeatureSpec {
  const same = spec.names.length === FEATURE_COUNT && spec.names.every((n, i) => n === FEATURE_NAMES[i]);
  if (!same)
    throw new Error(
      `feature spec ${spec.version} lists other columns than this server fills (${spec.names.length} vs ${FEATURE_COUNT}); retrain the bundle`,
    );
  if (spec.mean.length !== FEATURE_COUNT || spec.std.length !== FEATURE_COUNT) throw new Error(`feature spec ${spec.version} is damaged`);
  if (withVersion({ names: spec.names, mean: spec.mean, std: spec.std }).version !== spec.version)
    throw new Error(`feature spec ${spec.version} does not match its content`);
  return spec;
}

/** Standardises raw rows into a new array, as the model was trained. */
export function normaliseRows(spec: FeatureSpec, raw: Float32Array, n: number): Float32Array {
  const d = FEATURE_COUNT;
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const z = (raw[i * d + j] - spec.mean[j]) / spec.std[j];
      out[i * d + j] = z > CLIP ? CLIP : z < -CLIP ? -CLIP : z;
    }
  }
  return out;
}
