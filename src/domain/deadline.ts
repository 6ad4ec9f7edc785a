import { AsyncLocalStorage } from 'node:async_hooks';
import { DeadlineExceededError } from './errors';

/**
 * The deadline of the request being served, carried implicitly through its async calls
 * (AsyncLocalStorage), so that services and store calls deep below a resolver can stop work for a
 * request nobody waits for any more without every signature in between passing a signal along.
 * Code running outside a request (training, imports, tests calling services directly) has none.
 */
export interface Deadline {
  /** Aborts when the deadline passes or the client disconnects; its reason is a DeadlineExceededError. */
  readonly signal: AbortSignal;
}

const current = new AsyncLocalStorage<Deadline>();

/** Runs `work` (and everything it starts) under `deadline`. */
export function withDeadline<T>(deadline: Deadline, work: () => T): T {
  return current.run(deadline, work);
}

/** The abort signal of the request being served, if any. */
export function currentSignal(): AbortSignal | undefined {
  return current.getStore()?.signal;
}

/** Throws the request's DeadlineExceededError when its deadline has passed: call between stages of work. */
export function checkDeadline(): void {
  const signal = current.getStore()?.signal;
  if (signal?.aborted) throw abortReason(signal);
}

/**
 * `promise`, or the request's DeadlineExceededError as soon as its signal aborts, whichever comes
 * first: for waits on something that may hang (a stopped database). The work behind `promise` is
 * not cancelled by this; callers that can cancel it should also pass the signal on.
 */
export function raceDeadline<T>(promise: Promise<T>, signal: AbortSignal | undefined = currentSignal()): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortReason(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof DeadlineExceededError ? signal.reason : new DeadlineExceededError('deadline');
}
