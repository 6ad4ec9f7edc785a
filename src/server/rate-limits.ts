import { RateLimiterCluster, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { RedisClient } from './shared-state/redis-link';
import { subjectOf, type Principal } from '../auth/principal';
import { PRINCIPAL_KINDS, type PrincipalKind } from '../auth/request-limits';
import { ErrorCode } from './errors';

/**
 * Requests one principal may have in progress at once. Quotas per minute do not stop a client
 * that opens many connections from filling the event loop's queue in one second; an app needs a
 * few requests at a time (a homepage, its impressions, a play), a partner's backend more.
 */
const IN_FLIGHT: Record<PrincipalKind, number> = { account: 8, partner: 32, admin: 16, anonymous: 4 };

/**
 * Requests of quota an operation refused for its size costs: a client sending query bombs is
 * throttled after a few of them and then meets the cheapest refusal there is (429 before its
 * body is read), while a client that sends one oversized query by mistake is not.
 */
export const REFUSAL_PENALTY = 20;

/** How long a cluster worker waits for its primary to count a request; the primary runs on the same machine. */
const PRIMARY_WAIT_MS = 2_000;

/** Why a request was not admitted, and when the caller may try again. */
export interface Refusal {
  status: 429;
  retryAfterSeconds: number;
  body: { errors: { message: string; extensions: Record<string, unknown> }[] };
}

/**
 * Requests per minute, and requests in progress, per principal: an account, a partner key or an
 * admin by its token, an anonymous caller by its address. Each kind has its own quota, so
 * partners' traffic never eats into viewers'. Quotas per minute are counted in Redis when
 * replicas share state, so a caller spreading its requests over replicas gets one quota; while
 * Redis is unreachable each replica counts alone (rate-limiter-flexible's insurance limiter).
 * The workers of a cluster on the embedded store count in their primary (its cluster limiter).
 * Requests in progress are counted per replica: each replica's event loop is what they protect.
 */
export class RateLimits {
  private readonly limiters: Record<PrincipalKind, RateLimiterAbstract>;
  private readonly inFlight = new Map<string, number>();
  /** This process's own counts: all of them alone, and the fallback while a shared counter does not answer. */
  private readonly local: Record<PrincipalKind, RateLimiterMemory>;

  constructor(
    private readonly perMinute: Record<PrincipalKind, number>,
    /** Where quotas are counted when not in this process alone: Redis, or the cluster's primary. */
    counting?: { redis: RedisClient } | 'cluster-primary',
  ) {
    this.local = Object.fromEntries(
      PRINCIPAL_KINDS.map((kind) => [kind, new RateLimiterMemory({ keyPrefix: kind, points: perMinute[kind], duration: 60 })]),
    ) as Record<PrincipalKind, RateLimiterMemory>;
    this.limiters = Object.fromEntries(
      PRINCIPAL_KINDS.map((kind) => {
        if (counting === 'cluster-primary') {
          return [kind, new RateLimiterCluster({ keyPrefix: kind, points: perMinute[kind], duration: 60, timeoutMs: PRIMARY_WAIT_MS })];
        }
        const local = this.local[kind];
        if (!counting) return [kind, local];
        const shared = new RateLimiterRedis({
          storeClient: counting.redis,
          useRedisPackage: true,
          rejectIfRedisNotReady: true,
          keyPrefix: `hp:rate:${kind}`,
          points: perMinute[kind],
          duration: 60,
          insuranceLimiter: local,
        });
        return [kind, shared];
      }),
    ) as Record<PrincipalKind, RateLimiterAbstract>;
  }

  /**
   * Counts one request in: when admitted, a release to call when it ends; else the
   * refusal to answer with.
   */
  async admit(principal: Principal, address: string): Promise<{ release: () => void } | Refusal> {
    const key = `${principal.kind}:${keyOf(principal, address)}`;
    const running = this.inFlight.get(key) ?? 0;
    if (running >= IN_FLIGHT[principal.kind]) {
      return refusal(`Too many requests at once: ${IN_FLIGHT[principal.kind]} may run together for ${principal.kind} callers`, 1);
    }
    try {
      await this.charge(principal.kind, keyOf(principal, address), 1);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      return refusal(
        `Too many requests: ${this.perMinute[principal.kind]} a minute are allowed for ${principal.kind} callers; retry in ${retryAfter} s`,
        retryAfter,
      );
    }
    this.inFlight.set(key, running + 1);
    return {
      release: () => {
        const left = (this.inFlight.get(key) ?? 1) - 1;
        if (left > 0) this.inFlight.set(key, left);
        else this.inFlight.delete(key);
      },
    };
  }

  /** Charges `points` more of the principal's quota (an operation refused for its size). */
  async penalize(principal: Principal, address: string, points: number): Promise<void> {
    await this.limiters[principal.kind]
      .penalty(keyOf(principal, address), points)
      .catch(() => this.local[principal.kind].penalty(keyOf(principal, address), points));
  }

  /**
   * Consumes `points` of the quota; rejects with RateLimiterRes when it is spent. A cluster's
   * primary that does not answer in time (its limiter rejects with an Error, having no
   * insurance of its own) leaves this process to count alone meanwhile, as Redis's insurance does.
   */
  private async charge(kind: PrincipalKind, key: string, points: number): Promise<void> {
    try {
      await this.limiters[kind].consume(key, points);
    } catch (err) {
      if (err instanceof RateLimiterRes) throw err;
      await this.local[kind].consume(key, points);
    }
  }
}

function refusal(message: string, retryAfterSeconds: number): Refusal {
  return {
    status: 429,
    retryAfterSeconds,
    body: { errors: [{ message, extensions: { code: ErrorCode.RATE_LIMITED, retryable: true, retryAfterSeconds } }] },
  };
}

/** Tokens are counted by their subject (account, partner, admin name); anonymous callers by their address. */
function keyOf(p: Principal, address: string): string {
  return p.kind === 'anonymous' ? address : subjectOf(p);
}
