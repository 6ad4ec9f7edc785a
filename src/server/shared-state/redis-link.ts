import { createClient } from 'redis';
import type { Logger } from '../../shared/logger';
import { errorMessage } from '../../shared/error-message';

export type RedisClient = ReturnType<typeof createClient>;

/** Reconnection backs off to this, so a replica finds a Redis that came back within two seconds. */
const MAX_RECONNECT_DELAY_MS = 2_000;
/** Bounds every command: a Redis that hangs costs a request this much at most before the local view answers. */
const COMMAND_TIMEOUT_MS = 500;

export interface RedisLinkOptions {
  url: string;
  logger?: Logger;
}

/**
 * One replica's connection to the shared Redis, and whether it is up. Commands never queue while
 * the connection is down (they fail at once and the caller falls back to its local view); the
 * client reconnects by itself, forever, and `onReady` listeners run on every (re)connection so
 * that what was missed can be caught up. The first outage and the recovery are logged once each.
 */
export class RedisLink {
  /** Commands of the request path and the writers of the shared stream. */
  readonly client: RedisClient;
  private readonly readyListeners: (() => Promise<void>)[] = [];
  private up = false;
  /** Closing on purpose: the connection's end is not an outage. */
  private closing = false;
  /** An outage is logged once, not on every reconnection attempt. */
  private reportedDown = false;
  private readonly logger?: Logger;
  private readonly stateListeners: ((up: boolean) => void)[] = [];

  constructor(o: RedisLinkOptions) {
    this.logger = o.logger;
    this.client = createClient({
      url: o.url,
      disableOfflineQueue: true,
      commandOptions: { timeout: COMMAND_TIMEOUT_MS },
      socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY_MS) },
    });
    this.client.on('error', (err: unknown) => this.down(err));
    this.client.on('end', () => this.down('connection closed'));
    this.client.on('ready', () => {
      this.up = true;
      this.reportedDown = false;
      this.emitState(true);
      this.logger?.info({ url: redact(o.url) }, 'shared state: connected to Redis');
      for (const listener of this.readyListeners) void listener();
    });
  }

  get isUp(): boolean {
    return this.up && this.client.isReady;
  }

  /** Hears every loss and return of the connection (metrics). */
  onState(listener: (up: boolean) => void): void {
    this.stateListeners.push(listener);
  }

  private emitState(up: boolean): void {
    for (const listener of this.stateListeners) listener(up);
  }

  /** Runs on every (re)connection, after the first one too. */
  onReady(listener: () => Promise<void>): void {
    this.readyListeners.push(listener);
  }

  /**
   * Starts connecting and waits for the first connection up to `waitMs`. A Redis that is not there
   * at start is not fatal: the replica serves its local view and the client keeps trying.
   */
  async connect(waitMs = 3_000): Promise<void> {
    const connected = this.client.connect().then(
      () => undefined,
      (err: unknown) => this.down(err),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([connected, new Promise((resolve) => (timer = setTimeout(resolve, waitMs)))]);
    clearTimeout(timer);
    if (!this.isUp) this.down('no connection within the start-up wait');
  }

  /** A second connection for blocking reads (a blocked connection cannot serve other commands). */
  duplicate(): RedisClient {
    const copy = this.client.duplicate();
    copy.on('error', () => {});
    return copy;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.readyListeners.length = 0;
    if (this.client.isOpen) await this.client.close().catch(() => this.client.destroy());
  }

  private down(err: unknown): void {
    this.up = false;
    if (this.reportedDown || this.closing) return;
    this.reportedDown = true;
    this.emitState(false);
    this.logger?.warn(
      { err: errorMessage(err) },
      'shared state: Redis unreachable; serving from this replica’s local view until it returns',
    );
  }
}

/** A URL's password never reaches the log. */
function redact(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
