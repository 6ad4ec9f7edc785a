import type { SharedMarks } from '../../experiments/experiment-service';
import type { RedisLink } from './redis-link';

/**
 * Marks in Redis, kept for `ttlSeconds` (experiment exposures are per day: two days cover a
 * unit's day in any time zone). While Redis is unreachable nothing is marked, and each replica
 * keeps to what it recorded itself; the store's write is idempotent, so a mark missed costs a write.
 */
export class RedisMarks implements SharedMarks {
  constructor(
    private readonly link: RedisLink,
    private readonly prefix: string,
    private readonly ttlSeconds: number,
    private readonly onFallback: () => void = () => {},
  ) {}

  async marked(keys: readonly string[]): Promise<Set<string>> {
    if (!this.link.isUp || keys.length === 0) return new Set();
    try {
      const found = await this.link.client.mGet(keys.map((k) => this.prefix + k));
      return new Set(keys.filter((_, i) => found[i] !== null));
    } catch {
      this.onFallback();
      return new Set();
    }
  }

  async mark(keys: readonly string[]): Promise<void> {
    if (!this.link.isUp) return;
    const batch = this.link.client.multi();
    for (const k of keys) batch.set(this.prefix + k, '1', { EX: this.ttlSeconds });
    await batch.exec().catch(this.onFallback);
  }
}
