import { UnknownProfileError } from '../../graph/errors';
import type { Store } from '../../graph/store';
import type { ErasedHistory, Profile, StoredProfileData } from '../domain/types';
import type { FeatureStore } from '../ranking/features/feature-store';
import type { PlayCounters } from '../retrieval/play-counters';
import type { CollaborativeModel } from '../retrieval/collaborative-model';
import type { DomainChanges } from '../domain/changes';
import { NotFoundError } from '../domain/errors';
import type { ChangeFeed } from '../shared/change-feed';

/** Where a profile's taste vector comes from right now. */
export type TasteVector = 'TRAINED' | 'FOLDED_IN' | 'NONE';

/** What the service holds about a profile, for Profile.dataSummary. */
export interface ProfileDataSummary extends StoredProfileData {
  profile: Profile;
  /** Titles the ranker counts as shown to the profile in the last four weeks (this replica's feature store). */
  exposureTitles: number;
  tasteVector: TasteVector;
}

/** The in-memory places a profile's behaviour reaches, besides the store. */
export interface DerivedState {
  features: Pick<FeatureStore, 'forget' | 'exposedTitles'>;
  counters: PlayCounters;
  /** The serving bundle's collaborative model (hot-swapped, so asked for each time). */
  model: () => Pick<CollaborativeModel, 'forget' | 'vectorSource'>;
}

export interface PrivacyServiceOptions {
  store: Store;
  derived: DerivedState;
  clock?: () => number;
  /** Hears `historyErased`: cached homepages and artwork statistics drop the profile. */
  changes?: ChangeFeed<DomainChanges>;
}

/**
 * Erasure and disclosure. Erasing a profile's viewing history removes its events, watch state
 * and bandit counters from the store (and, for the embedded store, from its files), takes its
 * plays and impressions out of this replica's aggregates (trending, title statistics), and drops
 * its exposure, folded-in vector and cached pages, so the next homepage is a cold-start one.
 */
export class PrivacyService {
  private readonly store: Store;
  private readonly derived: DerivedState;
  private readonly clock: () => number;
  private readonly changes?: ChangeFeed<DomainChanges>;

  constructor(o: PrivacyServiceOptions) {
    this.store = o.store;
    this.derived = o.derived;
    this.clock = o.clock ?? Date.now;
    this.changes = o.changes;
  }

  /**
   * Erases and says what was erased. A store that cannot record the erasure throws (the storage
   * or graph is unavailable) and nothing was erased; one that recorded it but could not yet rewrite
   * its files answers `purgePending` and finishes on its own, so the derived state is dropped all the same.
   */
  async eraseHistory(profile: Profile): Promise<ErasedHistory> {
    let erased: ErasedHistory;
    try {
      erased = await this.store.eraseViewingHistory(profile.id, this.clock());
    } catch (err) {
      if (err instanceof UnknownProfileError) throw new NotFoundError('Profile', profile.id);
      throw err;
    }
    const account = await this.store.getAccount(profile.accountId);
    const change: DomainChanges['historyErased'] = {
      profileId: profile.id,
      titleIds: [...new Set(erased.impressions.map((e) => e.titleId))],
      isKids: profile.isKids,
      country: account?.country ?? 'XX',
      erased: { playbacks: erased.playbacks, impressions: erased.impressions },
    };
    forgetErased(this.derived, change, this.clock());
    await this.changes?.publish('historyErased', change);
    return erased;
  }

  async summary(profile: Profile): Promise<ProfileDataSummary> {
    const [stored, watch] = await Promise.all([this.store.profileData(profile.id), this.store.getWatchState(profile.id)]);
    return {
      ...stored,
      profile,
      exposureTitles: this.derived.features.exposedTitles(profile.id, this.clock()),
      tasteVector: this.derived.model().vectorSource(profile.id, watch),
    };
  }
}

/**
 * Takes an erased history out of a replica's derived state: trending and segment counts, title
 * statistics, exposure, the folded-in vector. The replica that erased calls it, and so does every
 * other replica when the change reaches it.
 */
export function forgetErased(derived: DerivedState, change: DomainChanges['historyErased'], now: number): void {
  const { playbacks, impressions } = change.erased;
  for (const e of playbacks) derived.counters.note(change.country, change.isKids, e.titleId, e.occurredAt, -1);
  for (const e of impressions) derived.counters.noteImpression(e.titleId, e.occurredAt, -1);
  derived.features.forget(change.profileId, change.erased, now);
  derived.model().forget(change.profileId);
}
