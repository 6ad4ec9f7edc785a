import type { Store } from '../../graph/store';
import type { PlaybackEvent, Profile } from '../domain/types';
import type { FeatureStore } from '../ranking/features/feature-store';
import type { CollaborativeModel } from '../retrieval/collaborative-model';
import type { PlayCounters } from '../retrieval/play-counters';

export interface RetrievalUpdatesOptions {
  store: Store;
  /** The current bundle's model: a hot swap replaces it between calls. */
  model: () => CollaborativeModel;
  counters: PlayCounters;
  features: FeatureStore;
}

/**
 * What one accepted playback changes in retrieval, right away: the profile's vector is
 * re-solved against the fixed title vectors (fold-in), the trending and segment counters count
 * the play, and so do the ranker's title statistics. The next homepage of that profile, and of
 * its country, reflects it.
 */
export class RetrievalUpdates {
  private readonly store: Store;
  private readonly model: () => CollaborativeModel;
  private readonly counters: PlayCounters;
  private readonly features: FeatureStore;

  constructor(o: RetrievalUpdatesOptions) {
    this.store = o.store;
    this.model = o.model;
    this.counters = o.counters;
    this.features = o.features;
  }

  async apply(accepted: readonly PlaybackEvent[], profiles: readonly Profile[]): Promise<void> {
    const byId = new Map(profiles.map((p) => [p.id, p]));
    const profileIds = [...new Set(accepted.map((e) => e.profileId))];
    const accountIds = [...new Set(profileIds.map((id) => byId.get(id)!.accountId))];
    const accounts = new Map(
      (await Promise.all(accountIds.map((id) => this.store.getAccount(id)))).filter((a) => a !== null).map((a) => [a.id, a]),
    );
    for (const e of accepted) {
      const profile = byId.get(e.profileId)!;
      const country = accounts.get(profile.accountId)?.country ?? 'XX';
      this.counters.note(country, profile.isKids, e.titleId, e.occurredAt);
    }
    this.features.notePlaybacks(accepted);
    const model = this.model();
    await Promise.all(profileIds.map(async (id) => model.refresh(id, await this.store.getWatchState(id))));
  }
}
