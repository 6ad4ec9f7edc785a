/** `npm run bench -- <name> [options]`: runs one benchmark from bench/. */
const BENCHES: Record<string, string> = {
  homepage: './homepage',
  graph: './graph',
  hnsw: './hnsw',
  retrieval: './retrieval',
  ranking: './ranking',
  http: './http',
  privacy: './privacy',
};

const name = process.argv[2] ?? 'homepage';
if (!BENCHES[name]) {
  process.stderr.write(`unknown benchmark ${JSON.stringify(name)}; known: ${Object.keys(BENCHES).join(', ')}\n`);
  process.exit(2);
}
process.argv.splice(2, 1);
void import(BENCHES[name]);
