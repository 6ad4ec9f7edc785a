import type { Rng } from '../../src/shared/random';
import type { FuzzAccount, FuzzFixture, GraphqlBody } from './hostile-operations';
import type { RawRequest } from './raw-http';

// Who a hostile request claims to be, and the request shapes every family builds on.

/** One generated request and what its answer may be exempt from. */
export interface FuzzCase extends RawRequest {
  family: string;
  /** The server may close without answering: Node closes a CONNECT unless the server handles it. */
  mayClose?: boolean;
  /** A page, a script or an image for a browser, not an API answer: its body need not be JSON. */
  page?: boolean;
  /** Sent to the server with small quotas, where RATE_LIMITED is the expected answer once they are spent. */
  tightQuota?: boolean;
}

export type Header = [string, string];
export type Draft = Omit<FuzzCase, 'family'>;
export interface Caller {
  headers: Header[];
  /** The account whose profiles the request names as its own (for anyone else: a fuzz account's). */
  account: FuzzAccount;
}
export interface Ctx {
  rng: Rng;
  fx: FuzzFixture;
}

export const JSON_TYPE: Header = ['content-type', 'application/json'];
export const bearer = (token: string): Header => ['authorization', `Bearer ${token}`];
export const b64 = (text: string) => Buffer.from(text).toString('base64url');

/** A token with one character of its payload or signature changed. */
function altered(rng: Rng, token: string): string {
  const [header, payload, signature] = token.split('.');
  const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);
  return rng.chance(0.5)
    ? [header, flip(payload, rng.int(0, payload.length - 1)), signature].join('.')
    : [header, payload, flip(signature, 5)].join('.');
}

/** Who a request claims to be: every kind of token, valid and not, and malformed Authorization headers. */
export function caller(c: Ctx, kinds: 'any' | 'not-own' = 'any'): Caller {
  const { rng, fx } = c;
  const account = rng.pick(fx.accounts);
  const kind = rng.weighted(
    ['own', 'none', 'partner', 'partner-key', 'admin', 'expired', 'altered', 'other-secret', 'unknown-account', 'malformed'] as const,
    [kinds === 'not-own' ? 0 : 55, 8, 6, 4, 6, 4, 4, 3, 3, 7],
  );
  const pick = (tokens: string[]) => rng.pick(tokens);
  const headers: Record<typeof kind, () => Header[]> = {
    own: () => [bearer(account.token)],
    none: () => [],
    partner: () => [bearer(pick(fx.tokens.partner))],
    'partner-key': () => [['x-api-key', rng.chance(0.8) ? pick(fx.tokens.partner) : account.token]],
    admin: () => [bearer(pick(fx.tokens.admin))],
    expired: () => [bearer(pick(fx.tokens.expired))],
    altered: () => [bearer(altered(rng, account.token))],
    'other-secret': () => [bearer(pick(fx.tokens.otherSecret))],
    'unknown-account': () => [bearer(pick(fx.tokens.unknownAccount))],
    malformed: () => [
      [
        'authorization',
        rng.pick([
          'Bearer',
          'Bearer ',
          'Basic YTpi',
          'Token abc',
          `Bearer ${account.token} extra`,
          `bearer ${account.token}`,
          `Bearer\t${account.token}`,
          `Bearer  ${account.token}  `,
          'Bearer null',
          `Bearer ${'x'.repeat(8_000)}`,
          `Bearer ${b64('{"alg":"none","typ":"JWT"}')}.${b64('{"sub":"a1","role":"admin","exp":9999999999}')}.`,
          `Bearer ${account.token.split('.').slice(0, 2).join('.')}`,
          `Bearer ${account.token}.`,
          `Bearer ${b64('{"alg":"HS256"}')}.${b64('not json')}.${b64('sig')}`,
        ]),
      ],
    ],
  };
  return { headers: headers[kind](), account };
}

export const bodyOf = (g: GraphqlBody) => JSON.stringify(g);
export const post = (who: Caller, body: string | Buffer, extra: Header[] = []): Draft => ({
  method: 'POST',
  path: '/graphql',
  headers: [JSON_TYPE, ...who.headers, ...extra],
  body,
});
/** A GraphQL document from one of the document families, for the caller's account. */
export type DocFamily = (c: Ctx & { account: FuzzAccount }) => GraphqlBody;
export const graphql =
  (family: DocFamily, kinds: 'any' | 'not-own' = 'any') =>
  (c: Ctx): Draft => {
    const who = caller(c, kinds);
    return post(who, bodyOf(family({ ...c, account: who.account })));
  };
