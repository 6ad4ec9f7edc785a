import type { GraphQLFormattedError } from 'graphql';
import {
  ConflictError,
  DeadlineExceededError,
  InvalidInputError,
  NotFoundError,
  UnavailableError,
  type DomainError,
} from '../domain/errors';

/** Every error code a client can see, in `extensions.code`. */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  GRAPH_UNAVAILABLE = 'GRAPH_UNAVAILABLE',
  STORE_UNAVAILABLE = 'STORE_UNAVAILABLE',
  TIMEOUT = 'TIMEOUT',
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
  RATE_LIMITED = 'RATE_LIMITED',
  NOT_READY = 'NOT_READY',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** Codes raised by the GraphQL layer itself for malformed requests; safe to show as they are. */
export const REQUEST_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** What a client is told of an unavailable dependency: the store's own message may name hosts, files or drivers. */
const UNAVAILABLE_MESSAGES = {
  graph: 'The graph store is unavailable right now; retry shortly',
  storage: 'The store cannot make writes durable right now; nothing was recorded; retry shortly',
};

/** The code a client sees for each kind of domain error. */
const CODES: Record<DomainError['kind'], ErrorCode> = {
  INVALID_INPUT: ErrorCode.BAD_USER_INPUT,
  NOT_FOUND: ErrorCode.NOT_FOUND,
  UNAUTHENTICATED: ErrorCode.UNAUTHENTICATED,
  FORBIDDEN: ErrorCode.FORBIDDEN,
  UNAVAILABLE: ErrorCode.GRAPH_UNAVAILABLE,
  TIMEOUT: ErrorCode.TIMEOUT,
  CONFLICT: ErrorCode.CONFLICT,
};

/** The one place a domain error becomes what a client sees: its code, and the field or id it concerns. */
export function clientError(err: DomainError, at: Pick<GraphQLFormattedError, 'path' | 'locations'>): GraphQLFormattedError {
  const extensions: Record<string, unknown> = { code: CODES[err.kind] };
  if (err instanceof InvalidInputError) extensions.field = err.field;
  if (err instanceof NotFoundError) extensions.id = err.id;
  if (err instanceof ConflictError) extensions.reason = err.reason;
  if (err instanceof UnavailableError && err.dependency === 'storage') extensions.code = ErrorCode.STORE_UNAVAILABLE;
  // The same request may succeed later: the dependency comes back, or a lighter moment leaves time.
  if (err instanceof UnavailableError || err instanceof DeadlineExceededError) extensions.retryable = true;
  const message = err instanceof UnavailableError ? UNAVAILABLE_MESSAGES[err.dependency] : err.message;
  return { message, locations: at.locations, path: at.path, extensions };
}
