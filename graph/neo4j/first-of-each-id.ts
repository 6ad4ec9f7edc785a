/**
 * Keeps the first event of each id; later copies count as duplicates, as in the embedded store,
 * instead of tripping Neo4j's uniqueness constraint.
 */
export function firstOfEachId<E extends { eventId: string }>(events: readonly E[]): E[] {
  const seen = new Set<string>();
  return events.filter((e) => !seen.has(e.eventId) && (seen.add(e.eventId), true));
}
