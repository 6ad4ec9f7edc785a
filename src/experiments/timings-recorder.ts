import type { ExperimentStore } from '../../graph/experiment-store';
import type { VariantTimings } from '../domain/experiment';
import type { ExperimentVariant } from '../domain/types';
import { errorMessage } from '../shared/error-message';
import type { Logger } from '../shared/logger';
import { bucketOf, LATENCY_BUCKETS_MS } from './latency-histogram';

/**
 * The server's own timings of homepage requests per experiment variant: the guardrails' data
 * (latency p99, error rate). Counted in memory and added to the store's totals every
 * `flushMs` and at close, so every replica's requests count and a restart loses at most one
 * interval's; a failed flush keeps its counts for the next.
 */
export class TimingsRecorder {
  private pending = new Map<string, VariantTimings>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Pick<ExperimentStore, 'addVariantTimings'>,
    flushMs: number,
    private readonly logger?: Logger,
  ) {
    this.timer = setInterval(() => void this.flush(), flushMs);
    this.timer.unref();
  }

  note(experiments: readonly ExperimentVariant[], latencyMs: number, failed: boolean): void {
    for (const { experimentId, variant } of experiments) {
      const key = JSON.stringify([experimentId, variant]);
      let t = this.pending.get(key);
      if (!t) this.pending.set(key, (t = { experimentId, variant, requests: 0, errors: 0, buckets: LATENCY_BUCKETS_MS.map(() => 0) }));
      t.requests++;
      if (failed) t.errors++;
      t.buckets[bucketOf(latencyMs)]++;
    }
  }

  /** Adds what was counted since the last flush to the store. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      if (this.pending.size === 0) return;
      const batch = this.pending;
      this.pending = new Map();
      try {
        await this.store.addVariantTimings([...batch.values()]);
      } catch (err) {
        this.logger?.warn({ err: errorMessage(err) }, 'experiment timings not stored; kept for the next flush');
        for (const [key, t] of batch) this.mergeBack(key, t);
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private mergeBack(key: string, t: VariantTimings): void {
    const now = this.pending.get(key);
    if (!now) return void this.pending.set(key, t);
    now.requests += t.requests;
    now.errors += t.errors;
    now.buckets = now.buckets.map((c, i) => c + t.buckets[i]);
  }
}
