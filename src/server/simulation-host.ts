import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../../graph/embedded/embedded-store';
import { readDataset } from '../../graph/dataset-files';
import { Access } from '../auth/access';
import { Authenticator } from '../auth/authenticator';
import type { TokenPrincipal } from '../auth/principal';
import { loadDataset } from '../catalog/load-dataset';
import { monitoringSettings, trainingOptions, type Config } from '../config/config';
import type { WorldSize } from '../domain/dataset';
import type { SimulationWorld, SimulatorClient } from '../simulation/simulator';
import type { Logger } from '../shared/logger';
import { trainBundle } from '../training/train-bundle';
import { generateWorld, observable } from '../world/generate';
import { readWorldTruth } from '../world/files';
import { resolveAuthSecret } from '../auth/secret';
import { createApollo } from './app';
import { createContext } from './context';
import { createServices, type Services } from './services';

/** Where a simulation runs: the world it simulates, how it reaches the API, and what only the host can do. */
export interface SimulationHost {
  world: SimulationWorld;
  client: SimulatorClient;
  /** Runs one GraphQL operation as an admin (experiments). */
  asAdmin<T>(query: string, variables: Record<string, unknown>, at: number): Promise<T>;
  /** Trains a new bundle from the store's events and serves it (in process only). */
  retrain?(at: number): Promise<void>;
  /** The API's services (in process only): its models and its monitoring. */
  services?: Services;
  close(): Promise<void>;
}

type Progress = (stage: string, done: number, total: number) => void;

/**
 * The API in this process on a fresh world: generated for `size` and `seed` with its history
 * ending at `start` (day 0), loaded into an embedded store in a temporary folder, a bundle
 * trained on it, the services on a clock the simulation moves, and the GraphQL schema and
 * resolvers the server runs, called through Apollo's executeOperation with each account's access.
 */
export async function inProcessHost(o: {
  size: WorldSize;
  seed: number;
  start: number;
  config: Config;
  logger: Logger;
  onProgress?: Progress;
}): Promise<SimulationHost> {
  const world = generateWorld(o.size, o.seed, o.onProgress, o.start);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'simulation-'));
  const store = await EmbeddedStore.open(dir);
  await loadDataset(store, observable(world), o.onProgress);
  let now = o.start;
  const clock = () => now;
  const bundleOptions = trainingOptions(o.config);
  const services = await createServices(store, await trainBundle(store, bundleOptions, o.onProgress, clock), {
    clock,
    utility: o.config.UTILITY_WEIGHTS,
    explorationShare: o.config.EXPLORATION_SHARE,
    // Experiments started by the host are seen at once; no other replica starts any.
    experimentRefreshSeconds: 3600,
    randomSeed: `simulation:${o.seed}`,
    logger: o.logger,
    quality: monitoringSettings(o.config),
  });
  const apollo = await createApollo(services, o.logger);
  await apollo.start();
  // Requests carry their principal's access, so no token is ever verified: the secret is a throwaway.
  const authenticator = new Authenticator({ secret: randomBytes(32).toString('base64url'), anonymousCatalog: false });
  const run = async <T>(principal: TokenPrincipal, query: string, variables: Record<string, unknown>, at: number): Promise<T> => {
    now = Math.max(now, at);
    const contextValue = await createContext(services, authenticator, {
      baseUrl: 'http://simulation',
      headers: {},
      access: new Access(principal, services.store, false),
    });
    const res = await apollo.executeOperation({ query, variables }, { contextValue });
    if (res.body.kind !== 'single') throw new Error('unexpected incremental response');
    const { data, errors } = res.body.singleResult;
    if (errors?.length) throw new Error(`${errors[0].message} (${JSON.stringify(errors[0].extensions?.code)})`);
    return data as T;
  };
  return {
    world: { ...observable(world), truth: world.truth },
    client: {
      sendsEventTimes: true,
      asAccount: (accountId, query, variables, at) => run({ kind: 'account', accountId }, query, variables, at),
    },
    asAdmin: (query, variables, at) => run({ kind: 'admin', name: 'simulation' }, query, variables, at),
    services,
    async retrain(at) {
      now = Math.max(now, at);
      await services.models.swap(await trainBundle(store, bundleOptions, undefined, clock));
    },
    async close() {
      await apollo.stop();
      await services.close();
      await store.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A server started separately (`npm start`, docker compose): the world and its truth from its
 * DATA_DIR/world, tokens signed with its secret, requests over HTTP; event times are the server's.
 */
export async function httpHost(o: { url: string; config: Config }): Promise<SimulationHost> {
  const worldDir = path.join(o.config.DATA_DIR, 'world');
  const [data, truth] = await Promise.all([readDataset(worldDir), readWorldTruth(worldDir)]);
  const { secret } = await resolveAuthSecret(o.config);
  const auth = new Authenticator({ secret, anonymousCatalog: false });
  const tokens = new Map<string, Promise<string>>();
  const tokenOf = (p: TokenPrincipal, key: string) => {
    if (!tokens.has(key)) tokens.set(key, auth.sign(p, 7 * 86_400));
    return tokens.get(key)!;
  };
  const post = async <T>(token: string, query: string, variables: Record<string, unknown>): Promise<T> => {
    const res = await fetch(o.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
    if (body.errors?.length) throw new Error(`${body.errors[0].message} (${body.errors[0].extensions?.code})`);
    return body.data!;
  };
  return {
    world: { ...data, truth },
    client: {
      sendsEventTimes: false,
      asAccount: async (accountId, query, variables) => post(await tokenOf({ kind: 'account', accountId }, accountId), query, variables),
    },
    asAdmin: async (query, variables) => post(await tokenOf({ kind: 'admin', name: 'simulation' }, ' admin'), query, variables),
    close: async () => {},
  };
}
