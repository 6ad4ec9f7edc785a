import 'reflect-metadata';
import { loadDataset } from '../src/catalog/load-dataset';
import { Command, Option } from 'commander';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../graph/embedded/embedded-store';
import { WORLD_SIZES, type WorldSize } from '../src/domain/dataset';
import { stageProgress } from '../src/shared/progress';
import { DEFAULT_ALS } from '../src/retrieval/als';
import { DEFAULT_FEEDBACK } from '../src/retrieval/implicit-feedback';
import { DEFAULT_RANKER_TRAINING } from '../src/models/bundle-options';
import { trainBundle } from '../src/training/train-bundle';
import { createApollo } from '../src/server/app';
import { createContext } from '../src/server/context';
import { createLogger } from '../src/shared/logger';
import { createServices, type Services } from '../src/server/services';
import { generateWorld, observable, type World } from '../src/world/generate';
import { authorization, benchAuthenticator } from './bench-auth';
import { percentiles, printReport } from './report';
import { errorStack } from '../src/shared/error-message';
import { connectNeo4j } from '../graph/neo4j/connect';
import { Neo4jStore } from '../graph/neo4j/neo4j-store';
import { checkNeo4jTwin, openNeo4jTwin } from './neo4j-twin';

const QUERY = `query($id: ID!) { homepage(profileId: $id, context: { device: TV }) {
  requestId rows { id displayTitle reason items { title { name } artwork { url } reason sources scores { utility } } } } }`;

/**
 * `npm run bench -- homepage [--size small|default] [--requests N] [--neo4j]`: world generation,
 * store load, and the homepage built in process (pipeline only) and through GraphQL, per request
 * p50/p99. With `--neo4j` the same pages are built again from a Neo4j loaded with the same world
 * (bench/neo4j-twin.ts: the project's launcher, on this machine) with the same bundle, and the two
 * stores are compared.
 */
async function main(): Promise<void> {
  const opts = new Command('bench homepage')
    .description('world generation, store load, and the homepage built in process and through GraphQL, p50/p99')
    .addOption(new Option('--size <size>', 'world size').choices(WORLD_SIZES).default('default'))
    .option('--requests <n>', 'homepages per measurement', (v) => Number.parseInt(v, 10), 500)
    .option('--neo4j', 'also build the pages on STORE=neo4j (the project launcher, on this machine) with the same bundle')
    .parse()
    .opts<{ size: WorldSize; requests: number; neo4j?: boolean }>();
  if (opts.neo4j) checkNeo4jTwin();
  const progress = stageProgress();
  let t = performance.now();
  const world = generateWorld(opts.size, 7, progress.update);
  const generateSeconds = (performance.now() - t) / 1000;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-'));
  try {
    const store = await EmbeddedStore.open(dir);
    t = performance.now();
    await loadDataset(store, observable(world), progress.update);
    const loadSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    await store.close();
    const reopened = await EmbeddedStore.open(dir);
    const reopenSeconds = (performance.now() - t) / 1000;
    const bundle = await trainBundle(reopened, { als: DEFAULT_ALS, feedback: DEFAULT_FEEDBACK, ranker: DEFAULT_RANKER_TRAINING });
    const auth = benchAuthenticator();
    const headers = new Map(
      await Promise.all(
        world.profiles.map(async (p) => [p.id, await authorization(auth, { kind: 'account', accountId: p.accountId })] as const),
      ),
    );
    const ids = world.profiles.map((p) => p.id);
    const measure = async (label: string, services: Services): Promise<Timings> => {
      try {
        return await measureHomepages(services, {
          ids,
          requests: opts.requests,
          auth,
          headers,
          onProgress: (i) => progress.update(label, i, opts.requests),
        });
      } finally {
        await services.close();
      }
    };
    const embedded = await measure('homepages', await createServices(reopened, bundle));
    await reopened.close();
    const onNeo4j = opts.neo4j
      ? await onNeo4jTwin(world, dir, progress.update, async (store) =>
          measure('homepages on neo4j', await createServices(store, bundle, { storeName: 'neo4j' })),
        )
      : undefined;
    progress.stop();
    const rows = (prefix: string, r: Timings) => [
      { name: `${prefix}homepage pipeline`, unit: 'ms', ...percentiles(r.pipeline) },
      { name: `${prefix}homepage via GraphQL (in process)`, unit: 'ms', ...percentiles(r.graphql) },
      ...Object.entries(r.stages).map(([stage, ms]) => ({ name: `${prefix}stage: ${stage}`, unit: 'ms', ...percentiles(ms) })),
    ];
    const median = (xs: number[]) => percentiles(xs).p50;
    printReport('homepage', { size: opts.size, requests: opts.requests, cpus: os.cpus().length, neo4j: Boolean(opts.neo4j) }, [
      { name: 'world generation', unit: 's', value: generateSeconds },
      { name: 'bulk load (snapshot write)', unit: 's', value: loadSeconds },
      { name: 'store open (snapshot + journal)', unit: 's', value: reopenSeconds },
      ...rows('', embedded),
      ...(onNeo4j
        ? [
            ...rows('on Neo4j: ', onNeo4j),
            { name: 'Neo4j / embedded: p50 pipeline', unit: 'ratio', value: median(onNeo4j.pipeline) / median(embedded.pipeline) },
            { name: 'Neo4j / embedded: p50 via GraphQL', unit: 'ratio', value: median(onNeo4j.graphql) / median(embedded.graphql) },
          ]
        : []),
    ]);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** `use` on a Neo4j of its own loaded with `world` (bench/neo4j-twin.ts), closed after it, whatever failed. */
async function onNeo4jTwin<T>(
  world: World,
  dir: string,
  update: (stage: string, done: number, total: number) => void,
  use: (store: Neo4jStore) => Promise<T>,
): Promise<T> {
  const twin = await openNeo4jTwin(world, dir, update);
  try {
    const { driver, cypher } = await connectNeo4j({ uri: twin.uri, user: 'neo4j', password: 'test', attempts: 3 });
    const store = await Neo4jStore.open(cypher, () => driver.close());
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  } finally {
    await twin.close();
  }
}

type Stage = 'request' | 'retrieval' | 'ranking' | 'rows' | 'artwork';

interface Timings {
  pipeline: number[];
  graphql: number[];
  stages: Record<Stage, number[]>;
}

/** `requests` homepages of profiles spread over `ids`, each timed three ways: stage by stage, the pipeline, and through GraphQL. */
async function measureHomepages(
  services: Services,
  o: {
    ids: readonly string[];
    requests: number;
    auth: ReturnType<typeof benchAuthenticator>;
    headers: ReadonlyMap<string, Record<string, string>>;
    onProgress: (done: number) => void;
  },
): Promise<Timings> {
  const apollo = await createApollo(services, createLogger('silent'));
  await apollo.start();
  const out: Timings = { pipeline: [], graphql: [], stages: { request: [], retrieval: [], ranking: [], rows: [], artwork: [] } };
  try {
    for (let i = 0; i < o.requests; i++) {
      const id = o.ids[(i * 7919) % o.ids.length];
      await timeStages(services, id, out.stages);
      let s = performance.now();
      await services.homepage.homepage(id, { device: 'TV' });
      out.pipeline.push(performance.now() - s);
      s = performance.now();
      // The context is part of the request: it verifies the token.
      const contextValue = await createContext(services, o.auth, { baseUrl: 'http://bench', headers: o.headers.get(id)! });
      const res = await apollo.executeOperation({ query: QUERY, variables: { id } }, { contextValue });
      out.graphql.push(performance.now() - s);
      // A refused token would time a fast error, not a page.
      if (res.body.kind !== 'single' || res.body.singleResult.errors)
        throw new Error(`GraphQL failed for ${id}: ${JSON.stringify(res.body)}`);
      o.onProgress(i + 1);
    }
  } finally {
    await apollo.stop();
  }
  return out;
}

/** The pipeline's stages one by one, as HomepageService runs them, each timed alone. */
async function timeStages(services: Services, profileId: string, into: Record<Stage, number[]>): Promise<void> {
  const m = services.models.now;
  let s = performance.now();
  const req = await services.homepage.request(profileId, { device: 'TV' });
  into.request.push(performance.now() - s);
  s = performance.now();
  const candidates = await m.retrieval.generate(req);
  into.retrieval.push(performance.now() - s);
  s = performance.now();
  const ranked = await m.ranker.rank(req, candidates);
  into.ranking.push(performance.now() - s);
  s = performance.now();
  const rows = await services.homepage.stages.rows.build(req, ranked);
  into.rows.push(performance.now() - s);
  s = performance.now();
  await services.homepage.stages.artwork.choose(req, [
    ...new Map(rows.flatMap((r) => r.items.map((i) => [i.title.id, i.title] as const))).values(),
  ]);
  into.artwork.push(performance.now() - s);
}

main().catch((err) => {
  process.stderr.write(`${errorStack(err)}\n`);
  process.exit(1);
});
