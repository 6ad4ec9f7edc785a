import { eventKey, type EventIdentity } from '../../src/domain/types';

/**
 * Keeps the first event of each (profile, id); later copies count as duplicates, as in the
 * embedded store, instead of tripping Neo4j's uniqueness constraint.
 */
export function firstOfEachEvent<E extends EventIdentity>(events: readonly E[]): E[] {
  const seen = new Set<string>();
  return events.filter((e) => {
    const key = eventKey(e);
    return !seen.has(key) && (seen.add(key), true);
  });
}
