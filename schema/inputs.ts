import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import type { NewTitleInputData } from '../src/catalog/new-title-input';
import type { AvailabilityInputData } from '../src/catalog/availability-service';
import { MAX_FILTER_GENRES, type TitleFilterData } from '../src/pipeline/title-filter-input';
import type { ArtworkTheme as ThemeName, Device as DeviceName, MaturityTier as TierName, TitleKind as KindName } from '../src/domain/types';
import type { ImpressionEventInputData } from '../src/events/impression-input';
import type { PlaybackEventInputData } from '../src/events/playback-input';
import type { ViewingContextInputData } from '../src/pipeline/viewing-context';
import { ArtworkTheme, Device, MaturityTier, TitleKind } from './enums';

@InputType({ description: 'Where and when the viewer is. Every field is optional; defaults come from the account.' })
export class ViewingContextInput implements ViewingContextInputData {
  @Field(() => Device, { nullable: true, description: 'Device in use; default WEB.' })
  device?: DeviceName | null;

  @Field(() => String, {
    nullable: true,
    description: 'Viewer\'s wall-clock time without offset, e.g. "2026-11-27T20:00"; default now in the account\'s time zone.',
  })
  localTime?: string | null;

  @Field(() => Int, { nullable: true, description: 'Seconds since the session started, 0-86400; default 0.' })
  sessionSeconds?: number | null;

  @Field(() => String, { nullable: true, description: "Country the viewer is in (ISO 3166-1 alpha-2); default the account's." })
  country?: string | null;
}

@InputType({ description: 'One playback report. Reports are idempotent by profile and eventId.' })
export class PlaybackEventInput implements PlaybackEventInputData {
  @Field(() => ID, {
    description:
      "Client-chosen id, unique within the profile (at most 128 characters); resending it is harmless. Another profile's event of the same id is another event.",
  })
  eventId: string;

  @Field(() => ID, { description: 'The profile watching.' })
  profileId: string;

  @Field(() => ID, { description: 'The title played.' })
  titleId: string;

  @Field(() => Date, { nullable: true, description: 'When it happened; default now. Must not be in the future.' })
  occurredAt?: Date | null;

  @Field(() => Float, { description: 'Fraction of the title watched so far, 0-1.' })
  progress: number;

  @Field(() => Device, { description: 'Device played on.' })
  device: DeviceName;

  @Field(() => String, { nullable: true, description: 'Client session id, to group reports of one sitting.' })
  sessionId?: string | null;
}

@InputType({ description: 'The variant of one experiment the homepage was built under.' })
export class ExperimentVariantInput {
  @Field(() => ID, { description: 'The experiment (1-64 characters).' })
  experimentId: string;

  @Field(() => String, { description: 'The variant the profile was assigned to (1-64 characters).' })
  variant: string;
}

@InputType({
  description:
    'One title shown on a homepage: which page (requestId), where (row, position), with which artwork and under which experiment variants.',
})
export class ImpressionEventInput implements ImpressionEventInputData {
  @Field(() => ID, {
    description:
      "Client-chosen id, unique within the profile (at most 128 characters); resending it is harmless. Another profile's event of the same id is another event.",
  })
  eventId: string;

  @Field(() => ID, { description: 'The profile the page was shown to.' })
  profileId: string;

  @Field(() => ID, { description: 'The title shown.' })
  titleId: string;

  @Field(() => ID, { description: "The artwork variant it was shown with (one of the title's)." })
  artworkId: string;

  @Field(() => ID, { description: 'The requestId of the homepage that showed it.' })
  requestId: string;

  @Field(() => Int, { description: 'Row on the page, 0 at the top.' })
  rowIndex: number;

  @Field(() => Int, { description: 'Position in the row, 0 first.' })
  position: number;

  @Field(() => Date, { nullable: true, description: 'When it was shown; default now. Must not be in the future.' })
  occurredAt?: Date | null;

  @Field(() => Device, { description: 'Device it was shown on.' })
  device: DeviceName;

  @Field(() => String, { nullable: true, description: 'Client session id.' })
  sessionId?: string | null;

  @Field(() => [ExperimentVariantInput], {
    nullable: true,
    description:
      "The item's `experiments` as the homepage returned them (at most 10, each experiment once): stored with the impression for experiment analysis.",
  })
  experiments?: ExperimentVariantInput[] | null;
}

@ObjectType({ simpleResolvers: true, description: 'Outcome of a batch of events.' })
export class RecordResult {
  @Field(() => Int, { description: 'Events written by this call.' })
  accepted: number;

  @Field(() => Int, {
    description: 'Events already recorded (the same profile and eventId, earlier or earlier in this batch), not counted again.',
  })
  duplicates: number;

  @Field(() => Int, {
    description:
      "Events not recorded because the profile's personalization is off, or because they happened before its viewing history was erased.",
  })
  ignored: number;
}

@InputType({
  description: 'A title to add to the catalog. It is linked to its metadata and gets similar titles at once, before anyone watches it.',
})
export class NewTitleInput implements NewTitleInputData {
  @Field(() => ID, {
    description: 'The catalog\'s own id for the title; becomes the title id. 1-64 letters, digits, ".", "_", ":" or "-"; must be unused.',
  })
  externalId: string;

  @Field(() => String, { description: 'Display name.' })
  name: string;

  @Field(() => TitleKind, { description: 'Film or series.' })
  kind: KindName;

  @Field(() => String, { nullable: true, description: 'A one-sentence synopsis.' })
  description?: string | null;

  @Field(() => [String], { description: 'Genres, most defining first (1-10).' })
  genres: string[];

  @Field(() => [String], { nullable: true, description: 'Moods and themes (at most 20).' })
  tags?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: 'Main cast in billing order (at most 50); known names link to their other titles.',
  })
  cast?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Directors or creators (at most 10); known names link to their other titles.' })
  directors?: string[] | null;

  @Field(() => String, { description: 'ISO 3166-1 alpha-2 code of the production country, e.g. "KR".' })
  country: string;

  @Field(() => String, { description: 'ISO 639-1 code of the original language, e.g. "ko".' })
  language: string;

  @Field(() => Int, { description: 'Year of first release.' })
  releaseYear: number;

  @Field(() => String, { description: 'Maturity rating as printed, e.g. "TV-MA".' })
  maturityRating: string;

  @Field(() => MaturityTier, { description: 'The maturity tier the rating belongs to; kids profiles see only titles at or below theirs.' })
  maturityTier: TierName;

  @Field(() => Int, { description: 'Film length, or typical episode length of a series, in minutes (1-600).' })
  runtimeMinutes: number;

  @Field(() => Int, { nullable: true, description: 'Number of seasons: required for a series, empty for a film.' })
  seasons?: number | null;

  @Field(() => Int, { nullable: true, description: 'Aggregated critic score 0-100, when reviewed.' })
  criticScore?: number | null;

  @Field(() => [ArtworkTheme], {
    nullable: true,
    description: 'Themes of the artwork variants to create (1-8); default PORTRAIT, DRAMATIC, ENSEMBLE.',
  })
  artworkThemes?: ThemeName[] | null;
}

@InputType({
  description:
    'Narrows an answer to some titles: those having one of includeGenres and none of excludeGenres, of one of kinds, at most maxRuntimeMinutes long. Fields left out do not narrow.',
})
export class TitleFilterInput implements TitleFilterData {
  @Field(() => [String], { nullable: true, description: `Catalog genres, at most ${MAX_FILTER_GENRES}: a title needs one of them.` })
  includeGenres?: string[] | null;

  @Field(() => [String], {
    nullable: true,
    description: `Catalog genres, at most ${MAX_FILTER_GENRES}: a title with any of them is left out.`,
  })
  excludeGenres?: string[] | null;

  @Field(() => [TitleKind], { nullable: true, description: 'Films, series or both (at least one).' })
  kinds?: KindName[] | null;

  @Field(() => Int, { nullable: true, description: 'Longest runtime in minutes (an episode, for a series), 1-1000.' })
  maxRuntimeMinutes?: number | null;
}

@InputType({ description: 'Where and when a title is licensed. Fields left out do not restrict.' })
export class AvailabilityInput implements AvailabilityInputData {
  @Field(() => [String], {
    nullable: true,
    description: 'Upper-case ISO 3166-1 alpha-2 codes, at most 250; left out: every country; empty: none.',
  })
  countries?: string[] | null;

  @Field(() => Date, { nullable: true, description: 'When the licence starts.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the licence ends (after `from`).' })
  until?: Date | null;
}
