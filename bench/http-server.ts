import 'reflect-metadata';
import cluster, { type Worker } from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { EmbeddedStore } from '../graph/embedded/embedded-store';
import { FollowerStore } from '../graph/embedded/follower-store';
import { ownerOver } from '../graph/embedded/owner-channel';
import { connectNeo4j } from '../graph/neo4j/connect';
import { Neo4jStore } from '../graph/neo4j/neo4j-store';
import type { Store } from '../graph/store';
import { Authenticator } from '../src/auth/authenticator';
import type { HomepageResult, HomepageService } from '../src/homepage/homepage-service';
import { readBundle } from '../src/models/model-bundle';
import type { ViewingContextInputData } from '../src/pipeline/viewing-context';
import { startApp, type RunningApp } from '../src/server/app';
import { primaryPort, shareWithWorkers } from '../src/server/cluster';
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
  /**
   * Server processes behind one port, as `WORKERS=N` runs them (embedded store only): this process
   * is then their primary, which owns the store (src/server/cluster.ts), and the one it answers.
   */
  workers?: number;
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
  const toPrimary = cluster.isWorker ? primaryPort() : undefined;
  const store =
    toPrimary && job.store.kind === 'embedded'
      ? await FollowerStore.following(job.store.dir, ownerOver(toPrimary))
      : await openJobStore(job.store);
  const services = await createServices(store, await readBundle(job.bundleDir), {
    storeName: job.store.kind,
    cluster: toPrimary && { port: toPrimary },
  });
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

/** Serves `job`; tells `report` where, or why not; stops (closing app, services and store) when `stopWhen` fires. */
function serveAndReport(
  job: HttpServerJob,
  report: (reply: HttpServerReply, then: () => void) => void,
  stopWhen: (stop: () => void) => void,
): void {
  serve(job).then(
    ({ app, services, store }) => {
      report({ url: app.url }, () => undefined);
      stopWhen(() => {
        void (async () => {
          await app.close();
          await services.close();
          await store.close();
          process.exit(0);
        })();
      });
    },
    (err: unknown) => report({ error: errorStack(err) }, () => process.exit(1)),
  );
}

/**
 * The primary of `job.workers` servers behind one port: owns the store, forks the workers (this
 * file, the job in their environment), answers the bench once all of them listen, and when the
 * bench disconnects stops them (SIGTERM: each closes its services first, as `npm start`'s do)
 * and then closes the store. A worker that dies before that fails the run: the survivor would
 * carry the whole load and the run would measure one process.
 */
async function runWorkers(job: HttpServerJob & { store: { kind: 'embedded' } }): Promise<void> {
  const store = await EmbeddedStore.open(job.store.dir);
  const share = shareWithWorkers(store, createLogger('warn'));
  const workers: Worker[] = [];
  const listening = new Set<Worker>();
  let stopping = false;
  const fail = (error: string) => process.send!({ error } satisfies HttpServerReply, () => process.exit(1));
  for (let n = 0; n < job.workers!; n++) {
    const worker = cluster.fork({ BENCH_JOB: JSON.stringify(job) });
    const release = share(worker);
    workers.push(worker);
    worker.on('message', (m: HttpServerReply & { kind?: string }) => {
      if (m?.kind !== 'bench-server') return;
      if ('error' in m) fail(m.error);
      else if (listening.add(worker).size === workers.length) process.send!({ url: m.url } satisfies HttpServerReply);
    });
    worker.on('exit', (code, signal) => {
      release();
      if (!stopping) fail(`a worker exited (${signal ?? code}) while the bench ran`);
    });
  }
  process.once('disconnect', () => {
    stopping = true;
    void (async () => {
      await Promise.all(
        workers.map((w) => new Promise((resolve) => (w.isDead() ? resolve(null) : (w.once('exit', resolve), w.process.kill('SIGTERM'))))),
      );
      await store.close();
      process.exit(0);
    })();
  });
}

if (cluster.isWorker) {
  serveAndReport(
    JSON.parse(process.env.BENCH_JOB!) as HttpServerJob,
    (reply, then) => process.send!({ ...reply, kind: 'bench-server' }, then),
    (stop) => process.once('SIGTERM', stop),
  );
} else {
  process.once('message', (job: HttpServerJob) => {
    if ((job.workers ?? 1) > 1 && job.store.kind === 'embedded') {
      runWorkers(job as HttpServerJob & { store: { kind: 'embedded' } }).catch((err: unknown) =>
        process.send!({ error: errorStack(err) } satisfies HttpServerReply, () => process.exit(1)),
      );
    } else {
      serveAndReport(
        job,
        (reply, then) => process.send!(reply, then),
        (stop) => process.once('disconnect', stop),
      );
    }
  });
}
