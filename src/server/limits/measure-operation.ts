import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import {
  getVariableValues,
  Kind,
  validate,
  visit,
  type ASTNode,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getComplexity } from 'graphql-query-complexity';
import type { OperationLimits } from '../../auth/request-limits';
import { COST_ARGUMENTS, operationCostEstimator } from './operation-cost';

/** Fields the cost analysis walks at most; beyond that the operation is refused as too costly. */
const MAX_COST_NODES = 20_000;

/** Costs remembered per operation, for as many combinations of its cost variables' values. */
const COSTS_PER_OPERATION = 64;
/** Longer keys (a long `ids` list) are measured every time rather than kept. */
const MAX_COST_KEY_CHARS = 1_000;

/** What is known of one operation: the figures of its document, and its cost by the values of the variables it depends on. */
interface Known extends Omit<OperationLimits, 'cost'> {
  /** The document cut to this operation and its fragments, which the cost is measured on. */
  single: DocumentNode;
  /** The variables the cost depends on: those in an argument the cost model reads (COST_ARGUMENTS) or in a directive. */
  costVariables: string[];
  costs: Map<string, number>;
}

/**
 * By operation node. Apollo keeps each parsed query text as one document, so an app's repeated
 * homepage query is analysed once, not on every request (the analysis was 7% of a served
 * page's CPU); a document that is no longer cached takes its entry with it.
 */
const byOperation = new WeakMap<OperationDefinitionNode, Known>();

/**
 * Measures the operation about to run: depth and aliases by GraphQL Armor's analyses (fragments
 * followed, introspection's own nesting not counted), top-level fields, and the cost model, the
 * one figure that depends on the variables (those in COST_ARGUMENTS, `@include`, `@skip`).
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): OperationLimits {
  let known = byOperation.get(operation);
  if (!known) {
    // Only this operation and the fragments, so that the analyses measure what will run.
    const single: DocumentNode = {
      ...document,
      definitions: document.definitions.filter((d) => d.kind !== Kind.OPERATION_DEFINITION || d === operation),
    };
    known = { ...measureShape(schema, single, operation), single, costVariables: costVariables(single), costs: new Map() };
    byOperation.set(operation, known);
  }
  const { depth, aliases, rootFields, single, costVariables: names, costs } = known;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
  // A variable that does not coerce: execution refuses the whole operation for it (BAD_USER_INPUT)
  // before running anything, so nothing is measured or remembered.
  if (coerced.errors) return { depth, aliases, rootFields, cost: 0 };
  // Keyed by the coerced values: shaped by their types, so any client JSON (however deep) is not.
  const key = JSON.stringify(names.map((name) => coerced.coerced[name]));
  let cost = costs.get(key);
  if (cost === undefined) {
    cost = measureCost(schema, single, variables);
    if (key.length <= MAX_COST_KEY_CHARS) {
      if (costs.size >= COSTS_PER_OPERATION) costs.clear();
      costs.set(key, cost);
    }
  }
  return { depth, aliases, rootFields, cost };
}

/** The variables an operation's cost can depend on, sorted: in COST_ARGUMENTS of any field, and in directives (@include, @skip). */
function costVariables(single: DocumentNode): string[] {
  const names = new Set<string>();
  const collect = (node: ASTNode) => visit(node, { Variable: (v) => void names.add(v.name.value) });
  visit(single, {
    Field: (field) => field.arguments?.filter((a) => COST_ARGUMENTS.has(a.name.value)).forEach((a) => collect(a.value)),
    Directive: (directive) => directive.arguments?.forEach((a) => collect(a.value)),
  });
  return [...names].sort();
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

/**
 * The cost of an operation whose variables coerce. Beyond measure (refused) when the analysis
 * fails: more fields than it walks, or an argument it cannot read, such as a null variable given
 * to a non-null argument with a default. Execution would fail only that field and run the rest,
 * so measuring such an operation at 0 would let any amount of work through.
 */
function measureCost(schema: GraphQLSchema, single: DocumentNode, variables: Record<string, unknown>): number {
  try {
    return getComplexity({ schema, query: single, variables, estimators: [operationCostEstimator], maxQueryNodes: MAX_COST_NODES });
  } catch {
    return Number.POSITIVE_INFINITY;
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
