import type { Worker } from 'node:cluster';
import { AggregatorRegistry, Registry } from 'prom-client';
import { errorMessage } from '../shared/error-message';
import type { Port } from '../shared/port';
import { MetricsUnavailableError, type MetricsSource } from './http/metrics-route';

interface MetricsRequest {
  kind: 'metrics-request';
  id: number;
}

type MetricsReply = { kind: 'metrics-reply'; id: number } & ({ body: string } | { error: string });

const isReply = (m: unknown): m is MetricsReply => (m as MetricsReply)?.kind === 'metrics-reply';

/**
 * How long a worker waits for the primary's aggregate. prom-client gives each worker 5 s to send
 * its metrics, so only a primary that does not answer at all reaches this.
 */
const REPLY_WITHIN_MS = 10_000;

/**
 * In the primary of `WORKERS=N`: answers a worker's request for the metrics of the whole cluster.
 * prom-client's AggregatorRegistry asks every worker for its registry and merges them: counters
 * and histograms are summed, each gauge is merged as it declares (`aggregator`). So a scrape that
 * reaches any worker (each connection goes to the next one) reads every worker's requests, and
 * Prometheus sees one server, not whichever worker it happened to reach.
 */
export function serveClusterMetrics(): (worker: Worker) => void {
  const aggregator = new AggregatorRegistry();
  return (worker) =>
    worker.on('message', (message: MetricsRequest) => {
      if (message?.kind !== 'metrics-request') return;
      const answer = (reply: MetricsReply) => {
        // A worker that died meanwhile has nobody waiting; the callback keeps the failed send from being an 'error' event.
        if (worker.isConnected()) worker.send(reply, () => undefined);
      };
      aggregator.clusterMetrics().then(
        (body) => answer({ kind: 'metrics-reply', id: message.id, body }),
        (err: unknown) => answer({ kind: 'metrics-reply', id: message.id, error: errorMessage(err) }),
      );
    });
}

/**
 * In a worker: `/metrics` answers with the whole cluster's metrics, which it asks its primary for
 * (serveClusterMetrics). Made when the worker starts, so that it answers the primary's requests
 * from then on: a worker still loading sends nothing yet, rather than stall every scrape for 5 s.
 */
export class ClusterMetrics implements MetricsSource {
  private next = 0;
  private readonly waiting = new Map<number, (reply: MetricsReply) => void>();
  private contentType: string = Registry.PROMETHEUS_CONTENT_TYPE;

  constructor(private readonly port: Port) {
    // Constructing one is what makes prom-client answer the primary's requests in this process.
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([]);
    port.listen((message) => {
      if (isReply(message)) this.waiting.get(message.id)?.(message);
    });
  }

  /** From now on the primary collects `registry` from this worker; answers the source `/metrics` reads. */
  serving(registry: Registry): MetricsSource {
    AggregatorRegistry.setRegistries([registry]);
    this.contentType = registry.contentType;
    return this;
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    const id = this.next++;
    const reply = await new Promise<MetricsReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new MetricsUnavailableError(`the primary did not answer within ${REPLY_WITHIN_MS / 1000} s`));
      }, REPLY_WITHIN_MS);
      this.waiting.set(id, (r) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(r);
      });
      this.port.post({ kind: 'metrics-request', id } satisfies MetricsRequest);
    });
    if ('error' in reply) throw new MetricsUnavailableError(reply.error);
    return { contentType: this.contentType, body: reply.body };
  }
}
