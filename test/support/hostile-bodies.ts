import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { bodyOf, caller, post, type Ctx, type Draft, type Header } from './hostile-callers';
import { mutatedArguments, plainRead } from './hostile-operations';
import { damage, randomBytes } from './hostile-values';

// POST bodies that are not what a GraphQL client sends: broken JSON, other media types, wrong shapes, sizes and depths.

/** JSON cut short, damaged, padded with junk, or not UTF-8 at all. */
export function malformedJson(c: Ctx): Draft {
  const who = caller(c);
  const valid = bodyOf(plainRead({ ...c, account: who.account }));
  const body = c.rng.pick<() => string | Buffer>([
    () => valid.slice(0, c.rng.int(0, valid.length - 1)),
    () => randomBytes(c.rng, c.rng.int(1, 300)),
    () => valid + c.rng.pick(['}', ',', 'x', '\u0000', ' {}', '\n\n[']),
    () => `\ufeff${valid}`,
    () => valid.replace(/"/g, "'"),
    () => `/* comment */ ${valid}`,
    () => '{"query": NaN}',
    () => valid.replace(/}$/, ', }'),
    () => Buffer.concat([Buffer.from('{"query":"{ title(id: \\"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('\\") { id } }"}')]),
    () => '{"query":"{ title(id: \\"\\ud800\\") { id } }"}',
    () => '{"query":"{ nope }","query":"{ __typename }"}',
    () => '{"query":"{ __typename }","variables":{"a":1e999999}}',
    () => damage(c.rng, valid),
    () => '['.repeat(c.rng.int(1, 50_000)),
  ])();
  return post(who, body);
}

/** A valid request under a media type, charset or content encoding the server does not take (or one it does, compressed). */
export function wrongContentType(c: Ctx): Draft {
  const who = caller(c);
  const doc = plainRead({ ...c, account: who.account });
  const valid = bodyOf(doc);
  if (c.rng.chance(0.3)) {
    const encoding = c.rng.pick(['gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip']);
    const body = encoding === 'gzip' && c.rng.chance(0.5) ? gzipSync(valid) : c.rng.chance(0.5) ? randomBytes(c.rng, 64) : valid;
    return post(who, body, [['content-encoding', encoding]]);
  }
  const type = c.rng.pick([
    'text/plain',
    'text/plain;charset=utf-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/graphql',
    'application/graphql-response+json',
    'application/json; charset=latin1',
    'application/json; charset=utf-16',
    'application/json; charset=bogus',
    'APPLICATION/JSON',
    'application/json;;;',
    'application/json, text/plain',
    '*/*',
    'application/xml',
    'application/merge-patch+json',
    '',
  ]);
  const body = type.startsWith('application/x-www')
    ? `query=${encodeURIComponent(doc.query)}`
    : type === 'application/graphql'
      ? doc.query
      : valid;
  return { method: 'POST', path: '/graphql', headers: [...(type ? [['content-type', type] as Header] : []), ...who.headers], body };
}

/** Valid JSON of the wrong shape: not an object, fields of the wrong type, operations that cannot be told apart. */
export function bodyShape(c: Ctx): Draft {
  const who = caller(c);
  const query = plainRead({ ...c, account: who.account }).query;
  const field = c.rng.pick(['query', 'variables', 'operationName', 'extensions']);
  const wrong = c.rng.pick<unknown>([1, [], {}, null, true, '', 'x', 'null', [query], { query }]);
  const body = c.rng.pick<() => unknown>([
    () => c.rng.pick<unknown>([[], 'str', 1, true, null, {}, [[]], [null]]),
    () => ({ query, [field]: wrong }),
    () => ({ query, id: 1, documentId: 'x', extra: { deep: true } }),
    () => ({
      query: `query A { __typename } mutation B { setPersonalization(profileId: "${who.account.profiles[0]}", enabled: true) { id } }`,
    }),
    () => ({ query: 'query A { __typename } query B { __typename }', operationName: c.rng.pick(['B', 'C', '', 'A B']) }),
    () => ({ query: '{ __typename }', operationName: 'Other' }),
  ])();
  return post(who, JSON.stringify(body));
}

/** Arrays of operations: batching is off in Apollo Server 5, so each is one refusal. */
export function batched(c: Ctx): Draft {
  const who = caller(c);
  const n = c.rng.int(1, 50);
  const ops = Array.from({ length: n }, () => (c.rng.chance(0.7) ? plainRead : mutatedArguments)({ ...c, account: who.account }));
  return post(who, JSON.stringify(c.rng.chance(0.9) ? ops : [1, 'x', null, ops]));
}

/** Strings, comments, names and numbers of hundreds of KB, around the body limit of 512 KB. */
export function huge(c: Ctx): Draft {
  const who = caller(c);
  const big = (n: number) => 'x'.repeat(n);
  const body = c.rng.pick<() => string>([
    () => bodyOf({ query: `{ title(id: "${big(400_000)}") { id } }` }),
    () => bodyOf({ query: `# ${big(400_000)}\n{ __typename }` }),
    () => bodyOf({ query: '{'.repeat(400_000) }),
    () => bodyOf({ query: 'query($s: ID!) { title(id: $s) { id } }', variables: { s: big(450_000) } }),
    () => bodyOf({ query: '{ __typename }', operationName: big(300_000) }),
    () => bodyOf({ query: `{ title(id: "${big(600_000)}") { id } }` }),
    () => bodyOf({ query: '{ __typename }', variables: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`v${i}`, i])) }),
    () => bodyOf({ query: `{ similarTitles(titleId: "t1", limit: ${'9'.repeat(100_000)}) { score } }` }),
    () => bodyOf({ query: `{ title(id: "${'𝔘'.repeat(c.rng.pick([50_000, 150_000]))}") { id } }` }),
  ])();
  return post(who, body);
}

/** JSON nested tens of thousands deep, in every member of the body. */
export function deepJson(c: Ctx): Draft {
  const who = caller(c);
  const n = c.rng.int(1_000, 60_000);
  const arrays = `${'['.repeat(n)}${']'.repeat(n)}`;
  const objects = `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
  const body = c.rng.pick([
    `{"query":"{ __typename }","variables":{"a":${arrays}}}`,
    `{"query":"{ __typename }","extensions":${objects}}`,
    `{"query":"query($ids: [ID!]!) { titles(ids: $ids) { id } }","variables":{"ids":${arrays}}}`,
    `{"query":"query($c: ViewingContextInput) { homepage(profileId: \\"${who.account.profiles[0]}\\", context: $c) { requestId } }","variables":{"c":${objects.replace(/"a"/g, '"device"')}}}`,
    `{"query":"{ __typename }","x":${objects}}`,
    `{"query":"{ __typename }","operationName":${arrays}}`,
  ]);
  return post(who, body);
}

/** Automatic persisted queries: unknown, mismatched and malformed hashes and versions. */
export function persistedQueries(c: Ctx): Draft {
  const who = caller(c);
  const query = plainRead({ ...c, account: who.account }).query;
  const sha = createHash('sha256').update(query).digest('hex');
  const unknown = createHash('sha256')
    .update(String(c.rng.int(0, 1e9)))
    .digest('hex');
  const pq = (persistedQuery: unknown, withQuery = false) => ({ ...(withQuery ? { query } : {}), extensions: { persistedQuery } });
  const body = c.rng.pick<unknown>([
    pq({ version: 1, sha256Hash: unknown }),
    pq({ version: 1, sha256Hash: sha }, true),
    pq({ version: 1, sha256Hash: sha }),
    pq({ version: c.rng.pick([2, 0, '1', null]), sha256Hash: unknown }),
    pq({ sha256Hash: unknown }),
    pq({ version: 1, sha256Hash: unknown }, true),
    pq({ version: 1, sha256Hash: c.rng.pick([1, {}, '', 'zz', null]) }),
    pq(c.rng.pick(['x', [], true, 1])),
  ]);
  return post(who, JSON.stringify(body));
}
