import express from 'express';
import type { Worker } from 'node:cluster';
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { MessageChannel } from 'node:worker_threads';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ClusterMetrics, serveClusterMetrics } from '../../src/server/cluster-metrics';
import { metricsRouter } from '../../src/server/http/metrics-route';
import { portOf } from '../support/message-port';

/**
 * A worker's `/metrics` in a cluster answers with what its primary collected from every worker
 * (serveClusterMetrics; the whole path runs in test/integration/embedded-cluster.test.ts). Here
 * the primary's side is played over a message channel, to see what the worker makes of each answer.
 */
describe("a cluster worker's /metrics", () => {
  const channels: MessageChannel[] = [];
  afterAll(() => channels.forEach(({ port1, port2 }) => (port1.close(), port2.close())));

  /** A worker's ClusterMetrics whose primary answers each request with `answer`. */
  function workerWithPrimary(answer: (id: number) => object): ClusterMetrics {
    const channel = new MessageChannel();
    channels.push(channel);
    channel.port1.on('message', (m: { kind: string; id: number }) => {
      if (m.kind === 'metrics-request') channel.port1.postMessage(answer(m.id));
    });
    const registry = new Registry();
    new Counter({ name: 'local_only_total', help: 'this worker alone', registers: [registry] }).inc();
    const metrics = new ClusterMetrics(portOf(channel.port2));
    metrics.serving(registry);
    return metrics;
  }

  async function scrape(metrics: ClusterMetrics): Promise<{ status: number; type: string | null; body: string }> {
    const app = express().use(metricsRouter(() => metrics, undefined));
    const server = app.listen(0);
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
      return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
    } finally {
      server.close();
    }
  }

  it("answers with the primary's aggregate, not its own registry", async () => {
    const res = await scrape(workerWithPrimary((id) => ({ kind: 'metrics-reply', id, body: 'requests_total 6\n' })));
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain/);
    expect(res.body).toBe('requests_total 6\n');
  });

  it('fails the scrape with 503 TIMEOUT when the workers could not all be collected', async () => {
    const res = await scrape(workerWithPrimary((id) => ({ kind: 'metrics-reply', id, error: 'Operation timed out.' })));
    expect(res.status).toBe(503);
    const body = JSON.parse(res.body);
    expect(body.errors[0].extensions.code).toBe('TIMEOUT');
    expect(body.errors[0].message).toContain('Operation timed out.');
  });

  it('sends its registry when the primary collects, and nothing before it serves', async () => {
    const channel = new MessageChannel();
    channels.push(channel);
    const heard: { kind: string; id?: number; metrics?: { name: string }[] }[] = [];
    channel.port1.on('message', (m: (typeof heard)[number]) => heard.push(m));
    const collected = async (id: number) => {
      channel.port1.postMessage({ kind: 'metrics-collect', id });
      for (let k = 0; k < 100 && !heard.some((m) => m.kind === 'metrics-collected' && m.id === id); k++)
        await new Promise((resolve) => setTimeout(resolve, 10));
      return heard.find((m) => m.kind === 'metrics-collected' && m.id === id)!.metrics!.map((m) => m.name);
    };
    const metrics = new ClusterMetrics(portOf(channel.port2));
    expect(await collected(1)).toEqual([]);
    const registry = new Registry();
    new Counter({ name: 'pages_total', help: 'pages', registers: [registry] }).inc(2);
    metrics.serving(registry);
    expect(await collected(2)).toEqual(['pages_total']);
    // It told the primary it serves, so that the primary collects from it from then on.
    expect(heard.filter((m) => m.kind === 'metrics-serving')).toHaveLength(1);
  });

  it('keeps concurrent scrapes apart', async () => {
    const metrics = workerWithPrimary((id) => ({ kind: 'metrics-reply', id, body: `scrape ${id}\n` }));
    const bodies = await Promise.all([0, 1, 2].map(() => metrics.exposition()));
    expect(bodies.map((b) => b.body).sort()).toEqual(['scrape 0\n', 'scrape 1\n', 'scrape 2\n']);
  });
});

describe("the primary's sums over its workers", () => {
  const channels: MessageChannel[] = [];
  afterAll(() => channels.forEach(({ port1, port2 }) => (port1.close(), port2.close())));

  /** A worker as the primary sees it (cluster's Worker: messages, send, exit), its ClusterMetrics at the channel's other end. */
  function startWorker(answer: (worker: Worker) => void, pages: number) {
    const channel = new MessageChannel();
    channels.push(channel);
    let connected = true;
    const worker = Object.assign(new EventEmitter(), {
      process: { pid: 1000 + channels.length },
      isConnected: () => connected,
      send: (message: unknown, callback?: (err: Error | null) => void) => {
        channel.port1.postMessage(message);
        callback?.(null);
        return true;
      },
    }) as unknown as Worker;
    // A held worker's messages reach the primary only when released: a worker slow to answer a collection.
    let held: unknown[] | undefined;
    channel.port1.on('message', (m) => (held ? held.push(m) : worker.emit('message', m)));
    const hold = () => (held = []);
    const release = () => {
      const messages = held ?? [];
      held = undefined;
      for (const m of messages) worker.emit('message', m);
    };
    answer(worker);
    const registry = new Registry();
    const counter = new Counter({ name: 'pages_total', help: 'pages', registers: [registry] });
    counter.inc(pages);
    new Gauge({ name: 'workers_up', help: 'this worker is up', registers: [registry] }).set(1);
    new Histogram({ name: 'page_seconds', help: 'page time', buckets: [0.01], registers: [registry] }).observe(0.001);
    const metrics = new ClusterMetrics(portOf(channel.port2)).serving(registry);
    const die = () => {
      connected = false;
      channel.port1.close();
      worker.emit('exit', null, 'SIGKILL');
    };
    return { counter, scrape: async () => (await metrics.exposition()).body, die, hold, release };
  }

  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  const valueOf = (body: string, series: string) => Number(new RegExp(`^${series} (\\S+)$`, 'm').exec(body)?.[1]);

  it("keeps a dead worker's counters and histograms as last collected, so no sum falls", async () => {
    const answer = serveClusterMetrics();
    const a = startWorker(answer, 2);
    const b = startWorker(answer, 3);
    await new Promise((resolve) => setTimeout(resolve, 20)); // both have said they serve
    const before = await a.scrape();
    expect(valueOf(before, 'pages_total')).toBe(5);
    expect(valueOf(before, 'workers_up')).toBe(2);
    b.die();
    const c = startWorker(answer, 0); // its replacement starts from zero
    await new Promise((resolve) => setTimeout(resolve, 20));
    a.counter.inc(4);
    const after = await c.scrape();
    expect(valueOf(after, 'pages_total')).toBe(2 + 4 + 3 + 0);
    expect(valueOf(after, 'page_seconds_count')).toBe(3);
    // A gauge says how things are now: the dead worker's is gone.
    expect(valueOf(after, 'workers_up')).toBe(2);
  });

  it('counts a worker that dies during a scrape once, with the registry it sent last', async () => {
    const answer = serveClusterMetrics();
    const a = startWorker(answer, 2);
    const b = startWorker(answer, 3);
    const slow = startWorker(answer, 1);
    await settle();
    expect(valueOf(await a.scrape(), 'pages_total')).toBe(6);
    b.counter.inc(5);
    slow.hold();
    const during = a.scrape();
    await settle(); // b has sent its 8; the scrape waits for the slow worker
    b.die();
    slow.release();
    expect(valueOf(await during, 'pages_total')).toBe(2 + 8 + 1);
    expect(valueOf(await a.scrape(), 'pages_total')).toBe(2 + 8 + 1);
  });
});
