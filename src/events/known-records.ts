import type { Store } from '../../graph/store';
import type { Profile, Title } from '../domain/types';
import { resolveTitles, type CatalogIndex } from '../pipeline/catalog-index';
import { InvalidInputError } from '../domain/errors';

/** The batch's profiles, by id; BAD_USER_INPUT naming the first event of an unknown one. */
export async function knownProfiles(store: Store, events: readonly { profileId: string }[]): Promise<Map<string, Profile>> {
  const ids = [...new Set(events.map((e) => e.profileId))];
  const profiles = await store.getProfiles(ids);
  const missing = ids.find((_, i) => profiles[i] === null);
  if (missing !== undefined) {
    throw new InvalidInputError(
      `events[${events.findIndex((e) => e.profileId === missing)}].profileId`,
      `no profile ${JSON.stringify(missing)}`,
    );
  }
  return new Map(profiles.map((p) => [p!.id, p!]));
}

/**
 * The batch's titles, by id; BAD_USER_INPUT naming the first event of an unknown one. The
 * in-memory catalog may lag titles another replica added, so the store is asked about misses.
 */
export async function knownTitles(
  store: Store,
  catalog: CatalogIndex,
  events: readonly { titleId: string }[],
): Promise<Map<string, Title>> {
  const ids = [...new Set(events.map((e) => e.titleId))];
  const found = await resolveTitles(catalog, store, ids);
  const missing = ids.find((_, i) => found[i] === null);
  if (missing !== undefined) {
    throw new InvalidInputError(`events[${events.findIndex((e) => e.titleId === missing)}].titleId`, `no title ${JSON.stringify(missing)}`);
  }
  return new Map(found.map((t) => [t!.id, t!]));
}

/**
 * The events the profile lets the service keep: none while its personalization is off, and none
 * that happened before its history was erased (a late retry must not bring erased history back).
 */
export function recordable<E extends { profileId: string; occurredAt: number }>(
  events: readonly E[],
  profiles: ReadonlyMap<string, Profile>,
): E[] {
  return events.filter((e) => {
    const p = profiles.get(e.profileId)!;
    return !p.personalizationOff && e.occurredAt >= (p.historyDeletedAt ?? -Infinity);
  });
}
