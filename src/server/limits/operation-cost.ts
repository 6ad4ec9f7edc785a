import { getNamedType, getNullableType, isLeafType, isListType } from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';

/**
 * What a field costs before its children: the work behind it. A homepage runs the whole
 * pipeline (retrieval, ranking, rows, artwork), a similar-titles list walks the graph, a data
 * summary counts a profile's events; any other object is a lookup in memory or one batched read.
 */
const FIELD_WORK: Record<string, number> = {
  'Query.homepage': 100,
  'Query.similarTitles': 10,
  'Profile.dataSummary': 10,
  'Profile.viewingHistory': 5,
  'Mutation.recordPlayback': 10,
  'Mutation.recordImpressions': 10,
  'Mutation.deleteViewingHistory': 20,
  'Mutation.completeOnboarding': 10,
  'Mutation.addTitle': 20,
};

/** The arguments LIST_FROM_ARGS reads: the only ones (with directives') whose values change a cost. */
export const COST_ARGUMENTS: ReadonlySet<string> = new Set(['ids', 'first', 'limit', 'events']);

/**
 * What an argument sizes, at most as many as the resolver allows: the items of a list, the page
 * of a connection (`profiles`, `myList`), or the batches of 50 events of a write.
 */
const LIST_FROM_ARGS: Record<string, (args: Record<string, unknown>) => number> = {
  'Query.titles': (args) => (Array.isArray(args.ids) ? args.ids.length : 1),
  'Query.profiles': (args) => Number(args.first ?? 20),
  'Query.similarTitles': (args) => Number(args.limit ?? 20),
  'Profile.viewingHistory': (args) => Number(args.first ?? 20),
  'Profile.myList': (args) => Number(args.first ?? 20),
  'Mutation.recordPlayback': (args) => (Array.isArray(args.events) ? args.events.length / 50 : 1),
  'Mutation.recordImpressions': (args) => (Array.isArray(args.events) ? args.events.length / 50 : 1),
};

/** The page a connection's edges and nodes are costed at (LIST_SIZE); a `first` scales them from it. */
const CONNECTION_PAGE = 20;

/**
 * Lists without such an argument, by what they hold at most or in practice: an account has at
 * most 5 profiles, a page about 10 rows of up to 25 items (docs: 9.8 rows and 165 items on the
 * default world), a title a handful of artwork variants (at most 8).
 */
const LIST_SIZE: Record<string, number> = {
  'Account.profiles': 5,
  'ProfileConnection.edges': CONNECTION_PAGE,
  'ProfileConnection.nodes': CONNECTION_PAGE,
  'MyListConnection.edges': CONNECTION_PAGE,
  'MyListConnection.nodes': CONNECTION_PAGE,
  'Homepage.rows': 12,
  'Row.items': 25,
  'Title.artwork': 8,
  'OnboardingAnswers.titles': 20,
};

/**
 * The cost model of an operation (graphql-query-complexity estimator): a scalar is free, an
 * object costs 1 plus the work behind it plus its children, and a list of objects costs 1 per
 * item it returns plus each item's children. So a title costs 2, a title with its artwork about
 * 10, a full homepage about 2,000, and 1,000 aliased homepages over 100,000 whatever they select.
 */
export const operationCostEstimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (isLeafType(getNamedType(field.type))) return 0;
  const key = `${type.name}.${field.name}`;
  const work = 1 + (FIELD_WORK[key] ?? 0);
  const sized = LIST_FROM_ARGS[key];
  if (!isListType(getNullableType(field.type))) {
    if (!sized) return work + childComplexity;
    const size = Math.max(1, Math.ceil(sized(args)));
    // A connection: its children were costed for CONNECTION_PAGE entries, scaled to the page asked for.
    if (getNamedType(field.type).name.endsWith('Connection')) return work + Math.ceil((childComplexity * size) / CONNECTION_PAGE);
    // A batch write: its work once per 50 events.
    return work * size + childComplexity;
  }
  const items = Math.max(1, Math.ceil(sized?.(args) ?? LIST_SIZE[key] ?? 1));
  return work + items * (1 + childComplexity);
};
