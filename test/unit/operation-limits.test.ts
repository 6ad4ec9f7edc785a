import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { DEFAULT_OPERATION_LIMITS } from '../../src/auth/request-limits';
import { exceededLimit, measureOperation } from '../../src/server/limits/measure-operation';
import { projectRoot } from '../../src/shared/paths';

const schema = buildSchema(readFileSync(path.join(projectRoot(), 'schema', 'schema.graphql'), 'utf8'));

function figures(query: string, variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')!;
  return measureOperation(schema, document, operation, variables);
}

/** The README's full homepage query: every row, every item, title, artwork and scores. */
const README_HOMEPAGE = `query Homepage {
  homepage(profileId: "a1-p1", context: { device: TV, localTime: "2026-11-27T20:00", sessionSeconds: 0 }) {
    requestId
    rows {
      id kind displayTitle reason
      items {
        title { id name kind runtimeMinutes maturityRating }
        artwork { url theme }
        reason sources scores { utility }
      }
    }
  }
}`;

describe('operation limits: what an operation is measured at', () => {
  it("puts the README homepage query well inside an account's limits", () => {
    const f = figures(README_HOMEPAGE);
    expect(exceededLimit(f, DEFAULT_OPERATION_LIMITS.account)).toBeUndefined();
    expect(f.cost).toBeLessThan(DEFAULT_OPERATION_LIMITS.account.cost / 2);
    expect(f.depth).toBeLessThan(DEFAULT_OPERATION_LIMITS.account.depth / 2 + 1);
  });

  it('measures the nesting of a profile → account → profiles → … chain', () => {
    const chain = (levels: number) => `{ profile(id: "a1-p1") { ${'account { profiles { '.repeat(levels)}id${' } }'.repeat(levels)} } }`;
    expect(figures(chain(1)).depth).toBe(4);
    expect(figures(chain(12)).depth).toBe(26);
    expect(exceededLimit(figures(chain(12)), DEFAULT_OPERATION_LIMITS.account)).toBe('depth');
  });

  it('counts aliases and top-level fields, through fragments', () => {
    const aliased = `{ ${Array.from({ length: 40 }, (_, i) => `h${i}: title(id: "t1") { id }`).join(' ')} }`;
    expect(figures(aliased)).toMatchObject({ aliases: 40, rootFields: 40 });
    const viaFragments = `query { ...A ... on Query { c: title(id: "t3") { id } } } fragment A on Query { a: title(id: "t1") { id } b: title(id: "t2") { id } }`;
    expect(figures(viaFragments)).toMatchObject({ aliases: 3, rootFields: 3 });
  });

  it('prices what is expensive: homepages far above titles, lists by their size', () => {
    const title = figures('{ title(id: "t1") { id name artwork { url } } }').cost;
    const homepage = figures('{ homepage(profileId: "a1-p1") { requestId } }').cost;
    expect(homepage).toBeGreaterThanOrEqual(10 * title);
    const ids = Array.from({ length: 100 }, (_, i) => `t${i}`);
    const titles = (n: number) => figures('query($ids: [ID!]!) { titles(ids: $ids) { name } }', { ids: ids.slice(0, n) }).cost;
    expect(titles(100)).toBeGreaterThan(9 * titles(10));
    const history = (first: number) => figures(`{ profile(id: "a1-p1") { viewingHistory(first: ${first}) { title { name } } } }`).cost;
    expect(history(100)).toBeGreaterThan(5 * history(10));
    // 1,000 aliased homepages selecting one scalar each: refused by cost alone, whatever the alias limit.
    const bomb = `{ ${Array.from({ length: 1000 }, (_, i) => `h${i}: homepage(profileId: "a1-p1") { requestId }`).join(' ')} }`;
    expect(figures(bomb).cost).toBeGreaterThan(5 * DEFAULT_OPERATION_LIMITS.admin.cost);
  });

  it("prices a connection's page and a write's batches by their arguments", () => {
    const profiles = (first: number) => figures(`{ profiles(first: ${first}) { nodes { id account { id } } } }`).cost;
    expect(profiles(100)).toBeGreaterThan(4 * profiles(20));
    const myList = (first: number) => figures(`{ profile(id: "a1-p1") { myList(first: ${first}) { nodes { title { name } } } } }`).cost;
    expect(myList(100)).toBeGreaterThan(4 * myList(20));
    const event = { eventId: 'e', profileId: 'a1-p1', titleId: 't1', progress: 0.5, device: 'TV' };
    const writes = (n: number) =>
      figures('mutation($e: [PlaybackEventInput!]!) { recordPlayback(events: $e) { accepted } }', { e: Array(n).fill(event) }).cost;
    expect(writes(500)).toBeGreaterThan(5 * writes(10));
  });

  it('measures one document once, and its cost again for other variables', () => {
    const document = parse('query($ids: [ID!]!) { titles(ids: $ids) { name } }');
    const operation = document.definitions[0] as OperationDefinitionNode;
    const cost = (n: number) => measureOperation(schema, document, operation, { ids: Array.from({ length: n }, (_, i) => `t${i}`) }).cost;
    expect(cost(100)).toBeGreaterThan(9 * cost(10));
    expect(cost(100)).toBe(cost(100));
  });

  it('remembers a cost by the variables it depends on: lengths and directives, not ids', () => {
    const document = parse(`query($id: ID!, $ids: [ID!]!, $all: Boolean!) {
      homepage(profileId: $id) { requestId rows @include(if: $all) { items { title { name } } } }
      titles(ids: $ids) { name } }`);
    const operation = document.definitions[0] as OperationDefinitionNode;
    const cost = (variables: Record<string, unknown>) => measureOperation(schema, document, operation, variables).cost;
    const base = cost({ id: 'a1-p1', ids: ['t1'], all: false });
    expect(cost({ id: 'a2-p1', ids: ['t1'], all: false })).toBe(base);
    expect(cost({ id: 'a1-p1', ids: ['t1', 't2', 't3'], all: false })).toBeGreaterThan(base);
    expect(cost({ id: 'a1-p1', ids: ['t1'], all: true })).toBeGreaterThan(base + 100);
  });

  it('does not remember the 0 of variables that do not coerce for later requests', () => {
    const document = parse('query($id: ID!, $n: Int) { homepage(profileId: $id) { requestId } profiles(first: $n) { nodes { id } } }');
    const operation = document.definitions[0] as OperationDefinitionNode;
    expect(measureOperation(schema, document, operation, { id: { not: 'an id' }, n: 5 }).cost).toBe(0);
    expect(measureOperation(schema, document, operation, { id: 'a1-p1', n: 5 }).cost).toBeGreaterThan(100);
  });

  it('refuses a null given to a non-null argument with a default: measured at 0, it would let any work through', () => {
    // Execution fails only viewingHistory for it, and would run the four homepages.
    const query = `query($p: ID!, $n: Int) {
      profile(id: $p) { viewingHistory(first: $n) { title { name } } }
      ${[1, 2, 3, 4].map((i) => `h${i}: homepage(profileId: $p) { rows { items { title { name } } } }`).join(' ')} }`;
    expect(figures(query, { p: 'a1-p1', n: null }).cost).toBe(Number.POSITIVE_INFINITY);
    expect(exceededLimit(figures(query, { p: 'a1-p1', n: null }), DEFAULT_OPERATION_LIMITS.account)).toBe('cost');
    expect(figures(query, { p: 'a1-p1', n: 5 }).cost).toBeLessThan(Number.POSITIVE_INFINITY);
  });

  it('keys remembered costs by coerced values: deeply nested JSON in a cost variable is refused, not serialised', () => {
    let deep: unknown = 't1';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(figures('query($ids: [ID!]!) { titles(ids: $ids) { name } }', { ids: deep }).cost).toBe(0);
  });

  it('leaves variables that do not coerce to execution, which refuses them as BAD_USER_INPUT', () => {
    const badVariables = figures('query($ids: [ID!]!) { titles(ids: $ids) { name } }', { ids: 'not a list' });
    expect(exceededLimit(badVariables, DEFAULT_OPERATION_LIMITS.anonymous)).toBeUndefined();
  });
});
