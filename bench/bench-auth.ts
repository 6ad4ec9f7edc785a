import { randomBytes } from 'node:crypto';
import { Authenticator } from '../src/auth/authenticator';
import type { TokenPrincipal } from '../src/auth/principal';

/** A throwaway token secret, for a benchmark and the server processes it starts. */
export function benchSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** An authenticator with a throwaway secret: benchmarks send real tokens, verified on every request as in production. */
export function benchAuthenticator(secret = benchSecret()): Authenticator {
  return new Authenticator({ secret, anonymousCatalog: false });
}

/** The Authorization header `principal` sends (an hour's token: longer than any benchmark). */
export async function authorization(auth: Authenticator, principal: TokenPrincipal): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await auth.sign(principal, 3600)}` };
}
