/**
 * The changes other parts of the system must hear of, with what each carries. Services publish
 * them on a ChangeFeed (src/shared/change-feed.ts); caches and derived state subscribe
 * (src/server/services.ts wires who listens to what).
 */
export interface DomainChanges {
  /** A profile's settings, kids flag, limit, language, personalization or onboarding answers changed. */
  profileChanged: { profileId: string };
  /** The profile rated a title, marked it not interested, changed My List or removed it from Continue Watching. */
  feedbackChanged: { profileId: string; titleId: string };
  /** Impressions of the profile were recorded: what it was shown lately (the ranker's exposure features) moved. */
  profileShown: { profileId: string };
  /** The profile's viewing history was erased; `titleIds` are the titles its erased impressions showed. */
  historyErased: { profileId: string; titleIds: string[] };
  /** A title joined the catalog, with SIMILAR_TO edges to and from its neighbours. */
  titleAdded: { titleId: string };
  /** A title's record changed (its licence): any cached page may show it where it is withdrawn now. */
  titleChanged: { titleId: string };
  /** A promotion was created or ended. */
  promotionsChanged: Record<string, never>;
  /** A newer model bundle serves from now on. */
  modelSwapped: { from: string; to: string };
}
