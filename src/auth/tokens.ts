import { errors, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import { principalOf, ROLES, subjectOf, type TokenPrincipal } from './principal';
import { MIN_SECRET_LENGTH } from './secret';

/** Fixed claims, so that a JWT another service signed with the same secret is still refused here. */
export const TOKEN_ISSUER = 'homepage-api';
export const TOKEN_AUDIENCE = 'homepage-api:graphql';
const ALGORITHM = 'HS256';

/** Ids are compared exactly, so a subject with surrounding whitespace would name nobody. */
export const SubjectSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^\S(.*\S)?$/, 'must not start or end with whitespace');
const ClaimsSchema = z.object({ sub: SubjectSchema, role: z.enum(ROLES) });

/** Why a token was refused, in words safe to show the caller (never the secret or the expected signature). */
export class InvalidTokenError extends Error {}

/** The HMAC key of a secret (its UTF-8 bytes), refusing one too short to be safe. */
export function secretKey(secret: string): Uint8Array {
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`the auth secret must be at least ${MIN_SECRET_LENGTH} characters`);
  return new TextEncoder().encode(secret);
}

/** Signs a token naming `principal`, valid for `expiresInSeconds` from `now`. */
export function signToken(key: Uint8Array, principal: TokenPrincipal, expiresInSeconds: number, now = Date.now()): Promise<string> {
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds <= 0)
    throw new Error(`expiry must be a positive number of seconds, got ${expiresInSeconds}`);
  SubjectSchema.parse(subjectOf(principal));
  const issuedAt = Math.floor(now / 1000);
  return new SignJWT({ role: principal.kind })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setSubject(subjectOf(principal))
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + expiresInSeconds)
    .sign(key);
}

/** The principal a token names; InvalidTokenError saying why when it is malformed, badly signed, expired or not ours. */
export async function verifyToken(key: Uint8Array, token: string, now = Date.now()): Promise<TokenPrincipal> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: [ALGORITHM],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
      currentDate: new Date(now),
    }));
  } catch (err) {
    throw new InvalidTokenError(reasonOf(err));
  }
  const claims = ClaimsSchema.safeParse(payload);
  if (!claims.success) throw new InvalidTokenError(`the token's ${String(claims.error.issues[0].path[0])} claim is missing or invalid`);
  return principalOf(claims.data.role, claims.data.sub);
}

function reasonOf(err: unknown): string {
  if (!(err instanceof errors.JOSEError)) throw err;
  switch (err.code) {
    case 'ERR_JWT_EXPIRED':
      return 'the token has expired';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return "the token's signature does not verify (signed with another secret, or altered)";
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return `the token's ${(err as errors.JWTClaimValidationFailed).claim} claim is missing or invalid`;
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return `the token is not signed with ${ALGORITHM}`;
    default:
      return 'the token is malformed (not a JWT this API issued)';
  }
}
