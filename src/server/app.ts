import { ApolloServer } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { GraphQLFormattedError } from 'graphql';
import type { Server } from 'node:http';
import { posterSvg } from '../artwork/poster-svg';
import type { Authenticator } from '../auth/authenticator';
import { createContext, type RequestContext } from './context';
import { DomainError, UnavailableError } from '../domain/errors';
import { clientError, ErrorCode, REQUEST_ERROR_CODES } from './errors';
import { ideRouter } from './ide';
import { previewRouter } from './preview';
import type { Logger } from '../shared/logger';
import { buildAppSchema } from './schema';
import type { Services } from './services';

const KNOWN_CODES = new Set<string>([...Object.values(ErrorCode), ...REQUEST_ERROR_CODES]);

/**
 * Request-level errors of the GraphQL layer reach the client as they are; domain errors as their
 * codes (clientError); anything else is logged in full and replaced by a bare INTERNAL_SERVER_ERROR, so
 * stack traces, file paths and driver messages never leak.
 */
export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && KNOWN_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      const { stacktrace: _hidden, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const cause = unwrapResolverError(error);
    if (cause instanceof DomainError) {
      if (cause instanceof UnavailableError) logger.warn({ err: cause.message, path: formatted.path }, 'store unavailable');
      return clientError(cause, formatted);
    }
    logger.error({ err: cause, path: formatted.path }, 'unexpected error while resolving');
    return {
      message: 'Internal server error',
      path: formatted.path,
      locations: formatted.locations,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

/** Builds Apollo Server (for in-process tests) with the app's schema and error policy. */
export async function createApollo(services: Services, logger: Logger): Promise<ApolloServer<RequestContext>> {
  return new ApolloServer<RequestContext>({
    schema: await buildAppSchema(services),
    formatError: formatError(logger),
    includeStacktraceInErrorResponses: false,
    introspection: true,
  });
}

/** Starts the HTTP server: GraphQL at /graphql, the IDE at /, posters at /artwork/:id.svg. */
export async function startApp(services: Services, auth: Authenticator, logger: Logger, port: number, host: string): Promise<RunningApp> {
  const apollo = await createApollo(services, logger);
  await apollo.start();
  const app = express();
  app.disable('x-powered-by');
  app.use(ideRouter(async () => (await services.store.listProfiles(1)).profiles[0]?.id ?? 'a1-p1'));
  app.use(previewRouter());
  app.get('/health', (_req, res) => void res.json({ ok: true, titles: services.catalog.size }));
  app.get('/artwork/:file', (req, res) => {
    const id = req.params.file.replace(/\.svg$/, '');
    const artwork = services.catalog.artwork(id);
    const title = artwork && services.catalog.get(artwork.titleId);
    if (!artwork || !title || !req.params.file.endsWith('.svg')) return void res.status(404).type('text').send('no such artwork');
    const { svg, etag } = posterSvg(title, artwork);
    res.set({ ETag: etag, 'Cache-Control': 'public, max-age=3600' });
    if (req.headers['if-none-match'] === etag) return void res.status(304).end();
    res.type('image/svg+xml').send(svg);
  });
  app.use(
    '/graphql',
    express.json({ limit: '2mb' }),
    expressMiddleware(apollo, {
      context: ({ req }) => createContext(services, auth, { baseUrl: `${req.protocol}://${req.get('host')}`, headers: req.headers }),
    }),
  );
  // Last stop for errors outside GraphQL (a malformed JSON body, a bad URL escape): JSON, never a stack.
  app.use((err: { status?: number; statusCode?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const status = err.status ?? err.statusCode ?? 500;
    if (status >= 500) logger.error({ err }, 'unexpected HTTP error');
    const code = status >= 500 ? ErrorCode.INTERNAL_SERVER_ERROR : 'BAD_REQUEST';
    res.status(status).json({ errors: [{ message: status >= 500 ? 'Internal server error' : 'Bad request', extensions: { code } }] });
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(port, host, () => resolve(s));
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://${host}:${actualPort}/`,
    close: async () => {
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
      await apollo.stop();
    },
  };
}
