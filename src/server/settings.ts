import type { OperationLimits, PrincipalKind } from '../auth/request-limits';
import { loadConfig, requestLimits, type Config } from '../config/config';

/** How the HTTP server protects itself and whom it serves (README, Configuration; docs/OPERATIONS.md). */
export interface ServerSettings {
  port: number;
  host: string;
  /** Past it, a request's work stops and it is answered TIMEOUT. */
  requestTimeoutMs: number;
  operationLimits: Record<PrincipalKind, OperationLimits>;
  requestsPerMinute: Record<PrincipalKind, number>;
  /** Browser origins allowed to call the API (`*`: any); none by default. */
  corsOrigins: string[];
  introspection: boolean;
  /** Bearer token /metrics asks for; open without it. */
  metricsToken?: string;
  /** How long a graceful stop waits for requests in flight. */
  shutdownGraceMs: number;
  /** graphql-jit's compiled operations, or graphql-js's generic executor (src/server/compiled-executor.ts). */
  execution: 'compiled' | 'generic';
  /** Proxies in front whose X-Forwarded-For is believed (0: none): anonymous callers are counted by the address before them. */
  trustProxy: number;
}

export function serverSettings(c: Config): ServerSettings {
  const limits = requestLimits(c);
  return {
    port: c.PORT,
    host: c.HOST,
    requestTimeoutMs: c.REQUEST_TIMEOUT_MS,
    operationLimits: limits.operations,
    requestsPerMinute: limits.perMinute,
    corsOrigins: c.CORS_ORIGINS,
    introspection: c.INTROSPECTION,
    metricsToken: c.METRICS_TOKEN,
    shutdownGraceMs: c.SHUTDOWN_GRACE_MS,
    execution: c.GRAPHQL_EXECUTION,
    trustProxy: c.TRUST_PROXY,
  };
}

/** The documented defaults, on an ephemeral port of the loopback interface (tests, benchmarks). */
export const DEFAULT_SERVER_SETTINGS: ServerSettings = { ...serverSettings(loadConfig({})), port: 0, host: '127.0.0.1' };
