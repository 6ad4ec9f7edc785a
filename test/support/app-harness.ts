import { randomBytes } from 'node:crypto';
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
import type { ModelBundle } from '../../src/models/model-bundle';
import { Authenticator } from '../../src/auth/authenticator';
import type { RequestHeaders } from '../../src/auth/credentials';
import { createApollo } from '../../src/server/app';
import { createContext, type RequestContext } from '../../src/server/context';
import { createLogger } from '../../src/shared/logger';
import { createServices, type Services } from '../../src/server/services';
import { generateWorld, observable, type World } from '../../src/world/generate';

let world: World | undefined;
/** The small world, generated once per test file (it takes well under a second). */
export function smallWorld(): World {
  world ??= generateWorld('small', 7);
  return world;
}

/**
 * Whom a request comes from: an account (`as`), the account owning a profile (`ownerOf`), a
 * partner key, an admin token, nobody, or exactly these headers. Tokens are real, signed with the
 * harness's secret and verified like any request's.
 */
export type Caller =
  { as: string } | { ownerOf: string } | { partner: string } | { admin: string } | { anonymous: true } | { headers: RequestHeaders };

/** An hour after the small world's last play: the harness's server clock, so no page moves with the date a test runs on. */
export const AFTER_LAST_PLAY = smallWorld().playbacks.reduce((m, e) => Math.max(m, e.occurredAt), 0) + 3_600_000;

/** Account a1 owns a1-p1, the profile most tests use. */
export const DEFAULT_CALLER: Caller = { as: 'a1' };

export interface AppHarness {
  services: Services;
  /** The store as opened: `services.store` measures every call to it, so a fault is injected here. */
  store: Store;
  apollo: ApolloServer<RequestContext>;
  world: World;
  /** Verifies the tokens requests carry; `auth.sign` issues them. */
  auth: Authenticator;
  /** The secret `auth` signs with, for tests that craft tokens of their own (expired, altered). */
  secret: string;
  /** Runs one operation in process as `caller` (default: account a1); returns data and errors like an HTTP client would see them. */
  run<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    caller?: Caller,
  ): Promise<{ data?: T; errors?: { message: string; extensions?: any; path?: any }[] }>;
  /** The headers `caller` sends (for requests over HTTP). */
  headersFor(caller?: Caller): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/**
 * The whole app holding the small world: on the embedded store over a fresh temporary DATA_DIR,
 * or on the empty store `openStore` gives.
 */
export async function startHarness(
  options: {
    clock?: () => number;
    openStore?: () => Promise<Store>;
    als?: AlsOptions;
    cacheSeconds?: number;
  } = {},
): Promise<AppHarness> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'app-'));
  const clock = options.clock ?? (() => AFTER_LAST_PLAY);
  const store = options.openStore ? await options.openStore() : await EmbeddedStore.open(dir);
  await loadDataset(store, observable(smallWorld()));
  const services = await createServices(store, await trainTestBundle(store, options.als, clock), {
    clock,
    cacheSeconds: options.cacheSeconds,
  });
  const apollo = await createApollo(services, createLogger('silent'));
  await apollo.start();
  const secret = randomBytes(32).toString('base64url');
  const auth = new Authenticator({ secret, anonymousCatalog: false }, clock);
  const headersFor = async (caller: Caller = DEFAULT_CALLER): Promise<Record<string, string>> => {
    if ('headers' in caller) return caller.headers as Record<string, string>;
    if ('anonymous' in caller) return {};
    const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
    if ('partner' in caller) return bearer(await auth.sign({ kind: 'partner', partner: caller.partner }, 3600));
    if ('admin' in caller) return bearer(await auth.sign({ kind: 'admin', name: caller.admin }, 3600));
    if ('as' in caller) return bearer(await auth.sign({ kind: 'account', accountId: caller.as }, 3600));
    const [profile] = await store.getProfiles([caller.ownerOf]);
    if (!profile) throw new Error(`no profile ${caller.ownerOf} to act for`);
    return bearer(await auth.sign({ kind: 'account', accountId: profile.accountId }, 3600));
  };
  return {
    services,
    store,
    apollo,
    world: smallWorld(),
    auth,
    secret,
    headersFor,
    async run(query, variables, caller) {
      const contextValue = await createContext(services, auth, { baseUrl: 'http://test', headers: await headersFor(caller) });
      const res = await apollo.executeOperation({ query, variables }, { contextValue });
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

/** A whole bundle (retrieval and ranker) for a test store, small enough to train in seconds; `clock` names its version. */
export function trainTestBundle(
  store: Store,
  als: AlsOptions = DEFAULT_ALS,
  clock: () => number = () => AFTER_LAST_PLAY,
): Promise<ModelBundle> {
  return trainBundle(
    store,
    { als, feedback: DEFAULT_FEEDBACK, ranker: { windowShare: 0.25, maxRequests: 3000, seed: 7 } },
    undefined,
    clock,
  );
}
