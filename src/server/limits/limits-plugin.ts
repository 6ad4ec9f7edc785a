import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { UnauthenticatedError } from '../../domain/errors';
import type { OperationLimits, PrincipalKind } from '../../auth/request-limits';
import type { RequestContext } from '../context';
import { ErrorCode } from '../errors';
import { exceededLimit, measureOperation } from './measure-operation';

const LIMIT_NAMES: Record<keyof OperationLimits, string> = {
  depth: 'depth',
  aliases: 'aliases',
  rootFields: 'top-level fields',
  cost: 'cost',
};

/**
 * Refuses an operation that exceeds its caller's limits after it is parsed and validated and
 * before any resolver runs, so that a query bomb costs the server an analysis of its text and
 * nothing more. The error names the limit, the maximum and the operation's figure.
 */
export function operationLimitsPlugin(
  limits: Record<PrincipalKind, OperationLimits>,
  onRefused: (context: RequestContext) => Promise<void> = async () => {},
): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      return {
        async parsingDidStart() {
          return async (err?: Error) => {
            // The parser's own bound (MAX_QUERY_TOKENS in app.ts): a refusal for size like the others.
            if (err && /tokens/.test(err.message)) await onRefused(contextValue);
          };
        },
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return;
          // graphql-js would notice only while executing (an internal error): there is no Subscription type.
          if (!schema.getRootType(operation.operation)) {
            throw new GraphQLError(`This API has no ${operation.operation} operations`, {
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } },
            });
          }
          const allowed = limits[contextValue.auth.principal.kind];
          const figures = measureOperation(schema, document, operation, request.variables ?? {});
          const limit = exceededLimit(figures, allowed);
          if (!limit) return;
          refuseUnauthenticated(contextValue);
          await onRefused(contextValue);
          const actual = Number.isFinite(figures[limit]) ? figures[limit] : 'beyond measure';
          throw new GraphQLError(
            `The operation's ${LIMIT_NAMES[limit]} is ${actual}, over the limit of ${allowed[limit]} for ${contextValue.auth.principal.kind} callers; ask for less in one operation (docs/OPERATIONS.md, Limits)`,
            { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit, max: allowed[limit], actual, http: { status: 400 } } },
          );
        },
      };
    },
  };
}

/**
 * A caller without valid credentials where none are accepted can only introspect: over a limit,
 * it is told to authenticate (the refusal it would meet anyway) rather than to ask for less.
 */
function refuseUnauthenticated(context: RequestContext): void {
  if (context.auth.principal.kind !== 'anonymous') return;
  try {
    context.auth.catalog();
  } catch (err) {
    if (!(err instanceof UnauthenticatedError)) throw err;
    throw new GraphQLError(err.message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
  }
}
