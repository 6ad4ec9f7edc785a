import { damage, tokenSoup } from './hostile-values';
import { own, title, validDocument, type Ctx, type GraphqlBody } from './hostile-operations';

// GraphQL documents that are hostile as documents: bombs, unknown fields, fragment and directive abuse, syntax garbage.

const chain = (levels: number, profile: string) =>
  `{ profile(id: "${profile}") { ${'account { profiles { '.repeat(levels)}id${' } }'.repeat(levels)} } }`;
const aliased = (n: number, field: string) => `{ ${Array.from({ length: n }, (_, i) => `f${i}: ${field}`).join(' ')} }`;

/** Depth, alias, top-level-field, cost, token and introspection bombs: all to be refused before they run. */
export function bomb(c: Ctx): GraphqlBody {
  const p = own(c);
  const t = title(c).id;
  switch (c.rng.int(0, 8)) {
    case 0:
      return { query: chain(c.rng.int(5, 300), p) };
    case 1:
      return { query: aliased(c.rng.pick([31, 101, 300]), `homepage(profileId: "${p}") { requestId }`) };
    case 2:
      return { query: aliased(c.rng.pick([31, 101]), `title(id: "${t}") { id }`) };
    case 3:
      return {
        query: `{ ${Array.from({ length: c.rng.int(11, 25) }, (_, i) => (i % 2 ? `title(id: "${t}") { id }` : '__typename')).join(' ')} }`,
      };
    case 4:
      return {
        query: aliased(c.rng.int(2, 30), 'titles(ids: $ids) { name artwork { url } }').replace('{', 'query($ids: [ID!]!) {'),
        variables: { ids: Array.from({ length: 100 }, () => title(c).id) },
      };
    case 5:
      return {
        query: `{ profile(id: "${p}") { viewingHistory(first: 500) { title { artwork { url } } } account { profiles { viewingHistory(first: 500) { eventId } } } } }`,
      };
    case 6:
      return { query: `{ ${'__typename '.repeat(c.rng.int(3_001, 20_000))}}` };
    case 7: {
      const level = (k: number): string => (k === 0 ? 'name' : `name fields { type { ofType { ofType { ${level(k - 1)} } } } }`);
      return { query: `{ __schema { types { ${level(c.rng.int(2, 8))} } } }` };
    }
    default: {
      const n = c.rng.int(10, 40);
      const fragments = Array.from(
        { length: n },
        (_, i) => `fragment F${i} on Query { a${i}: title(id: "${t}") { id } ...F${i + 1} ...F${i + 1} }`,
      );
      return { query: `query { ...F0 } ${fragments.join(' ')} fragment F${n} on Query { __typename }` };
    }
  }
}

/** Fields, arguments and types the schema does not have, and selections of the wrong shape. */
export function unknownFields(c: Ctx): GraphqlBody {
  const p = own(c);
  return {
    query: c.rng.pick([
      '{ nope }',
      `{ homepage(profileId: "${p}") { nope } }`,
      '{ title(id: "t1", evil: 1) { id } }',
      '{ title(id: "t1") { id { deeper } } }',
      `{ homepage(profileId: "${p}") }`,
      '{ _service { sdl } }',
      '{ _entities(representations: []) { __typename } }',
      'mutation { dropEverything }',
      '{ __type(name: "Query") { name fields { name } } }',
      '{ __type(name: "\u0000") { name } }',
      '{ __typename @nope }',
      '{ ... on Mutation { __typename } }',
      '{ ... on Nope { __typename } }',
      'query Q { __typename } query Q { __typename }',
      'query A { __typename } query B { __typename }',
      'subscription { homepage }',
      'subscription S { title(id: "t1") { id } }',
      '{ title(id: "t1") { ... on Profile { id } } }',
    ]),
  };
}

/** Cycles, self-spreads, unknown and misplaced fragments. */
export function fragmentAbuse(c: Ctx): GraphqlBody {
  const p = own(c);
  return {
    query: c.rng.pick([
      `query { profile(id: "${p}") { ...A } } fragment A on Profile { account { profiles { ...B } } } fragment B on Profile { ...A }`,
      '{ ...Self } fragment Self on Query { ...Self }',
      '{ ...Missing }',
      '{ __typename } fragment Unused on Query { __typename }',
      '{ ...F } fragment F on Profile { id }',
      '{ ...F } fragment F on Nope { id }',
      '{ ...F } fragment F on Query { __typename } fragment F on Query { __typename }',
      `{ ${'... on Query { '.repeat(c.rng.int(5, 600))}__typename }`, // left unclosed
      `{ ${'... on Query { '.repeat(50)}__typename${' }'.repeat(50)} }`,
      `{ profile(id: "${p}") { ...on Profile { ...on Profile { account { ...on Account { profiles { id } } } } } } }`,
    ]),
  };
}

/** Directives with odd arguments, repeated, unknown, or where they do not belong. */
export function directiveAbuse(c: Ctx): GraphqlBody {
  const many = (d: string) => ` ${d}`.repeat(c.rng.int(2, 700));
  return c.rng.pick<GraphqlBody>([
    { query: '{ __typename @include(if: "yes") }' },
    { query: '{ __typename @include }' },
    { query: '{ __typename @include(if: null) }' },
    { query: '{ __typename @include(if: $nope) }' },
    { query: 'query($x: Boolean!) { __typename @include(if: $x) }', variables: { x: c.rng.pick(['yes', 1, null, [], {}]) } },
    { query: '{ __typename @include(if: true) @include(if: false) }' },
    { query: `{ title(id: "t1") { id${many('@skip(if: false)')} } }` },
    { query: `{ __typename${many('@include(if: true)')} }` },
    { query: '{ __typename @deprecated }' },
    { query: '{ __typename @specifiedBy(url: "x") }' },
    { query: '{ __typename @foo(bar: 1) }' },
    { query: '{ ... @defer { __typename } }' },
    { query: '{ titles(ids: ["t1"]) @stream(initialCount: 0) { id } }' },
    { query: 'query @include(if: true) { __typename }' },
    { query: 'query($a: Int @deprecated) { __typename }' },
    { query: '{ ...F } fragment F on Query @skip(if: true) { __typename }' },
    { query: `{ __typename @include(if: ${'!'.repeat(5)}true) }` },
  ]);
}

/** Documents of random tokens, and valid documents cut or damaged. */
export function syntaxGarbage(c: Ctx): GraphqlBody {
  if (c.rng.chance(0.35)) return { query: tokenSoup(c.rng) };
  const valid = validDocument(c);
  let text = valid;
  for (let i = c.rng.int(1, 3); i > 0; i--) text = damage(c.rng, text);
  return { query: text };
}
