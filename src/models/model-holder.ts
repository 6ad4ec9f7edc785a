import path from 'node:path';
import { type ModelBundle, newestBundleDir, readBundle } from './model-bundle';
import type { Logger } from '../shared/logger';
import { errorMessage } from '../shared/error-message';
import { type ChangeFeed } from '../shared/change-feed';
import { type DomainChanges } from '../domain/changes';

/** What a generation must offer so the holder can retire it once no request uses it. */
export interface Releasable {
  readonly version: string;
  release(): Promise<void>;
}

/**
 * Holds the serving generation built from the newest model bundle and swaps in a newer one
 * without failing requests in flight: a request takes the generation once (`use`) and keeps it to
 * the end; the old generation is released only after its last request has finished.
 */
export class ModelHolder<G extends Releasable> {
  private current: G;
  private readonly inFlight = new Map<G, number>();
  private readonly retiring = new Set<G>();
  private timer: NodeJS.Timeout | null = null;
  private swapping: Promise<void> = Promise.resolve();
  /** Bundles found unusable: not read again on every poll. */
  private readonly rejected = new Set<string>();

  private readonly logger?: Logger;
  private readonly changes?: ChangeFeed<DomainChanges>;

  /** `build` makes a generation from a bundle; a swap is logged and published as `modelSwapped`. */
  constructor(
    first: G,
    private readonly build: (bundle: ModelBundle) => Promise<G>,
    o: { logger?: Logger; changes?: ChangeFeed<DomainChanges> } = {},
  ) {
    this.current = first;
    this.logger = o.logger;
    this.changes = o.changes;
  }

  get version(): string {
    return this.current.version;
  }

  /** The generation a caller may read without holding it (no async work across a swap). */
  get now(): G {
    return this.current;
  }

  /** Runs `fn` with the current generation, which stays alive until `fn` settles. */
  async use<T>(fn: (g: G) => Promise<T>): Promise<T> {
    const g = this.current;
    this.inFlight.set(g, (this.inFlight.get(g) ?? 0) + 1);
    try {
      return await fn(g);
    } finally {
      const left = this.inFlight.get(g)! - 1;
      if (left > 0) this.inFlight.set(g, left);
      else {
        this.inFlight.delete(g);
        if (this.retiring.has(g)) void this.retire(g);
      }
    }
  }

  /** Builds a generation from `bundle` and makes it current; the old one retires when idle. */
  swap(bundle: ModelBundle): Promise<void> {
    const done = this.swapping.then(async () => {
      const next = await this.build(bundle);
      const old = this.current;
      this.current = next;
      this.logger?.info({ from: old.version, to: next.version }, 'model bundle swapped in');
      await this.changes?.publish('modelSwapped', { from: old.version, to: next.version });
      this.retiring.add(old);
      if (!this.inFlight.has(old)) await this.retire(old);
    });
    // Swaps run one after another; a failed one must not block the next (or close()).
    this.swapping = done.catch(() => {});
    return done;
  }

  /**
   * Loads the newest bundle in `modelsDir` if it is newer than the current one and `accept`s it
   * (the catalog check); a bundle that cannot be read is logged and skipped, serving goes on.
   */
  async checkForNewer(modelsDir: string, accept: (b: ModelBundle) => Promise<boolean>): Promise<boolean> {
    const dir = await newestBundleDir(modelsDir);
    if (!dir || path.basename(dir) <= this.current.version || this.rejected.has(dir)) return false;
    try {
      const bundle = await readBundle(dir);
      if (!(await accept(bundle))) {
        this.rejected.add(dir);
        this.logger?.warn({ dir }, 'a newer model bundle was trained on another catalog; not swapping');
        return false;
      }
      await this.swap(bundle);
      return true;
    } catch (err) {
      this.rejected.add(dir);
      this.logger?.warn({ dir, err: errorMessage(err) }, 'a newer model bundle could not be loaded; serving on');
      return false;
    }
  }

  /** Polls `modelsDir` every `intervalMs` for a newer bundle (what `npm run train` writes). */
  watch(modelsDir: string, intervalMs: number, accept: (b: ModelBundle) => Promise<boolean>): void {
    this.stop();
    let busy = false;
    this.timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void this.checkForNewer(modelsDir, accept).finally(() => {
        busy = false;
      });
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  async close(): Promise<void> {
    this.stop();
    await this.swapping;
    await this.current.release();
  }

  private async retire(g: G): Promise<void> {
    this.retiring.delete(g);
    await g.release().catch((err) => this.logger?.warn({ version: g.version, err: String(err) }, 'releasing an old model failed'));
  }
}
