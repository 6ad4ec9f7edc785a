import { randomBytes } from 'node:crypto';
import { Authenticator } from '../src/auth/authenticator';
import type { TokenPrincipal } from '../src/auth/principal';

/** An authenticator with a throwaway secret: benchmarks send real tokens, verified on every request as in production. */
export function benchAuthenticator(): Authenticator {
  return new Authenticator({ secret: randomBytes(32).toString('base64url'), anonymousCatalog: false });
}

/** The Authorization header `principal` sends (an hour's token: longer than any benchmark). */
export async function authorization(auth: Authenticator, principal: TokenPrincipal): Promise<{ authorization: string }> {
  return { authorization: `Bearer ${await auth.sign(principal, 3600)}` };
}
