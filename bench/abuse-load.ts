import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * The abuse benchmark's load generator, run in a worker thread (its own event loop, not the
 * server's): closed loops, each on one keep-alive connection, sending its requests in turn until
 * the time is up. Unlike autocannon's aggregate histogram it keeps every latency at sub-millisecond
 * precision and sorts the answers by their error code, so the refusals of bombs are counted and
 * timed apart from everything else.
 */
export interface LoadPlan {
  /** The GraphQL endpoint. */
  url: string;
  durationMs: number;
  /** One closed loop each, or one stream of requests at a steady rate with `perSecond`. */
  loops: { requests: { body: string; authorization: string }[]; perSecond?: number }[];
  /** Keep each latency (for percentiles), not only the sums per code. */
  keepLatencies: boolean;
}

export interface LoadResult {
  /** Per answer: `data` for a clean GraphQL answer, else the first error's code (or `HTTP <status>`, `failed`). */
  byCode: Record<string, { count: number; totalMs: number }>;
  latencies: number[];
  elapsedMs: number;
}

/** Runs `plan` and returns what was answered, how often and how fast. */
export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const url = new URL(plan.url);
  const result: LoadResult = { byCode: {}, latencies: [], elapsedMs: 0 };
  const started = performance.now();
  const deadline = started + plan.durationMs;
  const note = (code: string, ms: number) => {
    const entry = (result.byCode[code] ??= { count: 0, totalMs: 0 });
    entry.count++;
    entry.totalMs += ms;
    if (plan.keepLatencies) result.latencies.push(ms);
  };
  await Promise.all(
    plan.loops.map(async ({ requests, perSecond }, loop) => {
      if (perSecond) return steady(url, requests, perSecond, started, deadline, note);
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      for (let i = loop; performance.now() < deadline; i++) {
        const { body, authorization } = requests[i % requests.length];
        const t = performance.now();
        note(await post(url, agent, body, authorization), performance.now() - t);
      }
      agent.destroy();
    }),
  );
  result.elapsedMs = performance.now() - started;
  return result;
}

/**
 * Requests sent at fixed intervals whether or not the ones before were answered, each timed from
 * when it was due: a slow server shows as latency, not as fewer requests (no coordinated omission).
 */
async function steady(
  url: URL,
  requests: LoadPlan['loops'][number]['requests'],
  perSecond: number,
  started: number,
  deadline: number,
  note: (code: string, ms: number) => void,
): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const pending: Promise<void>[] = [];
  for (let i = 0; started + (i * 1000) / perSecond < deadline; i++) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const { body, authorization } = requests[i % requests.length];
    pending.push(post(url, agent, body, authorization).then((code) => note(code, performance.now() - due)));
  }
  await Promise.all(pending);
  agent.destroy();
}

function post(url: URL, agent: Agent, body: string, authorization: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(codeOf(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'))));
        res.on('error', () => resolve('failed'));
      },
    );
    req.on('error', () => resolve('failed'));
    req.end(body);
  });
}

function codeOf(status: number, text: string): string {
  try {
    const body = JSON.parse(text) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    if (body.errors?.length) return body.errors[0].extensions?.code ?? 'no code';
    if (body.data) return 'data';
  } catch {
    // not JSON: named by its status below
  }
  return `HTTP ${status}`;
}

if (parentPort && workerData) {
  const port = parentPort;
  void runLoad(workerData as LoadPlan).then((r) => port.postMessage(r));
}
