import type { RequestHandler } from 'express';
import { withDeadline } from '../../domain/deadline';
import { DeadlineExceededError } from '../../domain/errors';

/**
 * Gives each request a deadline that services and store calls below it see (src/domain/deadline.ts):
 * it aborts after `timeoutMs`, or as soon as the client disconnects, so that work nobody waits for
 * stops. Mounted right before the GraphQL handler, after the body is read: everything the
 * handler starts runs inside the deadline's async context.
 */
export function requestDeadline(timeoutMs: number): RequestHandler {
  return (_req, res, next) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new DeadlineExceededError('deadline', timeoutMs)), timeoutMs);
    res.once('close', () => {
      clearTimeout(timer);
      if (!res.writableFinished) controller.abort(new DeadlineExceededError('client-gone'));
    });
    withDeadline({ signal: controller.signal }, next);
  };
}
