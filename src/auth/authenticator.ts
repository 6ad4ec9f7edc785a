import { decodeJwt } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Store } from '../../graph/store';
import { Access } from './access';
import { credentialOf, type RequestHeaders } from './credentials';
import type { TokenPrincipal } from './principal';
import { InvalidTokenError, secretKey, signToken, verifyToken } from './tokens';

export interface AuthSettings {
  /** The HS256 secret tokens are signed with (AUTH_SECRET, or the development secret in DATA_DIR). */
  secret: string;
  /** ALLOW_ANONYMOUS_CATALOG: requests without a token may read the catalog. */
  anonymousCatalog: boolean;
}

/** Built once at start: turns each request's headers into its Access, and signs tokens (CLI, tests, benchmarks). */
export class Authenticator {
  private readonly key: Uint8Array;
  readonly anonymousCatalog: boolean;
  /**
   * Tokens that verified, until they expire: an app sends the same token with every request, and
   * verifying its signature again each time is most of what refusing a throttled caller costs.
   * Keyed by the whole token, so an altered token is never a hit.
   */
  private readonly verified = new LRUCache<string, { principal: TokenPrincipal; expiresAt: number }>({ max: 10_000 });

  constructor(
    settings: AuthSettings,
    private readonly clock: () => number = Date.now,
  ) {
    this.key = secretKey(settings.secret);
    this.anonymousCatalog = settings.anonymousCatalog;
  }

  sign(principal: TokenPrincipal, expiresInSeconds: number): Promise<string> {
    return signToken(this.key, principal, expiresInSeconds, this.clock());
  }

  /** The request's access; bad credentials do not fail here but in the first check that needs them. */
  async access(headers: RequestHeaders, profiles: Pick<Store, 'getProfiles'>): Promise<Access> {
    const credential = credentialOf(headers);
    const refused = (reason: string) => new Access({ kind: 'anonymous' }, profiles, this.anonymousCatalog, reason);
    if (credential.kind === 'none') return new Access({ kind: 'anonymous' }, profiles, this.anonymousCatalog);
    if (credential.kind === 'unreadable') return refused(credential.reason);
    try {
      const principal = await this.verify(credential.token);
      if (credential.header === 'x-api-key' && principal.kind !== 'partner') {
        return refused('X-API-Key takes partner keys only; send account and admin tokens as "Authorization: Bearer <token>"');
      }
      return new Access(principal, profiles, this.anonymousCatalog);
    } catch (err) {
      if (err instanceof InvalidTokenError) return refused(err.message);
      throw err;
    }
  }

  private async verify(token: string): Promise<TokenPrincipal> {
    const now = this.clock();
    const known = this.verified.get(token);
    if (known && known.expiresAt > now) return known.principal;
    const principal = await verifyToken(this.key, token, now);
    // verifyToken requires `exp`, so a verified token has one.
    this.verified.set(token, { principal, expiresAt: decodeJwt(token).exp! * 1000 });
    return principal;
  }
}
