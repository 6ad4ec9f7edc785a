/** `npm run bench -- <name> [options]`: runs one benchmark from bench/. */
const BENCHES = ['homepage', 'graph', 'hnsw', 'retrieval', 'ranking', 'http', 'privacy', 'abuse', 'simulate'];

const name = process.argv[2] ?? 'homepage';
if (!BENCHES.includes(name)) {
  process.stderr.write(`unknown benchmark ${JSON.stringify(name)}; known: ${BENCHES.join(', ')}\n`);
  process.exit(2);
}
process.argv.splice(2, 1);
// The compiled benchmark beside this file; an import (not require) so the module is named in full.
void import(`./${name}.js`);
