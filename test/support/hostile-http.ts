import { bearer, bodyOf, caller, JSON_TYPE, type Ctx, type DocFamily, type Draft, type FuzzCase, type Header } from './hostile-callers';
import { bomb, syntaxGarbage } from './hostile-documents';
import { mutatedArguments, plainRead } from './hostile-operations';
import { damage, randomBytes } from './hostile-values';

// Requests that go wrong before GraphQL: headers, GET query strings, methods and paths, bytes that are barely HTTP.

/** Repeated and conflicting credentials, headers near and over the 16 KB limit, proxy and origin headers. */
export function headerAbuse(c: Ctx): Draft {
  const own = caller(c, 'any');
  const { account } = own;
  const body = bodyOf(plainRead({ ...c, account }));
  const junk = (n: number): Header => ['x-junk', 'j'.repeat(n)];
  const headers = c.rng.pick<Header[]>([
    [bearer(account.token), bearer(account.token)],
    [bearer(account.token), bearer(c.rng.pick(c.fx.tokens.partner))],
    [bearer(account.token), ['authorization', 'Basic YTpi']],
    [bearer(account.token), ['x-api-key', c.rng.pick(c.fx.tokens.partner)]],
    [
      ['x-api-key', c.rng.pick(c.fx.tokens.partner)],
      ['x-api-key', c.rng.pick(c.fx.tokens.partner)],
    ],
    [['x-api-key', ' ']],
    [['x-api-key', 'two keys']],
    [bearer(account.token), junk(15_000)],
    [bearer(account.token), junk(17_000)],
    [bearer(account.token), ...Array.from({ length: 500 }, (_, i): Header => [`x-h${i}`, 'v'])],
    [['authorization', `Bearer ${'t'.repeat(15_000)}`]],
    [bearer(account.token), ['content-type', 'text/plain']],
    [bearer(account.token), ['origin', 'https://evil.example'], ['cookie', 'session=1; x=2']],
    [bearer(account.token), ['x-forwarded-for', '1.2.3.4, 5.6.7.8'], ['x-forwarded-proto', 'gopher'], ['forwarded', 'for=evil']],
    [bearer(account.token), ['host', 'evil.example']],
    [bearer(account.token), ['x-apollo-operation-name', 'x'.repeat(1000)], ['apollo-require-preflight', 'true']],
    [bearer(account.token), ['accept', 'application/graphql-response+json;q=0.9, text/html']],
    [bearer(account.token), ['accept', 'multipart/mixed; deferSpec=20220824']],
    [bearer(account.token), ['authorization', 'Bearer \u00ff\u00fe']],
  ]);
  return { method: 'POST', path: '/graphql', headers: [JSON_TYPE, ...headers], body };
}

/** GraphQL over GET, with and without the header Apollo's CSRF prevention requires, with damaged query strings. */
export function getRequests(c: Ctx): Draft {
  const who = caller(c);
  const doc = c.rng.pick<DocFamily>([plainRead, plainRead, mutatedArguments, syntaxGarbage, bomb])({ ...c, account: who.account });
  const params = [`query=${encodeURIComponent(doc.query)}`];
  if (doc.variables) params.push(`variables=${encodeURIComponent(JSON.stringify(doc.variables))}`);
  if (doc.operationName) params.push(`operationName=${doc.operationName}`);
  const extra = c.rng.pick<string[]>([
    [],
    [],
    ['variables=%7Bnot'],
    ['variables=[]'],
    ['extensions=%7B%22persistedQuery%22%3A1%7D'],
    ['query=%7B__typename%7D'],
    ['operationName=a', 'operationName=b'],
    ['x=%E0%A4%A'],
    ['x=%'],
    ['x=%zz'],
    [`pad=${'p'.repeat(c.rng.pick([10_000, 20_000]))}`],
  ]);
  let query = [...params, ...extra].join('&');
  if (c.rng.chance(0.1)) query = damage(c.rng, query).replace(/[^\x21-\x7e]/g, '%');
  const preflight = c.rng.pick<Header[]>([
    [],
    [['apollo-require-preflight', 'true']],
    [['x-apollo-operation-name', 'Fuzz']],
    [JSON_TYPE],
    [['content-type', 'text/plain']],
  ]);
  const html = c.rng.chance(0.1);
  return {
    method: 'GET',
    path: `/graphql?${query}`,
    headers: [...who.headers, ...preflight, ...(html ? [['accept', 'text/html'] as Header] : [])],
    page: html,
  };
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'MKCOL', 'SEARCH', 'PURGE', 'FOO'];
const PATHS = [
  '/',
  '/graphql',
  '/graphql/',
  '/GRAPHQL',
  '/graphql/..',
  '//graphql',
  '/graphql%00',
  '/graphql;x=1',
  '/artwork/t1-a1.svg',
  '/artwork/nope.svg',
  '/artwork/t1-a1.png',
  '/artwork/%',
  '/artwork/%E0%A4%A.svg',
  `/artwork/${'x'.repeat(5_000)}.svg`,
  '/health/live',
  '/health/ready',
  '/health',
  '/ide/graphiql.js',
  '/ide/../package.json',
  '/ide/%2e%2e%2fpackage.json',
  '/preview',
  '/preview/preview.js',
  '/.env',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/api/v1/graphql',
  '/graphql?x=%',
  '/?query=%7B__typename%7D',
  '*',
];

/** Any method on any path: the API's, the IDE's, the posters', traversals and nonsense. */
export function paths(c: Ctx): Draft {
  const method = c.rng.pick(METHODS);
  let path = c.rng.chance(0.2)
    ? `/${Array.from({ length: c.rng.int(1, 6) }, () => c.rng.int(0, 1e6).toString(36)).join('/')}`
    : c.rng.pick(PATHS);
  if (path === '/artwork/t1-a1.svg') path = `/artwork/${c.rng.pick(c.rng.pick(c.fx.titles).artworks)}.svg`;
  const page = /^\/($|\?|ide\/|preview|artwork\/)/.test(path);
  const withBody = method !== 'GET' && method !== 'HEAD' && c.rng.chance(0.5);
  const who = caller(c);
  return {
    method,
    path,
    headers: [...who.headers, ...(withBody ? [JSON_TYPE] : [])],
    body: withBody ? bodyOf(plainRead({ ...c, account: who.account })) : undefined,
    page,
  };
}

/** Bytes that are not a well-formed HTTP/1.1 request, or only barely. */
export function raw(c: Ctx): Draft {
  const json = '{"query":"{ __typename }"}';
  const cases: [string | Buffer, Pick<FuzzCase, 'mayClose' | 'page'>?][] = [
    ['GARBAGE\r\n\r\n'],
    ['GET / HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n'],
    ['POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}'],
    ['POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'],
    [
      'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFF\r\n{}\r\n0\r\n\r\n',
    ],
    ['GET /\r\n\r\n', { page: true }],
    ['GET /health/live HTTP/1.1\r\n\r\n'],
    ['GET /health/live HTTP/1.0\r\n\r\n'],
    ['get /health/live HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['GET http://evil.example/graphql HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['GET /health/live HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n b\r\n\r\n'],
    ['GET /health/live HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\n\r\n'],
    ['GET /health/live HTTP/9.9\r\nHost: x\r\n\r\n'],
    ['GET /health/live\u0000 HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['GET /gr aph ql HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['GET /graphql?query=%7B%20__typename%20%7D&x=ñ HTTP/1.1\r\nHost: x\r\napollo-require-preflight: 1\r\n\r\n'],
    ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
    ['CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', { mayClose: true }],
    [
      `POST /graphql HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n${json}`,
    ],
    ['POST /graphql HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 0\r\n\r\n'],
    ['GET /health/live HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n'],
    ['GET /health/live HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n'],
    ['POST /graphql HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n'],
    [
      `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${json.length}\r\n\r\n${json}GET /x HTTP/1.1\r\n\r\n`,
    ],
    [
      `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: Bearer \u0001\r\nContent-Length: ${json.length}\r\n\r\n${json}`,
    ],
    [
      Buffer.concat([
        Buffer.from('GET /health/live HTTP/1.1\r\nHost: x\r\nX-Bin: '),
        Buffer.from([0xc3, 0x28, 0xff]),
        Buffer.from('\r\n\r\n'),
      ]),
    ],
    [Buffer.concat([randomBytes(c.rng, c.rng.int(1, 200)), Buffer.from('\r\n\r\n')])],
  ];
  const [bytes, flags] = c.rng.pick(cases);
  return { method: 'RAW', path: '', headers: [], raw: Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'latin1'), ...flags };
}
