import type { EventIdentity } from '../../src/domain/types';

/**
 * Which events (by profile and id) are stored. A set of ids per profile holds the events' own id
 * strings: keyed by one joined string per event (eventKey), the large world's 4.5 million
 * impressions cost about 100 bytes each here, this way about 40 (docs/SCALING.md).
 */
export class EventIdSet {
  private readonly byProfile = new Map<string, Set<string>>();

  has(e: EventIdentity): boolean {
    return this.byProfile.get(e.profileId)?.has(e.eventId) ?? false;
  }

  add(e: EventIdentity): void {
    const ids = this.byProfile.get(e.profileId);
    if (ids) ids.add(e.eventId);
    else this.byProfile.set(e.profileId, new Set([e.eventId]));
  }

  /** Forgets every event of the profile (an erasure). */
  forgetProfile(profileId: string): void {
    this.byProfile.delete(profileId);
  }
}
