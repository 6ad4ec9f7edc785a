import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import compression from 'compression';
import { createServer, type Server } from 'node:http';
import { constants as zlib } from 'node:zlib';
import { expressMiddleware } from '@as-integrations/express5';
import { InMemoryLRUCache, type KeyValueCache } from '@apollo/utils.keyvaluecache';
import { SharedKeyValueCache } from './shared-state/shared-key-value-cache';
import cors from 'cors';
import express, { type RequestHandler } from 'express';
import { posterSvg } from '../artwork/poster-svg';
import type { Authenticator } from '../auth/authenticator';
import type { Logger } from '../shared/logger';
import { createContext, type RequestContext } from './context';
import { ErrorCode } from './errors';
import { formatError } from './format-error';
import { requestDeadline } from './http/deadline';
import { healthRouter } from './http/health';
import { InFlightRequests } from './http/in-flight';
import { metricsRouter, type MetricsSource } from './http/metrics-route';
import { requestLog, type RequestFacts } from './http/request-log';
import { operationMetricsPlugin } from './operation-metrics';
import { answerMalformedRequests, httpErrorBody, httpErrorHandler, notFound } from './http/http-errors';
import { ideRouter } from './ide';
import { operationLimitsPlugin } from './limits/limits-plugin';
import { previewRouter } from './preview';
import { RateLimits, REFUSAL_PENALTY } from './rate-limits';
import type { Access } from '../auth/access';
import { buildAppSchema } from './schema';
import { CompiledExecutor } from './compiled-executor';
import type { Services } from './services';
import { DEFAULT_SERVER_SETTINGS, type ServerSettings } from './settings';

/**
 * Lexical tokens a query may have. The README's full homepage query has about 60; the IDE's
 * introspection query about 400. Parsing and the standard validation rules run before any limit
 * of the caller can be checked, and some of them grow faster than the document, so a bound on
 * the document keeps that work small whatever is sent.
 */
const MAX_QUERY_TOKENS = 3_000;

/** Bytes of a JSON request body: 500 events with every field are about 150 KB. */
const MAX_BODY = '512kb';

/** Persisted queries kept for APQ clients, by total size (least recently used go first). */
const APQ_CACHE_BYTES = 8 * 1024 * 1024;

export interface RunningApp {
  url: string;
  /**
   * Stops gracefully: readiness turns false, the port stops accepting, requests in flight are
   * answered (those still running after `settings.shutdownGraceMs` have their connections closed),
   * then Apollo stops. The caller closes services and store after it.
   */
  close(): Promise<void>;
}

/** What createApollo may be told beyond its services; the documented defaults otherwise. */
export interface ApolloOptions {
  settings?: Pick<ServerSettings, 'operationLimits' | 'introspection' | 'execution'>;
  /** Called when an operation is refused for its size (the HTTP server charges the caller's quota). */
  onRefused?: (context: RequestContext) => Promise<void>;
  /** Plugins of the HTTP server around Apollo (draining on shutdown). */
  plugins?: ApolloServerPlugin<RequestContext>[];
}

/** Builds Apollo Server (also for in-process tests) with the app's schema, limits and error policy. */
export async function createApollo(services: Services, logger: Logger, options: ApolloOptions = {}): Promise<ApolloServer<RequestContext>> {
  const settings = options.settings ?? DEFAULT_SERVER_SETTINGS;
  const schema = await buildAppSchema(services);
  return new ApolloServer<RequestContext>({
    ...(settings.execution === 'compiled' ? { gateway: new CompiledExecutor(schema) } : { schema }),
    formatError: formatError(logger),
    includeStacktraceInErrorResponses: false,
    introspection: settings.introspection,
    parseOptions: { maxTokens: MAX_QUERY_TOKENS },
    persistedQueries: { cache: persistedQueryCache(services) },
    plugins: [
      // Apollo's default cache-control plugin hooks every resolved field (a quarter of a homepage's
      // CPU) to compute a cache policy no schema type declares; responses stay uncacheable without it.
      ApolloServerPluginCacheControlDisabled(),
      operationMetricsPlugin(services.monitoring.metrics),
      operationLimitsPlugin(settings.operationLimits, options.onRefused),
      ...(options.plugins ?? []),
    ],
    // main.ts stops the server in order (HTTP, services, store) on SIGTERM.
    stopOnTerminationSignals: false,
  });
}

/** Persisted queries of this replica, or of every replica when they share state. */
function persistedQueryCache(services: Services): KeyValueCache<string> {
  const local = new InMemoryLRUCache<string>({ maxSize: APQ_CACHE_BYTES });
  const shared = services.sharedState;
  if (!shared) return local;
  const fallbacks = services.monitoring.metrics.sharedStateFallbacks;
  return new SharedKeyValueCache(shared.link, local, 'hp:apq:', () => fallbacks.inc({ operation: 'persisted_query' }));
}

/** Who is calling, as the HTTP layer identified it. */
interface Caller {
  access: Access;
  address: string;
}

/** Brotli's default quality (11) costs about 100 ms for a homepage; 4 compresses it about as well as gzip at a few ms. */
const BROTLI_QUALITY = 4;

/** A host name, an IPv4 address or a bracketed IPv6 one, with an optional port: anything else is not echoed into URLs. */
const PLAIN_HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$/;

/** Scheme and host for the absolute URLs of a response (artwork), from the request unless its Host header is not a plain host. */
function baseUrlOf(req: express.Request, settings: ServerSettings): string {
  const host = req.get('host');
  return `${req.protocol}://${host && PLAIN_HOST.test(host) ? host : `${settings.host}:${settings.port}`}`;
}

export interface AppOptions {
  /** The services, or the promise of them while data and the model load: probes answer meanwhile. */
  services: Services | Promise<Services>;
  auth: Authenticator;
  logger: Logger;
  settings?: ServerSettings;
  /** What `/metrics` exposes once the services are ready; absent: their own registry (a worker of a cluster exposes the cluster's). */
  metricsOf?: (services: Services) => MetricsSource;
}

/**
 * Starts the HTTP server at once: GraphQL at /graphql, the IDE at /, posters at /artwork/:id.svg,
 * probes at /health/live and /health/ready. Until the services are ready, /graphql answers
 * 503 NOT_READY and readiness says what the server is waiting for.
 */
export async function startApp({
  services: pending,
  auth,
  logger,
  settings = DEFAULT_SERVER_SETTINGS,
  metricsOf = (s) => s.monitoring.metrics,
}: AppOptions): Promise<RunningApp> {
  let services: Services | undefined;
  let metrics: MetricsSource | undefined;
  let graphql: RequestHandler | undefined;
  const inFlight = new InFlightRequests();
  // Created before it listens, so the drain plugin sees every connection.
  const server: Server = createServer();
  const drain = ApolloServerPluginDrainHttpServer({ httpServer: server, stopGracePeriodMillis: settings.shutdownGraceMs });
  // Set with the services (quotas are shared through their Redis); no request is admitted before.
  let rateLimits: RateLimits;
  const ready = Promise.resolve(pending).then(async (s) => {
    rateLimits = new RateLimits(
      settings.requestsPerMinute,
      s.sharedState ? { redis: s.sharedState.link.client } : s.clusterRelay ? 'cluster-primary' : undefined,
    );
    const apollo = await createApollo(s, logger, {
      settings,
      onRefused: (context) => rateLimits.penalize(context.auth.principal, context.address, REFUSAL_PENALTY),
      plugins: [drain],
    });
    await apollo.start();
    graphql = expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const caller = res.locals.caller as Caller;
        const { outcome } = res.locals as RequestFacts;
        return createContext(s, auth, {
          baseUrl: baseUrlOf(req, settings),
          headers: req.headers,
          requestId: String(req.id),
          outcome,
          // 'finish': the whole answer went out; a client that left early leaves its tree to the collector.
          afterResponse: (task) => res.once('finish', task),
          ...caller,
        });
      },
    });
    metrics = metricsOf(s);
    services = s;
    return apollo;
  });
  /**
   * Identifies the caller from its headers and counts it against its quotas before its body is
   * read: a throttled client costs a token check and nothing more.
   */
  const admit: RequestHandler = async (req, res, next) => {
    if (!services) return next();
    const access = await auth.access(req.headers, services.store);
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const admitted = await rateLimits.admit(access.principal, address);
    if ('status' in admitted) {
      return void res.status(admitted.status).set('Retry-After', String(admitted.retryAfterSeconds)).json(admitted.body);
    }
    res.once('close', admitted.release);
    res.locals.caller = { access, address } satisfies Caller;
    Object.assign(res.locals, { principal: access.principal, outcome: {} } satisfies RequestFacts);
    next();
  };
  // A failed start is the caller's to report (main.ts exits); this keeps it from being unhandled here.
  ready.catch(() => undefined);

  const app = express();
  app.disable('x-powered-by');
  // Express would hash every answer it sends for an ETag: a homepage's 90 KB cost 4% of a served
  // page's CPU, for a tag that never matches (every homepage carries its own requestId). GraphQL
  // answers are not cached by clients anyway (POST); artwork, which is, sets its own.
  app.disable('etag');
  // Behind a load balancer every connection comes from it: the caller is the address it forwards.
  if (settings.trustProxy > 0) app.set('trust proxy', settings.trustProxy);
  app.use(requestLog(logger));
  app.use(compression({ threshold: 1024, brotli: { params: { [zlib.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } } }));
  app.use(
    healthRouter(
      () => (inFlight.isStopping ? 'shutting down' : services ? null : 'loading the data and the model bundle'),
      () => services?.store,
      logger,
      () => services?.sharedState?.replication.status(),
    ),
  );
  // Probes above answer while stopping (readiness: false); everything below is drained.
  app.use(inFlight.track);
  app.use(
    ideRouter(async () => {
      const { store } = await Promise.resolve(pending);
      return (await store.listProfiles(1)).profiles[0]?.id ?? 'a1-p1';
    }),
  );
  app.use(previewRouter());
  app.use(metricsRouter(() => metrics, settings.metricsToken));
  app.get('/artwork/:file', (req, res) => {
    const id = req.params.file.replace(/\.svg$/, '');
    const artwork = services?.catalog.artwork(id);
    const title = artwork && services?.catalog.get(artwork.titleId);
    if (!artwork || !title || !req.params.file.endsWith('.svg')) return void res.status(404).json(httpErrorBody(404));
    const { svg, etag } = posterSvg(title, artwork);
    res.set({ ETag: etag, 'Cache-Control': 'public, max-age=3600' });
    if (req.headers['if-none-match'] === etag) return void res.status(304).end();
    res.type('image/svg+xml').send(svg);
  });
  app.use(
    '/graphql',
    cors({
      origin: (origin, allow) => allow(null, settings.corsOrigins.includes('*') || (!!origin && settings.corsOrigins.includes(origin))),
      allowedHeaders: ['content-type', 'authorization', 'x-api-key', 'apollo-require-preflight', 'x-apollo-operation-name'],
      maxAge: 600,
    }),
    admit,
    express.json({ limit: MAX_BODY }),
    requestDeadline(settings.requestTimeoutMs),
    (req, res, next) => {
      if (graphql) return graphql(req, res, next);
      res.status(503).json({ errors: [{ message: 'The server is starting; retry shortly', extensions: { code: ErrorCode.NOT_READY } }] });
    },
  );
  app.use(notFound);
  app.use(httpErrorHandler(logger));

  server.on('request', app);
  await new Promise<void>((resolve) => server.listen(settings.port, settings.host, resolve));
  answerMalformedRequests(server);
  // A client that sends its request slowly gets a bound too (Node's default is 5 minutes).
  server.requestTimeout = settings.requestTimeoutMs + 5_000;
  await ready;
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : settings.port;
  return {
    url: `http://${settings.host}:${actualPort}/`,
    close: async () => {
      const started = Date.now();
      const finishing = inFlight.stop(settings.shutdownGraceMs);
      // Apollo's drain plugin closes the port and idle connections, waits for busy ones within the grace period, then stops Apollo.
      await (await ready).stop();
      // A request read from a connection that closed meanwhile may still be running: the services it uses must outlive it.
      if (!(await finishing))
        logger.warn({ graceMs: settings.shutdownGraceMs, ms: Date.now() - started }, 'stopped with requests still running');
    },
  };
}
