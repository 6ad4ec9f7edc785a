import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { DomainError, UnavailableError } from '../domain/errors';
import type { Logger } from '../shared/logger';
import { clientError, ErrorCode, REQUEST_ERROR_CODES } from './errors';

const KNOWN_CODES = new Set<string>([...Object.values(ErrorCode), ...REQUEST_ERROR_CODES]);

/**
 * Request-level errors of the GraphQL layer reach the client as they are; domain errors as their
 * codes (clientError); anything else is logged in full and replaced by a bare INTERNAL_SERVER_ERROR, so
 * stack traces, file paths and driver messages never leak.
 */
export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const refused = asLimitRefusal(formatted);
    if (refused) return refused;
    // Apollo's own refusals of a malformed request (a bad persisted-query extension, a hash that
    // does not match its query) carry an HTTP 400 and no code.
    if (error instanceof GraphQLError && error.extensions.code === undefined && httpStatus(error) === 400) {
      return { message: formatted.message, extensions: { code: 'BAD_REQUEST' } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && KNOWN_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      const { stacktrace: _hidden, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const cause = unwrapResolverError(error);
    if (cause instanceof DomainError) {
      if (cause instanceof UnavailableError) logger.warn({ err: cause.message, path: formatted.path }, 'store unavailable');
      return clientError(cause, formatted);
    }
    logger.error({ err: cause, path: formatted.path }, 'unexpected error while resolving');
    return {
      message: 'Internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

/** graphql-js's own refusals of an oversized request, coded like the other operation limits. */
function asLimitRefusal(formatted: GraphQLFormattedError): GraphQLFormattedError | undefined {
  const tokens = /Document contains more th\w+ (\d+) tokens/.exec(formatted.message);
  if (formatted.extensions?.code === 'GRAPHQL_PARSE_FAILED' && tokens) {
    const max = Number(tokens[1]);
    return {
      message: `The query has more than ${max} tokens, over the limit of ${max} for any caller; ask for less in one operation (docs/OPERATIONS.md, Limits)`,
      extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'tokens', max, actual: `more than ${max}` },
    };
  }
  // Variable coercion stops after 50 errors with one error of its own: still the client's input.
  if (/Too many errors processing variables/.test(formatted.message)) {
    return { message: formatted.message, extensions: { code: ErrorCode.BAD_USER_INPUT } };
  }
  return undefined;
}

function httpStatus(error: GraphQLError): number | undefined {
  return (error.extensions.http as { status?: number } | undefined)?.status;
}
