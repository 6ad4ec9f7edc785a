import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

/**
 * One HTTP request exactly as a hostile client would write it: any method, any path, repeated
 * headers (fetch merges them into one), or bytes that are not HTTP at all (`raw`).
 */
export interface RawRequest {
  method: string;
  /** Path and query string, sent as they are (no encoding is applied). */
  path: string;
  /** Name/value pairs in order; a name may repeat. */
  headers: [string, string][];
  body?: string | Buffer;
  /** Bytes written to a bare socket instead of an HTTP request (malformed request lines, bad framing). */
  raw?: Buffer;
}

/** What came back; `failure` when no response did (a reset, a hang past the client's timeout). */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  failure?: string;
}

/**
 * Sends `req` to `base` on a connection of its own, so that a reset or a close is attributed to
 * the request that caused it and not to whichever request reused the socket next.
 */
export function send(base: URL, req: RawRequest, timeoutMs: number): Promise<RawResponse> {
  return req.raw ? sendRaw(base, req.raw, timeoutMs) : sendHttp(base, req, timeoutMs);
}

function sendHttp(base: URL, req: RawRequest, timeoutMs: number): Promise<RawResponse> {
  return new Promise((resolve) => {
    const failure = (text: string): RawResponse => ({ status: 0, headers: {}, body: '', failure: text });
    // Node takes raw header pairs flattened, which keeps repeated names apart; it adds no Host then.
    const has = (header: string) => req.headers.some(([name]) => name.toLowerCase() === header);
    const headers: [string, string][] = [...(has('host') ? [] : [['host', base.host] as [string, string]]), ...req.headers];
    // Node frames a body by chunks by default, but not for DELETE, OPTIONS and the like: their bodies would spill into a next request.
    if (req.body !== undefined && !has('content-length') && !has('transfer-encoding'))
      headers.push(['content-length', String(Buffer.byteLength(req.body))]);
    let client: ReturnType<typeof httpRequest>;
    try {
      // Our own checks are what is under test, not the client's: its parser is lenient.
      const options = { host: base.hostname, port: base.port, method: req.method, path: req.path, headers: headers.flat() };
      client = httpRequest({ ...options, agent: false, insecureHTTPParser: true });
    } catch (err) {
      // Node refuses to send some bytes (a bad method or header); such requests belong in `raw`.
      return resolve(failure(`the client refused to send it: ${(err as Error).message}`));
    }
    let answered = false;
    const finish = (r: RawResponse) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => {
      finish(failure(`no response within ${timeoutMs} ms`));
      client.destroy();
    }, timeoutMs);
    client.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => finish({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (err) => finish(failure(`response: ${err.message}`)));
    });
    // A server that answers early (413) and closes may reset our upload: the answer, if it comes, is what counts.
    client.on('error', (err) => setTimeout(() => finish(failure(`request: ${err.message}`)), 50));
    if (req.body !== undefined) client.write(req.body);
    client.end();
  });
}

/**
 * A response read off a bare socket: the status line, the headers and the body its framing gives
 * (Content-Length or chunks; a second, pipelined response is left out). Bytes are handled as latin1
 * (one character a byte) until the body is decoded.
 */
function sendRaw(base: URL, bytes: Buffer, timeoutMs: number): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = connect(Number(base.port), base.hostname);
    let text = '';
    let done = false;
    const finish = (failure?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseRaw(text, failure));
    };
    const timer = setTimeout(() => finish(`no response within ${timeoutMs} ms`), timeoutMs);
    socket.on('data', (c: Buffer) => {
      text += c.toString('latin1');
      if (framedBody(finalResponse(text)) !== undefined) finish();
    });
    socket.on('end', () => finish());
    socket.on('error', (err) => finish(text ? undefined : `socket: ${err.message}`));
    socket.write(bytes);
  });
}

/** The response after any interim ones (100 Continue). */
function finalResponse(text: string): string {
  while (/^HTTP\/1\.[01] 1\d\d /.test(text) && text.includes('\r\n\r\n')) text = text.slice(text.indexOf('\r\n\r\n') + 4);
  return text;
}

/** The body once the whole of it has arrived, by the response's framing; undefined until then. */
function framedBody(text: string): string | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const head = text.slice(0, end);
  let rest = text.slice(end + 4);
  if (/\r\ntransfer-encoding: *chunked/i.test(head)) {
    let body = '';
    for (;;) {
      const line = rest.indexOf('\r\n');
      if (line < 0) return undefined;
      const size = Number.parseInt(rest.slice(0, line), 16);
      if (size === 0) return body;
      if (rest.length < line + 2 + size + 2) return undefined;
      body += rest.slice(line + 2, line + 2 + size);
      rest = rest.slice(line + 2 + size + 2);
    }
  }
  const length = /\r\ncontent-length: *(\d+)/i.exec(head);
  if (!length) return undefined;
  return rest.length >= Number(length[1]) ? rest.slice(0, Number(length[1])) : undefined;
}

function parseRaw(raw: string, failure?: string): RawResponse {
  const text = finalResponse(raw);
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(text);
  if (!status) return { status: 0, headers: {}, body: '', failure: failure ?? `no HTTP response (${JSON.stringify(text.slice(0, 80))})` };
  const end = text.indexOf('\r\n\r\n');
  const headers: Record<string, string> = {};
  for (const line of text
    .slice(0, end < 0 ? text.length : end)
    .split('\r\n')
    .slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  // A body without framing (the server closed after it) is whatever came before the close.
  const body = framedBody(text) ?? (end < 0 ? '' : text.slice(end + 4));
  return { status: Number(status[1]), headers, body: Buffer.from(body, 'latin1').toString('utf8') };
}
