import os from 'node:os';
import { z } from 'zod';
import type { StoreSettings } from '../../graph/open-store';
import { DEFAULT_NEO4J_TIMEOUT_MS } from '../../graph/neo4j/connect';
import { IMPORT_FORMATS, WORLD_SIZES } from '../domain/dataset';
import { DEFAULT_ALS } from '../retrieval/als';
import { DEFAULT_FEEDBACK } from '../retrieval/implicit-feedback';
import { DEFAULT_UTILITY, UtilityWeightsSchema } from '../pipeline/utility';
import { DEFAULT_EXPLORATION_SHARE } from '../rows/exploration';
import { DEFAULT_BANDIT_REFRESH_SECONDS } from '../artwork/artwork-stats-cache';
import { DEFAULT_RANKER_TRAINING, type BundleOptions } from '../models/bundle-options';
import { MIN_SECRET_LENGTH } from '../auth/secret';
import { DEFAULT_THRESHOLDS } from '../monitoring/anomaly-checks';
import { DEFAULT_MONITORING, type QualityMonitorSettings } from '../monitoring/quality-monitor';
import {
  DEFAULT_OPERATION_LIMITS,
  DEFAULT_RATE_LIMITS,
  PRINCIPAL_KINDS,
  type OperationLimits,
  type PrincipalKind,
} from '../auth/request-limits';

const port = z.coerce.number().int().min(0).max(65535);

/** A kind's operation limits: its defaults, with any of `depth=…,aliases=…,rootFields=…,cost=…` overridden. */
function operationLimitsSetting(defaults: OperationLimits) {
  const limit = z.coerce.number().int().min(1).max(10_000_000);
  return z
    .string()
    .regex(/^\s*\w+\s*=\s*\d+\s*(,\s*\w+\s*=\s*\d+\s*)*$/, 'must look like depth=10,aliases=30,rootFields=10,cost=5000')
    .transform((s) => Object.fromEntries(s.split(',').map((pair) => pair.split('=').map((part) => part.trim()))))
    .pipe(z.strictObject({ depth: limit, aliases: limit, rootFields: limit, cost: limit }).partial())
    .transform((overrides) => ({ ...defaults, ...overrides }))
    .default(defaults);
}

/** `RATE_LIMIT_<KIND>`: requests per minute one principal of the kind may make (anonymous: per address). */
const rateLimitSettings = Object.fromEntries(
  PRINCIPAL_KINDS.map((kind) => [
    `RATE_LIMIT_${kind.toUpperCase()}`,
    z.coerce.number().int().min(1).max(1_000_000).default(DEFAULT_RATE_LIMITS[kind]),
  ]),
) as Record<`RATE_LIMIT_${Uppercase<PrincipalKind>}`, z.ZodDefault<z.ZodCoercedNumber>>;

/** `QUERY_LIMITS_<KIND>`: overrides of one kind's operation limits, e.g. `depth=12,cost=8000`. */
const queryLimitSettings = Object.fromEntries(
  PRINCIPAL_KINDS.map((kind) => [`QUERY_LIMITS_${kind.toUpperCase()}`, operationLimitsSetting(DEFAULT_OPERATION_LIMITS[kind])]),
) as Record<`QUERY_LIMITS_${Uppercase<PrincipalKind>}`, ReturnType<typeof operationLimitsSetting>>;

/**
 * Every setting the process reads, from environment variables, validated once at start.
 * Names are part of the public contract (README configuration table).
 */
const ConfigSchema = z
  .object({
    PORT: port.default(4000),
    HOST: z.string().min(1).default('127.0.0.1'),
    DATA_DIR: z.string().min(1).default('./data'),
    STORE: z.enum(['embedded', 'neo4j']).default('embedded'),
    NEO4J_URI: z
      .string()
      .regex(/^(neo4j|bolt)(\+s|\+ssc)?:\/\/.+/, 'must be a neo4j:// or bolt:// URI')
      .optional(),
    NEO4J_USER: z.string().min(1).default('neo4j'),
    NEO4J_PASSWORD: z.string().optional(),
    NEO4J_DATABASE: z.string().min(1).optional(),
    NEO4J_CONNECT_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
    NEO4J_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(DEFAULT_NEO4J_TIMEOUT_MS),
    /** Where online state lives: this process alone (memory), or shared by every replica through Redis. */
    STATE: z.enum(['memory', 'redis']).default('memory'),
    /** Server processes behind one port (Node's cluster): a number, or `auto` for one per core. */
    WORKERS: z
      .union([z.literal('auto'), z.coerce.number().int().min(1).max(64)], { error: 'must be a number from 1 to 64, or auto' })
      .transform((w) => (w === 'auto' ? os.availableParallelism() : w))
      .default(1),
    TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\/.+/, 'must be a redis:// or rediss:// URL')
      .optional(),
    CATALOG_PATH: z.string().min(1).optional(),
    CATALOG_FORMAT: z.enum(IMPORT_FORMATS).default('netflix-titles'),
    AVAILABILITY_PATH: z.string().min(1).optional(),
    WORLD_SIZE: z.enum(WORLD_SIZES).default('default'),
    WORLD_SEED: z.coerce
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(7),
    ALS_FACTORS: z.coerce.number().int().min(2).max(512).default(DEFAULT_ALS.factors),
    ALS_REGULARIZATION: z.coerce.number().positive().default(DEFAULT_ALS.regularization),
    ALS_ALPHA: z.coerce.number().positive().default(DEFAULT_ALS.alpha),
    ALS_REGULARIZATION_EXPONENT: z.coerce
      .number()
      .min(0)
      .max(2)
      .default(DEFAULT_ALS.regularizationExponent ?? 0),
    ALS_ITERATIONS: z.coerce.number().int().min(1).max(200).default(DEFAULT_ALS.iterations),
    FEEDBACK_HALF_LIFE_DAYS: z.coerce.number().positive().default(DEFAULT_FEEDBACK.halfLifeDays),
    RANKER_MAX_REQUESTS: z.coerce.number().int().min(100).max(1_000_000).default(DEFAULT_RANKER_TRAINING.maxRequests),
    UTILITY_WEIGHTS: z
      .string()
      .regex(/^\s*[\d.]+\s*,\s*[\d.]+\s*,\s*[\d.]+\s*$/, 'must be three numbers "click,finish,return", e.g. 1,1,0.5')
      .transform((s) => {
        const [click, finish, ret] = s.split(',').map(Number);
        return { click, finish, ret };
      })
      .pipe(UtilityWeightsSchema)
      .default(DEFAULT_UTILITY),
    MODEL_POLL_SECONDS: z.coerce.number().min(0).max(86_400).default(30),
    HOMEPAGE_CACHE_SECONDS: z.coerce.number().min(0).max(3600).default(60),
    EXPLORATION_SHARE: z.coerce.number().min(0).max(0.5).default(DEFAULT_EXPLORATION_SHARE),
    BANDIT_REFRESH_SECONDS: z.coerce.number().min(1).max(3600).default(DEFAULT_BANDIT_REFRESH_SECONDS),
    EXPERIMENT_REFRESH_SECONDS: z.coerce.number().min(0.1).max(3600).default(5),
    AUTH_SECRET: z.string().min(MIN_SECRET_LENGTH, `must be at least ${MIN_SECRET_LENGTH} characters`).optional(),
    ALLOW_ANONYMOUS_CATALOG: z.stringbool({ error: 'must be true or false' }).default(false),
    REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
    ...rateLimitSettings,
    ...queryLimitSettings,
    CORS_ORIGINS: z
      .string()
      .transform((s) =>
        s
          .split(',')
          .map((o) => o.trim())
          .filter((o) => o.length > 0),
      )
      .pipe(z.array(z.union([z.literal('*'), z.url({ protocol: /^https?$/, error: 'must be http(s) origins, comma-separated, or *' })])))
      .default([]),
    INTROSPECTION: z.stringbool({ error: 'must be true or false' }).default(true),
    /** When set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`. */
    METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
    MONITOR_WINDOW_HOURS: z.coerce.number().int().min(1).max(48).default(DEFAULT_MONITORING.windowHours),
    MONITOR_BASELINE_HOURS: z.coerce.number().int().min(1).max(336).default(DEFAULT_MONITORING.baselineHours),
    MONITOR_TAKE_RATE_DROP: z.coerce.number().gt(0).lt(1).default(DEFAULT_THRESHOLDS.takeRateDrop),
    MONITOR_CALIBRATION_DRIFT: z.coerce.number().gt(0).max(10).default(DEFAULT_THRESHOLDS.calibrationDrift),
    MONITOR_MIN_IMPRESSIONS: z.coerce.number().int().min(1).max(10_000_000).default(DEFAULT_THRESHOLDS.minImpressions),
    /** How long SIGTERM waits for requests in flight before closing their connections. */
    SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
    GRAPHQL_EXECUTION: z.enum(['compiled', 'generic']).default('compiled'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .superRefine((c, ctx) => {
    if (c.STORE === 'neo4j' && !c.NEO4J_URI) {
      ctx.addIssue({ code: 'custom', path: ['NEO4J_URI'], message: 'is required when STORE=neo4j' });
    }
    if (c.WORKERS > 1 && c.STORE === 'neo4j' && c.STATE !== 'redis') {
      // Workers on Neo4j share online state through Redis.
      ctx.addIssue({ code: 'custom', path: ['WORKERS'], message: 'above 1 on STORE=neo4j needs STATE=redis (workers share online state)' });
    }
    if (c.WORKERS > 1 && c.STORE === 'embedded' && c.STATE !== 'memory') {
      // On the embedded store the primary carries the store's records and the changes of online state, in one order; Redis would race it.
      ctx.addIssue({
        code: 'custom',
        path: ['WORKERS'],
        message: 'above 1 on the embedded store needs STATE=memory (the primary shares the store and online state)',
      });
    }
    if (c.STATE === 'redis' && !c.REDIS_URL) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'is required when STATE=redis' });
    }
  });

export type Config = z.infer<typeof ConfigSchema>;

/** Settings whose values never appear in an error message (it goes to the terminal and to logs). */
const SECRETS = new Set(['AUTH_SECRET', 'NEO4J_PASSWORD', 'METRICS_TOKEN', 'REDIS_URL']);

/** A setting was missing or malformed; the message names every offending variable. */
export class ConfigError extends Error {}

/** Reads and validates the configuration; throws ConfigError naming each bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const relevant = Object.fromEntries(Object.keys(ConfigSchema.shape ?? {}).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = ConfigSchema.safeParse(relevant);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => {
    const name = String(i.path[0] ?? 'config');
    const value = SECRETS.has(name) ? `<${(env[name] ?? '').length} characters, not shown>` : JSON.stringify(env[name] ?? '');
    return `${name}=${value}: ${i.message}`;
  });
  throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
}

/** The settings a training run uses: ALS, implicit feedback and the ranker's training data. */
export function trainingOptions(c: Config): BundleOptions {
  return {
    als: {
      ...DEFAULT_ALS,
      factors: c.ALS_FACTORS,
      regularization: c.ALS_REGULARIZATION,
      alpha: c.ALS_ALPHA,
      regularizationExponent: c.ALS_REGULARIZATION_EXPONENT,
      iterations: c.ALS_ITERATIONS,
      seed: c.WORLD_SEED,
    },
    feedback: { halfLifeDays: c.FEEDBACK_HALF_LIFE_DAYS },
    ranker: { ...DEFAULT_RANKER_TRAINING, maxRequests: c.RANKER_MAX_REQUESTS, seed: c.WORLD_SEED },
  };
}

/** Which store to open, and how to reach it. */
export function storeSettings(c: Config): StoreSettings {
  if (c.STORE === 'embedded') return { kind: 'embedded', dataDir: c.DATA_DIR };
  return {
    kind: 'neo4j',
    connection: {
      uri: c.NEO4J_URI!,
      user: c.NEO4J_USER,
      password: c.NEO4J_PASSWORD ?? '',
      database: c.NEO4J_DATABASE,
      attempts: c.NEO4J_CONNECT_ATTEMPTS,
      timeoutMs: c.NEO4J_TIMEOUT_MS,
    },
  };
}

/** Each kind of caller's operation limits and requests per minute. */
export function requestLimits(c: Config): { operations: Record<PrincipalKind, OperationLimits>; perMinute: Record<PrincipalKind, number> } {
  const byKind = <T>(read: (key: Uppercase<PrincipalKind>) => T) =>
    Object.fromEntries(PRINCIPAL_KINDS.map((kind) => [kind, read(kind.toUpperCase() as Uppercase<PrincipalKind>)])) as Record<
      PrincipalKind,
      T
    >;
  return {
    operations: byKind((kind) => c[`QUERY_LIMITS_${kind}`]),
    perMinute: byKind((kind) => c[`RATE_LIMIT_${kind}`]),
  };
}

/** The recommendation-quality checks' window, baseline and thresholds. */
export function monitoringSettings(c: Config): QualityMonitorSettings {
  return {
    windowHours: c.MONITOR_WINDOW_HOURS,
    baselineHours: c.MONITOR_BASELINE_HOURS,
    thresholds: {
      ...DEFAULT_THRESHOLDS,
      takeRateDrop: c.MONITOR_TAKE_RATE_DROP,
      calibrationDrift: c.MONITOR_CALIBRATION_DRIFT,
      minImpressions: c.MONITOR_MIN_IMPRESSIONS,
    },
  };
}
