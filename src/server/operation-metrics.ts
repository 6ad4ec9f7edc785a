import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type OperationDefinitionNode } from 'graphql';
import { performance } from 'node:perf_hooks';
import type { ApiMetrics } from '../monitoring/metrics';
import type { RequestContext } from './context';

/**
 * Counts and times every GraphQL operation by its type and first root field, with its outcome
 * code (OK, or the first error's `extensions.code`), and leaves the field and code on the
 * request's outcome for its log line. Root fields are the schema's, so once an operation has
 * been validated its label is one of a fixed set; before that (a parse or validation failure)
 * it is `none`.
 */
export function operationMetricsPlugin(metrics: ApiMetrics): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart({ contextValue }) {
      const started = performance.now();
      let type = 'none';
      let field = 'none';
      return {
        async didResolveOperation({ operation }) {
          if (!operation) return;
          type = operation.operation;
          field = firstRootField(operation);
          contextValue.outcome.operation = field;
        },
        async willSendResponse({ response }) {
          const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          const code = errors?.length ? String(errors[0].extensions?.code ?? 'INTERNAL_SERVER_ERROR') : 'OK';
          contextValue.outcome.code = code;
          metrics.graphqlOperations.inc({ type, field, code });
          metrics.graphqlDuration.observe({ type, field }, (performance.now() - started) / 1000);
        },
      };
    },
  };
}

/** The first field selected at the root; a fragment there is labelled as such (its fields are not read). */
function firstRootField(operation: OperationDefinitionNode): string {
  const first = operation.selectionSet.selections[0];
  return first?.kind === Kind.FIELD ? first.name.value : 'fragment';
}
