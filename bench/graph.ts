import 'reflect-metadata';
import { Command, Option } from 'commander';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../graph/embedded/embedded-store';
import { connectNeo4j } from '../graph/neo4j/connect';
import { Neo4jStore } from '../graph/neo4j/neo4j-store';
import type { Store } from '../graph/store';
import { stageProgress } from '../src/shared/progress';
import { WORLD_SIZES, type WorldSize } from '../src/domain/dataset';
import { DEFAULT_ALS } from '../src/retrieval/als';
import { DEFAULT_FEEDBACK } from '../src/retrieval/implicit-feedback';
import { DEFAULT_RANKER_TRAINING } from '../src/models/bundle-options';
import { trainBundle } from '../src/training/train-bundle';
import { createApollo } from '../src/server/app';
import { createContext } from '../src/server/context';
import { createLogger } from '../src/shared/logger';
import { createServices } from '../src/server/services';
import { buildSimilarityGraph } from '../src/similarity/similarity-graph';
import { generateWorld, observable } from '../src/world/generate';
import { authorization, benchAuthenticator } from './bench-auth';
import { percentiles, printReport, type Measurement } from './report';
import { errorStack } from '../src/shared/error-message';

const launcher = require('../../graph/neo4j-launcher/control') as {
  start(o: { port: number; log?: (m: string) => void }): Promise<{ uri: string; reused: boolean }>;
  stop(o: { port: number; log?: (m: string) => void }): Promise<void>;
};

const QUERY = 'query($id: ID!) { similarTitles(titleId: $id, limit: 20) { score reason title { id name } } }';
const seconds = (since: number) => (performance.now() - since) / 1000;

/**
 * `npm run bench -- graph [--size default] [--requests 2000]`: builds the SIMILAR_TO graph,
 * loads the world into Neo4j (NEO4J_URI, or a launcher started on NEO4J_TEST_PORT + 2) and into
 * the embedded store, then times similarTitles on both, store call and GraphQL, in one run.
 */
async function main(): Promise<void> {
  const opts = new Command('bench graph')
    .description(
      'build the SIMILAR_TO graph, load the world into Neo4j and the embedded store, and time similarTitles on both (store call and GraphQL)',
    )
    .addOption(new Option('--size <size>', 'world size').choices(WORLD_SIZES).default('default'))
    .option('--requests <n>', 'similarTitles calls per measurement', (v) => Number.parseInt(v, 10), 2000)
    .option('--wipe', 'allow deleting everything in the database NEO4J_URI points at')
    .parse()
    .opts<{ size: WorldSize; requests: number; wipe?: boolean }>();
  if (process.env.NEO4J_URI && !opts.wipe) {
    throw new Error(
      `the graph benchmark empties its database; pass --wipe to let it empty ${process.env.NEO4J_URI}, or unset NEO4J_URI to use a launcher of its own`,
    );
  }
  const progress = stageProgress();
  const world = observable(generateWorld(opts.size, 7, progress.update));
  let t = performance.now();
  const similarity = buildSimilarityGraph(world.titles, world.playbacks, undefined, (d, n) => progress.update('similarity', d, n));
  const similaritySeconds = seconds(t);

  const port = Number(process.env.NEO4J_TEST_PORT ?? 7687) + 2;
  const started = process.env.NEO4J_URI ? null : await launcher.start({ port, log: (m) => process.stderr.write(`${m}\n`) });
  const uri = process.env.NEO4J_URI ?? started!.uri;
  const { driver, cypher } = await connectNeo4j({
    uri,
    user: process.env.NEO4J_USER ?? 'neo4j',
    password: process.env.NEO4J_PASSWORD ?? 'bench',
    attempts: 5,
  });
  await cypher.autoCommit('MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 1000 ROWS');
  const neo4j = await Neo4jStore.open(cypher, () => driver.close());
  t = performance.now();
  await neo4j.bulkLoad(world, similarity, progress.update);
  const neo4jLoadSeconds = seconds(t);

  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-graph-'));
  const embedded = await EmbeddedStore.open(dir);
  t = performance.now();
  await embedded.bulkLoad(world, similarity, progress.update);
  const embeddedLoadSeconds = seconds(t);

  const ids = world.titles.map((x) => x.id);
  const loadedRows =
    ids.length + world.accounts.length + world.profiles.length + world.playbacks.length + world.impressions.length + similarity.length;
  const rows: Measurement[] = [
    { name: 'similarity build', unit: 's', value: similaritySeconds },
    { name: 'similarity build', unit: 'titles/s', value: ids.length / similaritySeconds },
    { name: 'load into Neo4j', unit: 's', value: neo4jLoadSeconds },
    { name: 'load into Neo4j', unit: 'titles/s', value: ids.length / neo4jLoadSeconds },
    { name: 'load into Neo4j (titles, people, events, edges)', unit: 'rows/s', value: loadedRows / neo4jLoadSeconds },
    { name: 'load into embedded', unit: 's', value: embeddedLoadSeconds },
  ];
  const p50s: Record<string, number> = {};
  const bundle = await trainBundle(embedded, { als: DEFAULT_ALS, feedback: DEFAULT_FEEDBACK, ranker: DEFAULT_RANKER_TRAINING });
  const auth = benchAuthenticator();
  const headers = await authorization(auth, { kind: 'partner', partner: 'bench' });
  for (const [name, store] of [
    ['embedded', embedded],
    ['Neo4j', neo4j],
  ] as [string, Store][]) {
    const services = await createServices(store, bundle);
    const apollo = await createApollo(services, createLogger('silent'));
    await apollo.start();
    const direct: number[] = [];
    const graphql: number[] = [];
    for (let i = 0; i < opts.requests; i++) {
      const id = ids[(i * 7919) % ids.length];
      let s = performance.now();
      await store.similarTitles(id, 20);
      direct.push(performance.now() - s);
      s = performance.now();
      // The context is part of the request: it verifies the partner key.
      const contextValue = await createContext(services, auth, { baseUrl: 'http://bench', headers });
      const res = await apollo.executeOperation({ query: QUERY, variables: { id } }, { contextValue });
      graphql.push(performance.now() - s);
      // A refused token would time a fast error, not a page.
      if (res.body.kind !== 'single' || res.body.singleResult.errors)
        throw new Error(`GraphQL failed for ${id}: ${JSON.stringify(res.body)}`);
      progress.update(`similarTitles ${name}`, i + 1, opts.requests);
    }
    await apollo.stop();
    await services.close();
    const d = percentiles(direct);
    const g = percentiles(graphql);
    p50s[name] = g.p50;
    rows.push(
      { name: `similarTitles store call, ${name}`, unit: 'ms', ...d },
      { name: `similarTitles via GraphQL, ${name}`, unit: 'ms', ...g },
    );
  }
  rows.push({ name: 'GraphQL similarTitles p50, Neo4j / embedded', unit: 'ratio', value: p50s.Neo4j / p50s.embedded });
  progress.stop();
  await Promise.all([embedded.close(), neo4j.close()]);
  await fs.rm(dir, { recursive: true, force: true });
  if (started && !started.reused) await launcher.stop({ port, log: () => {} });
  printReport(
    'graph',
    {
      size: opts.size,
      requests: opts.requests,
      cpus: os.cpus().length,
      titles: ids.length,
      edges: similarity.length,
      playbacks: world.playbacks.length,
      impressions: world.impressions.length,
      neo4j: uri,
    },
    rows,
  );
}

main().catch((err) => {
  process.stderr.write(`${errorStack(err)}\n`);
  process.exit(1);
});
