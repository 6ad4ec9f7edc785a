import { Rng } from '../../src/shared/random';
import { batched, bodyShape, deepJson, huge, malformedJson, persistedQueries, wrongContentType } from './hostile-bodies';
import { bearer, bodyOf, caller, graphql, post, type Ctx, type Draft, type FuzzCase } from './hostile-callers';
import { bomb, directiveAbuse, fragmentAbuse, syntaxGarbage, unknownFields } from './hostile-documents';
import { getRequests, headerAbuse, paths, raw } from './hostile-http';
import { hostileWrites, mutatedArguments, plainRead, type FuzzFixture } from './hostile-operations';

export type { FuzzCase } from './hostile-callers';
export type { FuzzFixture } from './hostile-operations';

/** A valid read under every kind of credential other than a valid account token. */
function tokens(c: Ctx): Draft {
  const who = caller(c, 'not-own');
  return post(who, bodyOf(plainRead({ ...c, account: who.account })));
}

/** New titles with hostile input from an admin, the one caller whose addTitle reaches validation. */
function catalogWrites(c: Ctx): Draft {
  const account = c.rng.pick(c.fx.accounts);
  return post({ headers: [bearer(c.rng.pick(c.fx.tokens.admin))], account }, bodyOf(mutatedArguments({ ...c, account }, 'addTitle')));
}

/** Any of the above, sent to the server whose quotas are a few requests a minute. */
function quota(c: Ctx): Draft {
  return { ...c.rng.pick([graphql(plainRead), graphql(mutatedArguments), graphql(bomb), tokens])(c), tightQuota: true };
}

/** The mix, by weight: GraphQL documents with hostile arguments are the largest part. */
const FAMILIES: [string, number, (c: Ctx) => Draft][] = [
  ['arguments', 22, graphql(mutatedArguments)],
  ['syntax', 8, graphql(syntaxGarbage)],
  ['json', 6, malformedJson],
  ['content-type', 5, wrongContentType],
  ['body-shape', 4, bodyShape],
  ['batch', 3, batched],
  ['huge', 3, huge],
  ['deep-json', 3, deepJson],
  ['unknown-fields', 3, graphql(unknownFields)],
  ['fragments', 3, graphql(fragmentAbuse)],
  ['directives', 3, graphql(directiveAbuse)],
  ['bombs', 7, graphql(bomb)],
  ['writes', 6, graphql(hostileWrites)],
  ['catalog-writes', 2, catalogWrites],
  ['tokens', 4, tokens],
  ['headers', 4, headerAbuse],
  ['get', 5, getRequests],
  ['paths', 4, paths],
  ['raw', 3, raw],
  ['persisted', 2, persistedQueries],
  ['quota', 3, quota],
];

/** `count` hostile requests, the same ones for the same seed and fixture. */
export function* hostileRequests(seed: number, count: number, fx: FuzzFixture): Generator<FuzzCase> {
  const rng = new Rng(seed);
  const weights = FAMILIES.map(([, w]) => w);
  for (let i = 0; i < count; i++) {
    const [family, , make] = FAMILIES[rng.weightedIndex(weights)];
    yield { family, ...make({ rng: rng.fork(i), fx }) };
  }
}
