import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApolloServer } from '@apollo/server';
import { EmbeddedStore } from '../../graph/embedded/embedded-store';
import type { Store } from '../../graph/store';
import { loadDataset } from '../../src/catalog/load-dataset';
import { DEFAULT_ALS, type AlsOptions } from '../../src/retrieval/als';
import { DEFAULT_FEEDBACK } from '../../src/retrieval/implicit-feedback';
import { trainBundle } from '../../src/training/train-bundle';
import type { ModelBundle } from '../../src/training/model-bundle';
import { createApollo } from '../../src/server/app';
import { createContext, type RequestContext } from '../../src/server/context';
import { createLogger } from '../../src/server/logger';
import { createServices, type Services } from '../../src/server/services';
import { generateWorld, observable, type World } from '../../src/world/generate';

let world: World | undefined;
/** The small world, generated once per test file (it takes well under a second). */
export function smallWorld(): World {
  world ??= generateWorld('small', 7);
  return world;
}

export interface AppHarness {
  services: Services;
  apollo: ApolloServer<RequestContext>;
  world: World;
  /** Runs one operation in process; returns data and errors like an HTTP client would see them. */
  run<T = any>(query: string, variables?: Record<string, unknown>): Promise<{ data?: T; errors?: { message: string; extensions?: any; path?: any }[] }>;
  close(): Promise<void>;
}

/**
 * The whole app holding the small world: on the embedded store over a fresh temporary DATA_DIR,
 * or on the empty store `openStore` gives.
 */
export async function startHarness(options: { clock?: () => number; openStore?: () => Promise<Store>; als?: AlsOptions; cacheSeconds?: number } = {}): Promise<AppHarness> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'app-'));
  const clock = options.clock ?? Date.now;
  const store = options.openStore ? await options.openStore() : await EmbeddedStore.open(dir);
  await loadDataset(store, observable(smallWorld()));
  const services = await createServices(store, await trainTestBundle(store, options.als), { clock, cacheSeconds: options.cacheSeconds });
  const apollo = await createApollo(services, createLogger('silent'));
  await apollo.start();
  return {
    services,
    apollo,
    world: smallWorld(),
    async run(query, variables) {
      const res = await apollo.executeOperation({ query, variables }, { contextValue: createContext(services, 'http://test') });
      if (res.body.kind !== 'single') throw new Error('unexpected incremental response');
      return res.body.singleResult as any;
    },
    async close() {
      await apollo.stop();
      await services.close();
      await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A whole bundle (retrieval and ranker) for a test store, small enough to train in seconds. */
export function trainTestBundle(store: Store, als: AlsOptions = DEFAULT_ALS): Promise<ModelBundle> {
  return trainBundle(store, { als, feedback: DEFAULT_FEEDBACK, ranker: { windowShare: 0.25, maxRequests: 3000, seed: 7 } });
}
