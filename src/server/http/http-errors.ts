import type { ErrorRequestHandler, RequestHandler } from 'express';
import { STATUS_CODES, type Server } from 'node:http';
import type { Logger } from '../../shared/logger';
import { ErrorCode } from '../errors';

/** Codes of HTTP-level refusals, before any GraphQL runs. */
const HTTP_CODES: Record<number, { code: string; message: string }> = {
  400: { code: 'BAD_REQUEST', message: 'Bad request' },
  404: { code: 'NOT_FOUND', message: 'No such path: GraphQL is served at /graphql, the IDE at /' },
  408: { code: 'BAD_REQUEST', message: 'The request was not received in time' },
  413: { code: 'PAYLOAD_TOO_LARGE', message: 'The request body is larger than the server accepts' },
  415: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'The request body is in an encoding or charset the server does not read: send UTF-8 JSON',
  },
  414: { code: 'URI_TOO_LONG', message: 'The URL is longer than the server accepts; send the query in a POST body' },
  431: {
    code: 'HEADERS_TOO_LARGE',
    message: 'The request headers (or URL) are larger than the server accepts; send the query in a POST body',
  },
};

/** The JSON every refusal outside GraphQL carries, shaped like a GraphQL error response. */
export function httpErrorBody(status: number): { errors: { message: string; extensions: { code: string } }[] } {
  if (status >= 500) return { errors: [{ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } }] };
  const known = HTTP_CODES[status] ?? HTTP_CODES[400];
  return { errors: [{ message: known.message, extensions: { code: known.code } }] };
}

/** Unknown paths: JSON, not Express's HTML page. */
export const notFound: RequestHandler = (_req, res) => void res.status(404).json(httpErrorBody(404));

/** Last stop for errors outside GraphQL (a malformed JSON body, an oversized one, a bad URL escape): JSON, never a stack. */
export function httpErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: { status?: number; statusCode?: number }, _req, res, _next) => {
    const status = err.status ?? err.statusCode ?? 500;
    if (status >= 500) logger.error({ err }, 'unexpected HTTP error');
    res.status(status).json(httpErrorBody(status));
  };
}

/**
 * Requests Node refuses while parsing, before Express sees them (headers or URL over 16 KB, a
 * malformed request line): without this they get a bare status line and no body.
 */
export function answerMalformedRequests(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const body = JSON.stringify(httpErrorBody(status));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
