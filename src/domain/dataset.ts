import type { Account, ImpressionEvent, PlaybackEvent, Profile, Title } from './types';
import type { TitleFeedback } from './title-feedback';

/** Sizes of the synthetic world the generator knows (src/world/sizes.ts gives their counts). */
export const WORLD_SIZES = ['small', 'default', 'large'] as const;
export type WorldSize = (typeof WORLD_SIZES)[number];

/** Real catalogs `npm run import -- --catalog <format>` and CATALOG_FORMAT accept (src/import/import-dataset.ts). */
export const IMPORT_FORMATS = ['netflix-titles', 'movielens'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** What a dataset is and where its history starts and ends. */
export interface DatasetManifest {
  size: WorldSize | 'imported';
  seed: number;
  /** Epoch ms: the first and last moments of the (simulated or imported) history. */
  start: number;
  end: number;
  counts: Record<'titles' | 'accounts' | 'profiles' | 'playbacks' | 'impressions', number>;
}

/**
 * What a store bulk-loads: everything observable of a generated world or an import. The world's
 * hidden truth is never part of it.
 */
export interface Dataset {
  manifest: DatasetManifest;
  titles: Title[];
  accounts: Account[];
  profiles: Profile[];
  playbacks: PlaybackEvent[];
  impressions: ImpressionEvent[];
  /** What viewers told the service (thumbs): absent in datasets from before it existed, and from imports of real viewers. */
  feedback?: TitleFeedback[];
}
