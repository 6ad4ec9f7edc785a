import type { Dataset } from '../src/domain/dataset';
import type { ArtworkStat, ThemeStat } from './artwork-stats';
import type { ExperimentStore } from './experiment-store';
import type { FeedbackChange, TitleFeedback } from '../src/domain/title-feedback';
import type { Promotion } from '../src/domain/promotion';
import type {
  Account,
  ErasedHistory,
  ImpressionEvent,
  MaturityTier,
  PlaybackEvent,
  Profile,
  RecordOutcome,
  SimilarEdge,
  StoredProfileData,
  Title,
  WatchState,
  Availability,
} from '../src/domain/types';

/** A person with the titles they acted in or directed (ids sorted). */
export interface Person {
  id: string;
  name: string;
  titleIds: string[];
}

export interface ProfilePage {
  profiles: Profile[];
  hasMore: boolean;
}

/** A playback with the segment of its viewer: what trending and segment popularity count. */
export interface RecentPlay {
  eventId: string;
  titleId: string;
  profileId: string;
  /** The viewer's account country. */
  country: string;
  kids: boolean;
  occurredAt: number;
}

/** What a homepage request reads of its viewer, in one read (Store.viewerState). */
export interface ViewerState {
  /** As getProfiles answers it; null for an unknown id (the rest is then empty, as it is for a profile of another account than the one asked for). */
  profile: Profile | null;
  /** The profile's account. */
  account: Account | null;
  /** As getWatchState answers it; empty when the profile's personalization is off (nothing it did is read). */
  watch: WatchState[];
  /** As titleFeedback answers it. */
  feedback: TitleFeedback[];
}

export type StoreReadiness = { ready: true } | { ready: false; reason: string };

export type LoadProgress = (stage: string, done: number, total: number) => void;

/**
 * Everything the API persists. Two implementations: the embedded default (memory + journal)
 * and Neo4j. Both must pass the contract suite in test/integration/contracts/store-contract.ts with the same
 * answers. Lists come back in a documented, deterministic order so the two can be compared.
 */
export interface Store extends ExperimentStore {
  /** True when nothing has been loaded yet (a fresh DATA_DIR or database). */
  isEmpty(): Promise<boolean>;
  /** Loads a whole dataset (generated world or import) and its SIMILAR_TO graph into an empty store. */
  bulkLoad(data: Dataset, similarity: readonly SimilarEdge[], onProgress?: LoadProgress): Promise<void>;
  close(): Promise<void>;
  /**
   * Whether the store can serve reads and writes right now, answered within a bounded time
   * (readiness probes call it): false with a reason while Neo4j is unreachable or the journal
   * cannot write.
   */
  readiness(): Promise<StoreReadiness>;

  // Catalog, people, genres.
  /** Every title, ordered by id. */
  listTitles(): Promise<Title[]>;
  /** Titles in the order asked, null where an id is unknown. */
  getTitles(ids: readonly string[]): Promise<(Title | null)[]>;
  getPeople(ids: readonly string[]): Promise<(Person | null)[]>;
  /** Every genre name in the catalog, sorted. */
  listGenres(): Promise<string[]>;
  /**
   * Adds a title with its metadata links and SIMILAR_TO edges (both directions) atomically.
   * Throws DuplicateTitleError, writing nothing, when the id exists.
   */
  addTitle(title: Title, edges: readonly SimilarEdge[]): Promise<void>;
  /**
   * Replaces where and when the title is licensed (null: everywhere, always), durably; answers the
   * title as it is now. Throws NotFoundError for an unknown title.
   */
  setTitleAvailability(titleId: string, availability: Availability | null): Promise<Title>;
  /**
   * The title's SIMILAR_TO neighbours, best first (score descending, then id), at most `limit`,
   * leaving out titles above `maxTier` when given.
   */
  similarTitles(titleId: string, limit: number, maxTier?: MaturityTier): Promise<SimilarEdge[]>;

  // Accounts and profiles.
  getAccount(id: string): Promise<Account | null>;
  getProfiles(ids: readonly string[]): Promise<(Profile | null)[]>;
  /** Profiles ordered by id, starting after the id `after` (exclusive). */
  listProfiles(first: number, after?: string): Promise<ProfilePage>;
  countProfiles(): Promise<number>;
  /** The account's profiles, ordered by id. */
  profilesOfAccount(accountId: string): Promise<Profile[]>;
  /**
   * Adds a profile to its (existing) account, atomically checking that the account holds fewer
   * than `maxPerAccount` profiles (ProfileLimitError) and that the id is new (DuplicateProfileError).
   */
  createProfile(profile: Profile, maxPerAccount: number): Promise<void>;
  /** Replaces an existing profile's record (same id and account); throws UnknownProfileError when there is none. */
  updateProfile(profile: Profile): Promise<void>;
  /**
   * Erases the profile's viewing history: its playback and impression events, watch state, the
   * bandit's per-profile counters and its share of the shared artwork counters, and its onboarding
   * answers, its experiment exposures, and its thumbs, "not interested" and Continue Watching removals
   * (My List stays: src/domain/title-feedback.ts); stamps `historyDeletedAt = at`. Atomic and durable when it resolves; the embedded
   * store also rewrites its files so the erased events are no longer on disk.
   */
  eraseViewingHistory(profileId: string, at: number): Promise<ErasedHistory>;
  /** Counts of what is stored about the profile's behaviour. */
  profileData(profileId: string): Promise<StoredProfileData>;

  // Watch state and events. An event is identified by its profile and its eventId (the same id on
  // two profiles is two events); writes are idempotent by that pair, also within one batch and
  // across concurrent calls, and durable when they resolve.
  /** Also credits the artwork bandit: each new play by the reward rule of graph/artwork-stats.ts, in the same write. */
  recordPlayback(events: readonly PlaybackEvent[]): Promise<RecordOutcome<PlaybackEvent>>;
  /** Also counts each new impression into the artwork bandit's statistics, in the same write. */
  recordImpressions(events: readonly ImpressionEvent[]): Promise<RecordOutcome<ImpressionEvent>>;
  /** The profile's state per title it has played, ordered by lastAt descending, then title id. */
  getWatchState(profileId: string): Promise<WatchState[]>;
  /**
   * The profile, its account, its watch state (unless its personalization is off) and its title
   * feedback, the same as getProfiles, getAccount, getWatchState and titleFeedback answer, read
   * together: one round trip for the viewer of a homepage (the access check included) instead of
   * four on a store across the network. With `accountId` (the caller's), a profile of another
   * account is answered alone: nothing else of it is read.
   */
  viewerState(profileId: string, accountId?: string): Promise<ViewerState>;
  /** The profile's playback events, newest first (ties by eventId), at most `first`. */
  viewingHistory(profileId: string, first: number): Promise<PlaybackEvent[]>;
  /** Playback events at or after `since` (epoch ms), oldest first (ties by eventId, then profileId). */
  playsSince(since: number): Promise<RecentPlay[]>;
  /** Playback events at or after `since` (epoch ms), oldest first (ties by eventId, then profileId): the ranker's training data. */
  playbacksSince(since: number): Promise<PlaybackEvent[]>;
  /** Impression events at or after `since` (epoch ms), oldest first (ties by eventId, then profileId). */
  impressionsSince(since: number): Promise<ImpressionEvent[]>;
  /** Every (profile, title) watch state, ordered by profile id then title id: the training data. */
  listWatchStates(): Promise<WatchState[]>;
  /** When the newest playback event happened (epoch ms), or null when there is none. */
  latestPlaybackAt(): Promise<number | null>;

  // What viewers told the service about titles (src/domain/title-feedback.ts).
  /**
   * Applies one control to the profile's record for the title (applyFeedback), atomically and
   * durably; idempotent. Answers the record afterwards, null when nothing is left of it. Throws
   * UnknownProfileError for an unknown profile (the title is the caller's to check).
   */
  changeTitleFeedback(profileId: string, titleId: string, change: FeedbackChange, at: number): Promise<TitleFeedback | null>;
  /** The profile's records, ordered by title id. */
  titleFeedback(profileId: string): Promise<TitleFeedback[]>;
  /** Every profile's records, ordered by profile id then title id: training data. */
  listTitleFeedback(): Promise<TitleFeedback[]>;

  // Promotions (src/domain/promotion.ts).
  /** Adds a promotion, atomically checking its id is new (ConflictError ALREADY_EXISTS); durable when it resolves. */
  createPromotion(promotion: Promotion): Promise<void>;
  /** Ends a promotion at `at` (its `until` becomes the earlier of the two); NotFoundError for an unknown id. Returns it as it is now. */
  endPromotion(id: string, at: number): Promise<Promotion>;
  /** Every promotion, oldest first (ties by id). */
  listPromotions(): Promise<Promotion[]>;

  // The artwork bandit's statistics, shared by every replica (graph/artwork-stats.ts says what they count).
  /** Every artwork variant of the titles asked, zeros where never shown; by title id, then the title's artwork order; unknown titles left out. */
  artworkStats(titleIds: readonly string[]): Promise<ArtworkStat[]>;
  /** The profile's counters per theme it has any, by theme name. */
  themeStats(profileId: string): Promise<ThemeStat[]>;
}
