/** Request headers as Node gives them (lower-case names); a repeated header arrives as an array. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** What a request presented: nothing, a token and the header it came in, or headers we cannot read. */
export type Credential =
  { kind: 'none' } | { kind: 'token'; token: string; header: 'authorization' | 'x-api-key' } | { kind: 'unreadable'; reason: string };

const BEARER = /^Bearer +(\S+) *$/i;

/**
 * Accounts and admins send `Authorization: Bearer <jwt>`; partners may send their key the same way
 * or as `X-API-Key: <key>` (what API gateways and partner tooling usually expect). Two credentials
 * in one request are refused rather than guessed between.
 */
export function credentialOf(headers: RequestHeaders): Credential {
  const authorization = single(headers.authorization);
  const apiKey = single(headers['x-api-key']);
  if (authorization === null || apiKey === null)
    return { kind: 'unreadable', reason: 'send one Authorization or X-API-Key header, not several' };
  if (authorization !== undefined && apiKey !== undefined)
    return { kind: 'unreadable', reason: 'send either an Authorization or an X-API-Key header, not both' };
  if (authorization !== undefined) {
    const match = BEARER.exec(authorization);
    if (!match) return { kind: 'unreadable', reason: 'the Authorization header must be "Bearer <token>"' };
    return { kind: 'token', token: match[1], header: 'authorization' };
  }
  if (apiKey !== undefined) {
    const key = apiKey.trim();
    if (key === '' || /\s/.test(key)) return { kind: 'unreadable', reason: 'the X-API-Key header must hold one partner key' };
    return { kind: 'token', token: key, header: 'x-api-key' };
  }
  return { kind: 'none' };
}

/** The header's one value; undefined when absent or empty, null when repeated. */
function single(value: string | readonly string[] | undefined): string | undefined | null {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return value.length === 1 ? single(value[0]) : null;
  return value.trim() === '' ? undefined : value;
}
