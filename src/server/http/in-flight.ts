import type { RequestHandler } from 'express';
import { ErrorCode } from '../errors';

/**
 * Counts the requests being handled, so that a graceful stop can wait for the last of them
 * before the services they use are closed, and refuses new ones once stopping (a request can
 * still reach a connection accepted just before the port closed): 503 NOT_READY, retryable,
 * with `Connection: close` so the client reconnects to another replica.
 */
export class InFlightRequests {
  private count = 0;
  private stopping = false;
  private waiters: (() => void)[] = [];

  readonly track: RequestHandler = (_req, res, next) => {
    if (this.stopping) {
      return void res
        .status(503)
        .set({ Connection: 'close', 'Retry-After': '1' })
        .json({ errors: [{ message: 'The server is shutting down; retry', extensions: { code: ErrorCode.NOT_READY } }] });
    }
    this.count++;
    res.once('close', () => {
      if (--this.count === 0) for (const wake of this.waiters.splice(0)) wake();
    });
    next();
  };

  get isStopping(): boolean {
    return this.stopping;
  }

  /** Refuses new requests from now on and resolves once none is in flight, or after `graceMs` (true if all finished). */
  async stop(graceMs: number): Promise<boolean> {
    this.stopping = true;
    if (this.count === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const drained = new Promise<boolean>((resolve) => this.waiters.push(() => resolve(true)));
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)));
    try {
      return await Promise.race([drained, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}
