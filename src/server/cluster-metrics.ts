import type { Worker } from 'node:cluster';
import { AggregatorRegistry, Registry } from 'prom-client';
import { errorMessage } from '../shared/error-message';
import type { Port } from '../shared/port';
import { MetricsUnavailableError, type MetricsSource } from './http/metrics-route';

type WorkerMetrics = Awaited<ReturnType<Registry['getMetricsAsJSON']>>;

/** What a worker and its primary say to each other about metrics; each ignores the other kinds of message on the channel. */
type MetricsMessage =
  /** Worker → primary: its registry may be collected from now on. */
  | { kind: 'metrics-serving' }
  /** Worker → primary: a scrape reached it; primary → worker: the cluster's exposition, or why there is none. */
  | { kind: 'metrics-request'; id: number }
  | ({ kind: 'metrics-reply'; id: number } & ({ body: string } | { error: string }))
  /** Primary → worker: send your registry; worker → primary: here it is. */
  | { kind: 'metrics-collect'; id: number }
  | { kind: 'metrics-collected'; id: number; metrics: WorkerMetrics };

const METRICS_KINDS = new Set(['metrics-serving', 'metrics-request', 'metrics-reply', 'metrics-collect', 'metrics-collected']);
const isMetricsMessage = (m: unknown): m is MetricsMessage => METRICS_KINDS.has((m as { kind?: string } | null)?.kind ?? '');

/** What of a dead worker's metrics stays in the cluster's sums: what only ever grows (a gauge says how things are now). */
const KEPT_AFTER_EXIT = new Set<string>(['counter', 'histogram']);

/** How long the primary waits for a worker's registry. */
const COLLECT_WITHIN_MS = 5_000;
/** How long a worker waits for the primary's aggregate: longer than a collection may take. */
const REPLY_WITHIN_MS = 10_000;

/**
 * In the primary of `WORKERS=N`: answers a worker's request for the metrics of the whole cluster.
 * It collects the registry of every worker that serves (each says so once its services are
 * ready) and merges them with prom-client's AggregatorRegistry: counters and histograms summed,
 * each gauge as it declares (`aggregator`). So a scrape that reaches any worker (each connection
 * goes to the next one) reads every worker's requests, and Prometheus sees one server. A worker
 * still starting is not asked; one that does not answer within 5 s fails the scrape. A worker that
 * dies keeps its counters and histograms as last collected in every later sum (its gauges go with
 * it): the sums never fall, so Prometheus does not read a worker's death as a counter reset and
 * count the survivors' totals again. What it counted after its last collection is lost.
 */
export function serveClusterMetrics(): (worker: Worker) => void {
  const serving = new Set<Worker>();
  const lastCollected = new Map<Worker, WorkerMetrics>();
  // The retired workers' counts, merged as each dies; a chain, so that a scrape waits for a retirement under way.
  let retired: Promise<WorkerMetrics> = Promise.resolve([]);
  const waiting = new Map<number, { worker: Worker; settle: (metrics: WorkerMetrics | Error) => void }>();
  let next = 0;
  const collectFrom = (worker: Worker) =>
    new Promise<WorkerMetrics>((resolve, reject) => {
      const id = next++;
      const settle = (metrics: WorkerMetrics | Error) => {
        clearTimeout(timer);
        waiting.delete(id);
        if (metrics instanceof Error) reject(metrics);
        else resolve(metrics);
      };
      const timer = setTimeout(
        () => settle(new Error(`a worker (pid ${worker.process.pid}) did not send its metrics within 5 s`)),
        COLLECT_WITHIN_MS,
      );
      waiting.set(id, { worker, settle });
      worker.send({ kind: 'metrics-collect', id } satisfies MetricsMessage, (err) => err && settle([]));
    });
  const exposition = async (): Promise<string> => {
    const workers = [...serving].filter((w) => w.isConnected());
    const parts = await Promise.all(workers.map(collectFrom));
    // A worker that died meanwhile is counted once, among the retired, with the last registry it sent.
    const live = parts.filter((_, i) => serving.has(workers[i]));
    return AggregatorRegistry.aggregate([...live, await retired]).metrics();
  };
  const retire = (worker: Worker) => {
    const last = lastCollected.get(worker);
    lastCollected.delete(worker);
    if (!last) return;
    // prom-client's types declare `type` an enum; its values are the exposition format's strings ('counter', …).
    const counts = last.filter((m) => KEPT_AFTER_EXIT.has(String(m.type)));
    retired = retired.then(async (before) => {
      try {
        return await AggregatorRegistry.aggregate([before, counts]).getMetricsAsJSON();
      } catch {
        return before; // a merge that failed must not fail every later scrape
      }
    });
  };
  return (worker) => {
    worker.on('message', (message: unknown) => {
      if (!isMetricsMessage(message)) return;
      if (message.kind === 'metrics-serving') serving.add(worker);
      else if (message.kind === 'metrics-collected') {
        // What the worker last sent, whichever scrape asked: what its death leaves in the sums.
        if (serving.has(worker)) lastCollected.set(worker, message.metrics);
        waiting.get(message.id)?.settle(message.metrics);
      } else if (message.kind === 'metrics-request') {
        const answer = (reply: MetricsMessage) => {
          // Nobody waits for a worker that died meanwhile; the callback keeps a failed send from being an 'error' event.
          if (worker.isConnected()) worker.send(reply, () => undefined);
        };
        exposition().then(
          (body) => answer({ kind: 'metrics-reply', id: message.id, body }),
          (err: unknown) => answer({ kind: 'metrics-reply', id: message.id, error: errorMessage(err) }),
        );
      }
    });
    worker.on('exit', () => {
      serving.delete(worker);
      for (const pending of waiting.values()) if (pending.worker === worker) pending.settle([]);
      retire(worker);
    });
  };
}

/**
 * In a worker: `/metrics` answers with the whole cluster's metrics, which it asks its primary for
 * (serveClusterMetrics), and the primary collects this worker's registry once it serves.
 */
export class ClusterMetrics implements MetricsSource {
  private next = 0;
  private readonly waiting = new Map<number, (reply: MetricsMessage & { kind: 'metrics-reply' }) => void>();
  private registry?: Registry;

  constructor(private readonly port: Port) {
    port.listen((message) => {
      if (!isMetricsMessage(message)) return;
      if (message.kind === 'metrics-reply') this.waiting.get(message.id)?.(message);
      else if (message.kind === 'metrics-collect') void this.send(message.id);
    });
  }

  /** From now on the primary collects `registry` from this worker; answers the source `/metrics` reads. */
  serving(registry: Registry): MetricsSource {
    this.registry = registry;
    this.port.post({ kind: 'metrics-serving' } satisfies MetricsMessage);
    return this;
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    const id = this.next++;
    const reply = await new Promise<MetricsMessage & { kind: 'metrics-reply' }>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new MetricsUnavailableError(`the primary did not answer within ${REPLY_WITHIN_MS / 1000} s`));
      }, REPLY_WITHIN_MS);
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(r);
      });
      this.port.post({ kind: 'metrics-request', id } satisfies MetricsMessage);
    });
    if ('error' in reply) throw new MetricsUnavailableError(reply.error);
    return { contentType: this.registry?.contentType ?? Registry.PROMETHEUS_CONTENT_TYPE, body: reply.body };
  }

  private async send(id: number): Promise<void> {
    const metrics = this.registry ? await this.registry.getMetricsAsJSON() : [];
    this.port.post({ kind: 'metrics-collected', id, metrics } satisfies MetricsMessage);
  }
}
