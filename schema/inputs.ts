import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Device } from './enums';

@InputType({ description: 'Where and when the viewer is. Every field is optional; defaults come from the account.' })
export class ViewingContextInput {
  @Field(() => Device, { nullable: true, description: 'Device in use; default WEB.' })
  device?: string | null;

  @Field(() => String, { nullable: true, description: 'Viewer\'s wall-clock time without offset, e.g. "2026-11-27T20:00"; default now in the account\'s time zone.' })
  localTime?: string | null;

  @Field(() => Int, { nullable: true, description: 'Seconds since the session started, 0-86400; default 0.' })
  sessionSeconds?: number | null;

  @Field(() => String, { nullable: true, description: 'Country the viewer is in (ISO 3166-1 alpha-2); default the account\'s.' })
  country?: string | null;
}

@InputType({ description: 'One playback report. Reports are idempotent by eventId.' })
export class PlaybackEventInput {
  @Field(() => ID, { description: 'Client-chosen unique id (at most 128 characters); resending it is harmless.' })
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
  device: string;

  @Field(() => String, { nullable: true, description: 'Client session id, to group reports of one sitting.' })
  sessionId?: string | null;
}

@ObjectType({ description: 'Outcome of a batch of events.' })
export class RecordResult {
  @Field(() => Int, { description: 'Events written by this call.' })
  accepted: number;

  @Field(() => Int, { description: 'Events already recorded earlier (same eventId), not counted again.' })
  duplicates: number;
}
