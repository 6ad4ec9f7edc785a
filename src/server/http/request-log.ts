import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { subjectOf, type Principal } from '../../auth/principal';
import type { Logger } from '../../shared/logger';
import type { RequestOutcome } from '../context';

/** A client's request id is echoed into logs and headers: only a plain token of bounded length is taken. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Probes and scrapes come every few seconds and say nothing about traffic: not logged. */
const UNLOGGED = /^\/(health\/(live|ready)|metrics)(\?|$)/;

/** What the HTTP layer learns of a request as it passes (res.locals). */
export interface RequestFacts {
  principal?: Principal;
  outcome?: RequestOutcome;
}

/**
 * One log line per request (pino-http): its id, which the response returns in `X-Request-Id`
 * (the client's own when it sent a plain one, else a new UUID; a homepage takes it as its
 * `requestId`), method, path, status, latency, the principal's kind and id, and for GraphQL the
 * operation's first root field and outcome code. Headers are never logged, so neither tokens nor
 * API keys can reach a log (they are redacted too, should a serializer ever add them).
 */
export function requestLog(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    autoLogging: { ignore: (req) => UNLOGGED.test(req.url ?? '') },
    redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
    serializers: {
      req: (req: { id: string; method: string; url: string; raw: IncomingMessage }) => ({
        id: req.id,
        method: req.method,
        path: pathOf(urlOf(req.raw)),
      }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
      // pino-http attaches an error to every 5xx line; the failure's own stack is logged where it happened.
      err: (err: { type?: string; message?: string }) => ({ type: err.type, message: err.message }),
    },
    // 503 is the server saying "not now" (starting, shutting down): expected, so a warning, not an error.
    customLogLevel: (_req, res, err) => (res.statusCode === 503 ? 'warn' : err || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: (req, res) => `${req.method} ${pathOf(urlOf(req))} ${res.statusCode}`,
    customErrorMessage: (req, res) => `${req.method} ${pathOf(urlOf(req))} ${res.statusCode} failed`,
    // Called when the request starts and again when it ends: only the end knows who called and how it went.
    customProps: (_req, res) => (res.headersSent ? factsOf((res as ServerResponse & { locals?: RequestFacts }).locals ?? {}) : {}),
  }) as unknown as RequestHandler;
}

function factsOf({ principal, outcome }: RequestFacts): Record<string, string> {
  const out: Record<string, string> = {};
  if (principal) {
    out.principal = principal.kind;
    if (principal.kind !== 'anonymous') out.principalId = subjectOf(principal);
  }
  if (outcome?.operation) out.operation = outcome.operation;
  if (outcome?.code) out.code = outcome.code;
  return out;
}

/** The URL as received: Express rewrites `req.url` inside a mounted router (`/graphql` becomes `/`). */
function urlOf(req: IncomingMessage): string {
  return (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '';
}

/** The path without its query string, which may carry anything a client typed. */
function pathOf(url: string): string {
  const at = url.indexOf('?');
  return (at < 0 ? url : url.slice(0, at)).slice(0, 200);
}
