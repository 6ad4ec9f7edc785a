import type { KeyValueCache, KeyValueCacheSetOptions } from '@apollo/utils.keyvaluecache';
import type { RedisLink } from './redis-link';

/** Persisted queries kept in Redis for a day after their last registration. */
const DEFAULT_TTL_SECONDS = 24 * 3600;

/**
 * A key-value cache shared by the replicas (Apollo's persisted queries): a query registered on
 * one replica is found by the next request wherever it lands. Entries never change once written
 * (the key is the query's hash), so each replica keeps what it read in `local` too; while Redis
 * is unreachable the local tier answers alone and a miss costs the client one resend of the query.
 */
export class SharedKeyValueCache implements KeyValueCache<string> {
  constructor(
    private readonly link: RedisLink,
    private readonly local: KeyValueCache<string>,
    private readonly prefix: string,
    private readonly onFallback: () => void = () => {},
  ) {}

  async get(key: string): Promise<string | undefined> {
    const known = await this.local.get(key);
    if (known !== undefined || !this.link.isUp) return known;
    try {
      const shared = await this.link.client.get(this.prefix + key);
      if (shared === null) return undefined;
      await this.local.set(key, shared);
      return shared;
    } catch {
      this.onFallback();
      return undefined;
    }
  }

  async set(key: string, value: string, options?: KeyValueCacheSetOptions): Promise<void> {
    await this.local.set(key, value, options);
    if (!this.link.isUp) return this.onFallback();
    await this.link.client.set(this.prefix + key, value, { EX: options?.ttl ?? DEFAULT_TTL_SECONDS }).catch(this.onFallback);
  }

  async delete(key: string): Promise<void> {
    await this.local.delete(key);
    if (this.link.isUp) await this.link.client.del(this.prefix + key).catch(this.onFallback);
  }
}
