import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

/** The query the IDE opens with: a homepage for the first profile, found through `profiles`. */
export const EXAMPLE_QUERY = `# Needs the profile's account token (npm run token -- --account a1)
# in Headers below: {"Authorization": "Bearer <token>"}; or open /#token=<token>
# Press the run button. Your profiles: { profiles(first: 10) { nodes { id name } } }
query Homepage {
  homepage(profileId: "a1-p1", context: { device: TV, localTime: "2026-11-27T20:00" }) {
    requestId
    rows {
      displayTitle
      reason
      items { title { name genres } artwork { url theme } reason sources }
    }
  }
}
`;

/** Static files of the IDE, all from installed npm packages: the page works with no network. */
const ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  'react.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  'react-dom.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' },
  'graphiql.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  'graphiql.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
};

function assetPath(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

function page(exampleProfileId: string): string {
  const query = EXAMPLE_QUERY.replace('a1-p1', exampleProfileId);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Homepage API · GraphiQL</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/ide/graphiql.css">
<style>html,body,#ide{height:100%;margin:0}</style></head>
<body><div id="ide">Loading the GraphQL IDE…</div>
<script src="/ide/react.js"></script><script src="/ide/react-dom.js"></script><script src="/ide/graphiql.js"></script>
<script>
// A #token=… fragment (browsers never send it, so it stays out of server logs) fills the headers;
// the address bar drops it. Headers are not persisted, so the token ends with the tab.
const fragment = /^#(?:.*&)?token=([^&]*)/.exec(location.hash);
const token = fragment ? decodeURIComponent(fragment[1]).trim() : '';
if (fragment) history.replaceState(null, '', location.pathname + location.search);
// \`headers\` (not defaultHeaders, which tabs restored from localStorage ignore) replaces the editor's contents.
const headers = token ? JSON.stringify({ Authorization: 'Bearer ' + token }, null, 2) : undefined;
const fetcher = GraphiQL.createFetcher({ url: '/graphql' });
ReactDOM.createRoot(document.getElementById('ide')).render(
  React.createElement(GraphiQL, { fetcher, defaultQuery: ${JSON.stringify(query)}, headers, defaultEditorToolsVisibility: 'headers', shouldPersistHeaders: false }),
);
</script></body></html>`;
}

/** GET / serves GraphiQL; /ide/* its scripts and styles, read once at start. */
export function ideRouter(exampleProfileId: () => Promise<string>): Router {
  const router = express.Router();
  const files = Object.fromEntries(
    Object.entries(ASSETS).map(([name, a]) => [name, { body: readFileSync(assetPath(a.pkg, a.file)), type: a.type }]),
  );
  router.get('/', async (_req, res, next) => {
    try {
      res.type('html').send(page(await exampleProfileId()));
    } catch (err) {
      next(err);
    }
  });
  router.get('/ide/:file', (req, res) => {
    const file = files[req.params.file];
    if (!file) return void res.status(404).send('not found');
    res.set('Cache-Control', 'public, max-age=86400').type(file.type).send(file.body);
  });
  return router;
}
