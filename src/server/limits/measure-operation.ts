import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  GraphQLError,
  Kind,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import type { OperationLimits } from '../../auth/request-limits';
import { operationCostEstimator } from './operation-cost';

/** Fields the cost analysis walks at most; beyond that the operation is refused as too costly. */
const MAX_COST_NODES = 20_000;

/**
 * The figures that depend on the document alone, by operation node: all four for an operation
 * without variables, all but the cost otherwise. Apollo keeps each parsed query text as one
 * document, so an app's repeated homepage query is analysed once, not on every request; a
 * document that is no longer cached takes its entry with it.
 */
const byOperation = new WeakMap<OperationDefinitionNode, Omit<OperationLimits, 'cost'> & { cost?: number }>();

/**
 * Measures the operation about to run: depth and aliases by GraphQL Armor's analyses (fragments
 * followed, introspection's own nesting not counted), top-level fields, and the cost model, the
 * one figure that depends on the variables (`ids`, `first`, `limit`, `@include`).
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): OperationLimits {
  // Only this operation and the fragments, so that the analyses measure what will run.
  const single: DocumentNode = {
    ...document,
    definitions: document.definitions.filter((d) => d.kind !== Kind.OPERATION_DEFINITION || d === operation),
  };
  let known = byOperation.get(operation);
  if (!known) {
    const withoutVariables = (operation.variableDefinitions ?? []).length === 0;
    known = { ...measureShape(schema, single, operation), ...(withoutVariables ? { cost: measureCost(schema, single, {}) } : {}) };
    byOperation.set(operation, known);
  }
  return { ...known, cost: known.cost ?? measureCost(schema, single, variables) };
}

function measureShape(schema: GraphQLSchema, single: DocumentNode, operation: OperationDefinitionNode): Omit<OperationLimits, 'cost'> {
  const figures = { depth: 0, aliases: 0 };
  const record = (key: keyof typeof figures) => [(_ctx: unknown, details: { n: number }) => void (figures[key] = details.n)];
  // Limits of infinity: the analyses only measure; which limit applies depends on the caller.
  validate(schema, single, [
    maxDepthRule({ n: Infinity, onAccept: record('depth'), propagateOnRejection: false }),
    maxAliasesRule({ n: Infinity, onAccept: record('aliases'), propagateOnRejection: false }),
  ]);
  const fragments = new Map(
    single.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  return { ...figures, rootFields: countFields(operation.selectionSet, fragments, new Set()) };
}

function measureCost(schema: GraphQLSchema, single: DocumentNode, variables: Record<string, unknown>): number {
  try {
    return getComplexity({ schema, query: single, variables, estimators: [operationCostEstimator], maxQueryNodes: MAX_COST_NODES });
  } catch (err) {
    // More fields than the analysis walks is far beyond any limit. Any other failure is a variable
    // that does not coerce: execution refuses the whole operation for it before running anything.
    const tooLarge = err instanceof GraphQLError && /maximum allowed number of nodes/.test(err.message);
    return tooLarge ? Number.POSITIVE_INFINITY : 0;
  }
}

/** Top-level fields, with fragments spread in (each fragment once). */
function countFields(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, spread: Set<string>): number {
  let n = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) n += 1;
    else if (selection.kind === Kind.INLINE_FRAGMENT) n += countFields(selection.selectionSet, fragments, spread);
    else if (!spread.has(selection.name.value)) {
      spread.add(selection.name.value);
      const fragment = fragments.get(selection.name.value);
      if (fragment) n += countFields(fragment.selectionSet, fragments, spread);
    }
  }
  return n;
}

/** The first limit the figures exceed, if any, in the order a client would fix them. */
export function exceededLimit(figures: OperationLimits, limits: OperationLimits): keyof OperationLimits | undefined {
  return (['depth', 'aliases', 'rootFields', 'cost'] as const).find((key) => figures[key] > limits[key]);
}
