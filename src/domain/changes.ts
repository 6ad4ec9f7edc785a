import type { ImpressionEvent, PlaybackEvent, Profile } from './types';

/**
 * The changes other parts of the system must hear of, with what each carries. Services publish
 * them on a ChangeFeed (src/shared/change-feed.ts); caches and derived state subscribe
 * (src/server/services.ts wires who listens to what). With shared state, every change also
 * travels to the other replicas (src/server/shared-state/replication.ts), so each carries what
 * another replica needs to apply it to its own derived state.
 */
export interface DomainChanges {
  /** Playbacks were stored for the first time; `owners` are their profiles. */
  playbacksRecorded: { events: PlaybackEvent[]; owners: Profile[] };
  /** Impressions were stored for the first time: what their profiles were shown lately (the ranker's exposure features) moved. */
  impressionsRecorded: { events: ImpressionEvent[] };
  /** A profile's settings, kids flag, limit, language, personalization or onboarding answers changed. */
  profileChanged: { profileId: string };
  /** The profile rated a title, marked it not interested, changed My List or removed it from Continue Watching. */
  feedbackChanged: { profileId: string; titleId: string };
  /**
   * The profile's viewing history was erased; `titleIds` are the titles its erased impressions
   * showed, `erased` the events aggregates must take out (counted by the account's `country`).
   */
  historyErased: {
    profileId: string;
    titleIds: string[];
    isKids: boolean;
    country: string;
    erased: { playbacks: PlaybackEvent[]; impressions: ImpressionEvent[] };
  };
  /** A title joined the catalog, with SIMILAR_TO edges to and from its neighbours. */
  titleAdded: { titleId: string };
  /** A title's record changed (its licence): any cached page may show it where it is withdrawn now. */
  titleChanged: { titleId: string };
  /** An experiment started or stopped: the running list each replica keeps is stale. */
  experimentsChanged: { experimentId: string };
  /** A promotion was created or ended. */
  promotionsChanged: Record<string, never>;
  /** A newer model bundle serves from now on. */
  modelSwapped: { from: string; to: string };
}
