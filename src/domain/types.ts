/**
 * The domain records every store holds. Plain data, no behaviour: the same shapes travel from
 * the world generator and importers into a store, and from a store into the engine.
 */

export const DEVICES = ['TV', 'PHONE', 'TABLET', 'WEB'] as const;
export type Device = (typeof DEVICES)[number];

export const TITLE_KINDS = ['MOVIE', 'SERIES'] as const;
export type TitleKind = (typeof TITLE_KINDS)[number];

export const ARTWORK_THEMES = ['ACTION', 'ROMANCE', 'ENSEMBLE', 'DRAMATIC', 'COMEDY', 'PORTRAIT', 'SCENIC', 'DARK'] as const;
export type ArtworkTheme = (typeof ARTWORK_THEMES)[number];

/** Netflix-style maturity tiers; a profile sees titles at or below its tier. */
export const MATURITY_TIERS = ['LITTLE_KIDS', 'OLDER_KIDS', 'TEENS', 'ADULTS'] as const;
export type MaturityTier = (typeof MATURITY_TIERS)[number];

export interface PersonRef {
  id: string;
  name: string;
}

export interface Artwork {
  id: string;
  titleId: string;
  theme: ArtworkTheme;
}

/**
 * Where and when a title may be shown: the countries it is licensed in and, optionally, the
 * licence's window. A title without availability is shown everywhere, always (the catalog's
 * default and that of older data).
 */
export interface Availability {
  /** ISO 3166-1 alpha-2 codes, sorted; absent: every country. */
  countries?: string[];
  /** Epoch ms the licence starts; absent: it has. */
  from?: number;
  /** Epoch ms the licence ends (exclusive); absent: it does not. */
  until?: number;
}

export interface Title {
  id: string;
  name: string;
  kind: TitleKind;
  description: string;
  genres: string[];
  tags: string[];
  cast: PersonRef[];
  directors: PersonRef[];
  /** ISO 3166-1 alpha-2 code of the main production country. */
  country: string;
  /** ISO 639-1 code of the original language. */
  language: string;
  releaseYear: number;
  /** The rating as printed (e.g. "TV-14", "PG-13"). */
  maturityRating: string;
  maturityTier: MaturityTier;
  /** Movie length, or typical episode length for a series. */
  runtimeMinutes: number;
  seasons: number | null;
  criticScore: number | null;
  /** When the title joined the catalog (epoch ms). */
  addedAt: number;
  artwork: Artwork[];
  /** Where and when it is licensed; absent: everywhere, always. */
  availability?: Availability;
}

export interface Account {
  id: string;
  country: string;
  /** The account's home time zone, an IANA name (America/New_York): local hours follow its daylight saving time. */
  timeZone: string;
  createdAt: number;
}

export interface Profile {
  id: string;
  accountId: string;
  name: string;
  isKids: boolean;
  maturityLimit: MaturityTier;
  language: string;
  createdAt: number;
  /** Set by the viewer (setPersonalization): a non-personalized homepage, and no behavioural events recorded. Absent: personalized. */
  personalizationOff?: boolean;
  /** What the viewer said it likes when the profile was new (completeOnboarding). */
  onboarding?: Onboarding;
  /** When the profile's viewing history was last erased: model vectors trained on data before it are not used. */
  historyDeletedAt?: number;
}

/** Onboarding answers: genres the viewer likes and titles it has seen and liked. */
export interface Onboarding {
  genres: string[];
  titleIds: string[];
  completedAt: number;
}

/** What a store erased with a profile's viewing history, so in-memory aggregates can subtract it. */
export interface ErasedHistory {
  playbacks: PlaybackEvent[];
  impressions: ImpressionEvent[];
  /** The profile as it is after the erasure. */
  profile: Profile;
  /**
   * Set when the erasure holds (durable; no answer shows the events any more) but the store's
   * files still hold the erased events because the disk refused their rewrite: the store keeps
   * retrying the purge, and finishes it at its next start if it has not by then.
   */
  purgePending?: true;
}

/** What a store holds about one profile's behaviour (Profile.dataSummary). */
export interface StoredProfileData {
  playbacks: number;
  impressions: number;
  titles: number;
  /** Per-theme artwork counters of the profile. */
  artworkThemes: number;
  /** Titles rated up or down, titles marked "not interested", titles on My List. */
  ratings: number;
  notInterested: number;
  myList: number;
  firstEventAt: number | null;
  lastEventAt: number | null;
}

/** One playback report: how far into the title the viewer is, at a moment, on a device. */
export interface PlaybackEvent {
  eventId: string;
  profileId: string;
  titleId: string;
  /** Epoch ms. */
  occurredAt: number;
  /** Fraction of the title watched so far, 0..1. */
  progress: number;
  device: Device;
  sessionId: string | null;
}

/** The variant of one experiment a homepage was built under. */
export interface ExperimentVariant {
  experimentId: string;
  variant: string;
}

/** One title shown on a homepage, with the artwork variant it was shown with. */
export interface ImpressionEvent {
  eventId: string;
  profileId: string;
  titleId: string;
  artworkId: string;
  occurredAt: number;
  device: Device;
  /** Viewer's wall-clock hour, 0..23, and weekday, 0 = Monday. */
  localHour: number;
  localWeekday: number;
  requestId: string;
  rowIndex: number;
  position: number;
  sessionId: string | null;
  /** The experiment variants the page was built under; absent (never empty) when there were none. */
  experiments?: ExperimentVariant[];
}

/** What a store derives per (profile, title) from playback events. */
export interface WatchState {
  profileId: string;
  titleId: string;
  progress: number;
  plays: number;
  firstAt: number;
  lastAt: number;
  completed: boolean;
}

/**
 * What identifies an event: its profile and its id. Event ids are chosen by clients, so two
 * accounts may well send the same one; scoped to the profile, neither can see or suppress the other's.
 */
export type EventIdentity = Pick<PlaybackEvent, 'profileId' | 'eventId'>;

/** One string per event identity, for sets and maps (JSON, so no id can forge another pair). */
export const eventKey = (e: EventIdentity): string => JSON.stringify([e.profileId, e.eventId]);

/** Outcome of an idempotent batch write. */
export interface RecordOutcome<E extends EventIdentity = EventIdentity> {
  accepted: number;
  /** Events of the batch already stored, or repeated within it (same profile and eventId). */
  duplicates: number;
  /**
   * The events written by this call, as given and once each (not those seen before, nor a repeat
   * within the batch), for online updates.
   */
  acceptedEvents: E[];
}

/** Progress at or above which a play counts as finished (the ranker's "finish" label). */
export const FINISHED_PROGRESS = 0.7;

/** Progress at or above which a title leaves Continue Watching (credits are rarely watched). */
export const COMPLETED_PROGRESS = 0.9;

/** A tier's position, 0 for LITTLE_KIDS: a profile sees titles of a rank at or below its own. */
export function tierRank(tier: MaturityTier): number {
  return MATURITY_TIERS.indexOf(tier);
}

/** Whether a title of tier `title` may be shown to a profile limited to `limit`. */
export function allowedFor(limit: MaturityTier, title: MaturityTier): boolean {
  return tierRank(title) <= tierRank(limit);
}

/**
 * A SIMILAR_TO edge: `to` is among the titles most like `from`. `basis` says why, most telling
 * first: shared feature keys ("director:p12", "genre:Crime", "country:KR") and, where viewers
 * watched both, "co-watch:<viewers>".
 */
export interface SimilarEdge {
  from: string;
  to: string;
  score: number;
  basis: string[];
}
