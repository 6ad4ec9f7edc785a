import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { EmbeddedStore } from '../graph/embedded/embedded-store';
import { connectNeo4j } from '../graph/neo4j/connect';
import { Neo4jStore } from '../graph/neo4j/neo4j-store';
import type { Store } from '../graph/store';
import { Authenticator } from '../src/auth/authenticator';
import type { HomepageResult, HomepageService } from '../src/homepage/homepage-service';
import { readBundle } from '../src/models/model-bundle';
import type { ViewingContextInputData } from '../src/pipeline/viewing-context';
import { startApp, type RunningApp } from '../src/server/app';
import { createServices, type Services } from '../src/server/services';
import { errorStack } from '../src/shared/error-message';
import { createLogger } from '../src/shared/logger';
import { UNTHROTTLED } from './server-settings';

/** What `bench http` asks of one server process: its first IPC message. */
export interface HttpServerJob {
  store: { kind: 'embedded'; dir: string } | { kind: 'neo4j'; uri: string };
  bundleDir: string;
  /** The bench's token secret: requests carry its tokens and the server verifies them as in production. */
  secret: string;
  /** Serve a page built at start for each of these profiles (the GraphQL floor) instead of personalizing. */
  floor?: { profileIds: string[]; context: ViewingContextInputData };
}

/** What the server process answers: where it listens, or why it could not start. */
export type HttpServerReply = { url: string } | { error: string };

/**
 * One server `npm run bench -- http` measures, in a process of its own as `npm start` serves after
 * a restart: the store and the model bundle read back from disk, nothing else in its heap. The
 * bench's own process holds the generated world and runs the load; measured inside it, the
 * server paid for collecting that world's garbage and its heap, which production does not.
 * Stops when the bench disconnects.
 */
async function serve(job: HttpServerJob): Promise<{ app: RunningApp; services: Services; store: Store }> {
  const store = await openJobStore(job.store);
  const services = await createServices(store, await readBundle(job.bundleDir), { storeName: job.store.kind });
  const homepage = job.floor ? await precomputed(services.homepage, job.floor) : services.homepage;
  const auth = new Authenticator({ secret: job.secret, anonymousCatalog: false });
  const app = await startApp({
    services: { ...services, homepage },
    auth,
    logger: createLogger('silent'),
    settings: { ...UNTHROTTLED, host: '127.0.0.1', port: 0 },
  });
  return { app, services, store };
}

async function openJobStore(settings: HttpServerJob['store']): Promise<Store> {
  if (settings.kind === 'embedded') return EmbeddedStore.open(settings.dir);
  const { driver, cypher } = await connectNeo4j({ uri: settings.uri, user: 'neo4j', password: 'test', attempts: 3 });
  return Neo4jStore.open(cypher, () => driver.close());
}

/** The floor: one page per profile built now, served by the same schema and field resolvers as a cache hit is. */
async function precomputed(homepage: HomepageService, floor: NonNullable<HttpServerJob['floor']>): Promise<HomepageService> {
  const pages = new Map<string, HomepageResult>();
  for (const id of floor.profileIds) pages.set(id, await homepage.homepage(id, floor.context));
  const stored: HomepageService = Object.create(homepage);
  stored.homepageFor = async ({ profile }) => {
    const page = pages.get(profile.id);
    if (!page) throw new Error(`no precomputed page for ${profile.id}`);
    return { ...page, requestId: randomUUID() };
  };
  return stored;
}

process.once('message', (job: HttpServerJob) => {
  serve(job).then(
    ({ app, services, store }) => {
      process.send!({ url: app.url } satisfies HttpServerReply);
      process.once('disconnect', () => {
        void (async () => {
          await app.close();
          await services.close();
          await store.close();
          process.exit(0);
        })();
      });
    },
    (err: unknown) => {
      process.send!({ error: errorStack(err) } satisfies HttpServerReply, () => process.exit(1));
    },
  );
});
