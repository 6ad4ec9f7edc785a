import type { Store } from '../../graph/store';
import { DeadlineExceededError, DomainError, UnavailableError } from '../domain/errors';
import type { ApiMetrics } from './metrics';

/** What a failed store call is counted as: bounded, unlike messages. */
function errorKind(err: unknown): string {
  if (err instanceof UnavailableError) return 'unavailable';
  if (err instanceof DeadlineExceededError) return 'timeout';
  return err instanceof DomainError ? 'refused' : 'other';
}

/**
 * The store with every asynchronous call timed and its failures counted, by method name (the
 * Store interface's, a bounded set). Both stores are measured at this one seam, so the figures of
 * `STORE=embedded` and `STORE=neo4j` compare directly.
 */
export function instrumentStore(store: Store, name: string, metrics: ApiMetrics): Store {
  // Keyed by the function read, not its name: a method replaced on the store later is measured as itself.
  const wrapped = new WeakMap<object, unknown>();
  return new Proxy(store, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      if (!wrapped.has(value)) wrapped.set(value, timed(target, prop, value as (...a: unknown[]) => unknown, name, metrics));
      return wrapped.get(value);
    },
  });
}

function timed(target: Store, method: string, fn: (...a: unknown[]) => unknown, store: string, metrics: ApiMetrics) {
  return (...args: unknown[]) => {
    const end = metrics.storeDuration.startTimer({ store, method });
    let result: unknown;
    try {
      result = fn.apply(target, args);
    } catch (err) {
      end();
      metrics.storeErrors.inc({ store, method, kind: errorKind(err) });
      throw err;
    }
    if (!(result instanceof Promise)) {
      end();
      return result;
    }
    return result.then(
      (v) => (end(), v),
      (err) => {
        end();
        metrics.storeErrors.inc({ store, method, kind: errorKind(err) });
        throw err;
      },
    );
  };
}
