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
import { generateWorld, observable } from '../src/world/generate';
import { authorization, benchAuthenticator } from './bench-auth';
import { percentiles, printReport } from './report';
import { errorStack } from '../src/shared/error-message';

const QUERY = `query($id: ID!) { homepage(profileId: $id, context: { device: TV }) {
  requestId rows { id displayTitle reason items { title { name } artwork { url } reason sources scores { utility } } } } }`;

/**
 * `npm run bench -- homepage [--size small|default] [--requests N]`: world generation, store load,
 * and the homepage built in process (pipeline only) and through GraphQL, per request p50/p99.
 */
async function main(): Promise<void> {
  const opts = new Command('bench homepage')
    .description('world generation, store load, and the homepage built in process and through GraphQL, p50/p99')
    .addOption(new Option('--size <size>', 'world size').choices(WORLD_SIZES).default('default'))
    .option('--requests <n>', 'homepages per measurement', (v) => Number.parseInt(v, 10), 500)
    .parse()
    .opts<{ size: WorldSize; requests: number }>();
  const progress = stageProgress();
  let t = performance.now();
  const world = generateWorld(opts.size, 7, progress.update);
  const generateSeconds = (performance.now() - t) / 1000;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-'));
  const store = await EmbeddedStore.open(dir);
  t = performance.now();
  await loadDataset(store, observable(world), progress.update);
  const loadSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  await store.close();
  const reopened = await EmbeddedStore.open(dir);
  const reopenSeconds = (performance.now() - t) / 1000;
  const services = await createServices(
    reopened,
    await trainBundle(reopened, { als: DEFAULT_ALS, feedback: DEFAULT_FEEDBACK, ranker: DEFAULT_RANKER_TRAINING }),
  );
  const apollo = await createApollo(services, createLogger('silent'));
  await apollo.start();
  const ids = world.profiles.map((p) => p.id);
  const auth = benchAuthenticator();
  const headers = new Map(
    await Promise.all(
      world.profiles.map(async (p) => [p.id, await authorization(auth, { kind: 'account', accountId: p.accountId })] as const),
    ),
  );
  const pipeline: number[] = [];
  const graphql: number[] = [];
  const stages = {
    request: [] as number[],
    retrieval: [] as number[],
    ranking: [] as number[],
    rows: [] as number[],
    artwork: [] as number[],
  };
  for (let i = 0; i < opts.requests; i++) {
    const id = ids[(i * 7919) % ids.length];
    await timeStages(services, id, stages);
    let s = performance.now();
    await services.homepage.homepage(id, { device: 'TV' });
    pipeline.push(performance.now() - s);
    s = performance.now();
    // The context is part of the request: it verifies the token.
    const contextValue = await createContext(services, auth, { baseUrl: 'http://bench', headers: headers.get(id)! });
    const res = await apollo.executeOperation({ query: QUERY, variables: { id } }, { contextValue });
    graphql.push(performance.now() - s);
    // A refused token would time a fast error, not a page.
    if (res.body.kind !== 'single' || res.body.singleResult.errors)
      throw new Error(`GraphQL failed for ${id}: ${JSON.stringify(res.body)}`);
    progress.update('homepages', i + 1, opts.requests);
  }
  progress.stop();
  await apollo.stop();
  await services.close();
  await reopened.close();
  await fs.rm(dir, { recursive: true, force: true });
  printReport('homepage', { size: opts.size, requests: opts.requests, cpus: os.cpus().length }, [
    { name: 'world generation', unit: 's', value: generateSeconds },
    { name: 'bulk load (snapshot write)', unit: 's', value: loadSeconds },
    { name: 'store open (snapshot + journal)', unit: 's', value: reopenSeconds },
    { name: 'homepage pipeline', unit: 'ms', ...percentiles(pipeline) },
    { name: 'homepage via GraphQL (in process)', unit: 'ms', ...percentiles(graphql) },
    ...Object.entries(stages).map(([stage, ms]) => ({ name: `stage: ${stage}`, unit: 'ms', ...percentiles(ms) })),
  ]);
}

/** The pipeline's stages one by one, as HomepageService runs them, each timed alone. */
async function timeStages(
  services: Services,
  profileId: string,
  into: Record<'request' | 'retrieval' | 'ranking' | 'rows' | 'artwork', number[]>,
): Promise<void> {
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
