import { GraphQLError } from 'graphql';
import type { ZodError } from 'zod';

/** Every error code a client can see, in `extensions.code`. */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  GRAPH_UNAVAILABLE = 'GRAPH_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** Codes raised by the GraphQL layer itself for malformed requests; safe to show as they are. */
export const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST', 'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE',
]);

export function badInput(field: string, message: string): GraphQLError {
  return new GraphQLError(`Invalid ${field}: ${message}`, { extensions: { code: ErrorCode.BAD_USER_INPUT, field } });
}

export function notFound(kind: string, id: string): GraphQLError {
  return new GraphQLError(`${kind} ${JSON.stringify(id)} not found`, { extensions: { code: ErrorCode.NOT_FOUND, id } });
}

/** No valid credentials: none were sent where they are needed, or the token is malformed, badly signed or expired. */
export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

/** Valid credentials that do not grant this: another account's profile, a partner key asking for profile data. */
export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN } });
}

/** Turns a zod failure into BAD_USER_INPUT naming the first offending field, e.g. `events[3].progress`. */
export function fromZod(error: ZodError, root: string): GraphQLError {
  const issue = error.issues[0];
  const field = issue.path.reduce<string>(
    (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`), root,
  );
  return badInput(field, issue.message);
}
