import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Principal } from '../auth/principal';
import { PRINCIPAL_KINDS, type PrincipalKind } from '../auth/request-limits';
import { ErrorCode } from './errors';

/**
 * Requests per minute per principal: an account, a partner key or an admin by its token, an
 * anonymous caller by its address. Each kind has its own quota, so partners' traffic never eats
 * into viewers'. Counters live in this process (the scale-out issue moves them to shared storage).
 */
export class RateLimits {
  private readonly limiters: Record<PrincipalKind, RateLimiterMemory>;

  constructor(private readonly perMinute: Record<PrincipalKind, number>) {
    this.limiters = Object.fromEntries(
      PRINCIPAL_KINDS.map((kind) => [kind, new RateLimiterMemory({ keyPrefix: kind, points: perMinute[kind], duration: 60 })]),
    ) as Record<PrincipalKind, RateLimiterMemory>;
  }

  /** Counts one request; throws RATE_LIMITED (HTTP 429 with Retry-After) once the quota is spent. */
  async admit(principal: Principal, address: string): Promise<void> {
    try {
      await this.limiters[principal.kind].consume(keyOf(principal, address));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new GraphQLError(
        `Too many requests: ${this.perMinute[principal.kind]} a minute are allowed for ${principal.kind} callers; retry in ${retryAfter} s`,
        {
          extensions: {
            code: ErrorCode.RATE_LIMITED,
            retryable: true,
            retryAfterSeconds: retryAfter,
            http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) },
          },
        },
      );
    }
  }
}

function keyOf(p: Principal, address: string): string {
  switch (p.kind) {
    case 'account':
      return p.accountId;
    case 'partner':
      return p.partner;
    case 'admin':
      return p.name;
    case 'anonymous':
      return address;
  }
}
