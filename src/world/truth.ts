/**
 * The world's hidden ground truth. Evaluation code and the user simulator read it; the store and
 * the recommender never see it (it is written to its own file and never bulk-loaded).
 */

export interface TitleTruth {
  /** Latent quality, standard normal; critic scores are a noisy view of it. */
  quality: number;
  /** Latent mass appeal (log scale); drives how often the title gets picked regardless of taste. */
  buzz: number;
  /** Per artwork variant (same order as Title.artwork): appeal independent of the viewer. */
  artworkAppeal: number[];
}

export interface ProfileTaste {
  /** Affinity per genre, indexed like GENRES. */
  genre: number[];
  /** Affinity per tag, indexed like TAGS. */
  tag: number[];
  /** Affinity per production country code (absent = 0). */
  country: Record<string, number>;
  /** Affinity for favourite people (absent = 0). */
  people: Record<string, number>;
  /** Appeal of each artwork theme, indexed like ARTWORK_THEMES. */
  theme: number[];
  /** Relative use of each device, indexed like DEVICES. */
  devices: number[];
  /** Relative likelihood of starting a session at each local hour. */
  hours: number[];
  /** Mean sessions per day. */
  activity: number;
  /** Tendency to finish what is started (added to the finish log-odds). */
  patience: number;
}

export interface WorldTruth {
  titles: Record<string, TitleTruth>;
  profiles: Record<string, ProfileTaste>;
}
