import { z } from 'zod';
import { DEVICES, type PlaybackEvent } from '../domain/types';
import { invalidInput } from '../domain/errors';

export const MAX_BATCH = 500;
/** Clocks drift; an event this far in the future is a client bug, not a clock skew. */
const MAX_FUTURE_MS = 10 * 60_000;
/** Nothing was streamed before this; an earlier time is a client bug. */
const EARLIEST = Date.UTC(2000, 0, 1);

const EventSchema = z.object({
  // Ids are compared exactly, so whitespace is refused rather than trimmed into another id.
  eventId: z
    .string()
    .min(1, 'must not be empty')
    .max(128, 'must be at most 128 characters')
    .regex(/^\S(.*\S)?$/, 'must not start or end with whitespace'),
  profileId: z.string().min(1, 'must not be empty'),
  titleId: z.string().min(1, 'must not be empty'),
  occurredAt: z.date().nullish(),
  progress: z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1'),
  device: z.enum(DEVICES),
  sessionId: z.string().max(128, 'must be at most 128 characters').nullish(),
});

export type PlaybackEventInputData = z.input<typeof EventSchema>;

/** Validates a batch of playback reports and fills defaults; throws BAD_USER_INPUT naming the field. */
export function parsePlaybackBatch(events: readonly PlaybackEventInputData[], now: number): PlaybackEvent[] {
  if (events.length === 0)
    throw invalidInput(new z.ZodError([{ code: 'custom', path: [], message: 'must hold at least one event', input: events }]), 'events');
  const parsed = z.array(EventSchema).max(MAX_BATCH, `must hold at most ${MAX_BATCH} events`).safeParse(events);
  if (!parsed.success) throw invalidInput(parsed.error, 'events');
  return parsed.data.map((e, i) => ({
    eventId: e.eventId,
    profileId: e.profileId,
    titleId: e.titleId,
    occurredAt: validEventTime(e.occurredAt, now, i),
    progress: e.progress,
    device: e.device,
    sessionId: e.sessionId ?? null,
  }));
}

/** An event's time (default `now`) as epoch ms; refuses times before 2000 or in the future (event `i` of the batch). */
export function validEventTime(at: Date | null | undefined, now: number, i: number): number {
  const occurredAt = at ? at.getTime() : now;
  if (Number.isNaN(occurredAt) || occurredAt > now + MAX_FUTURE_MS || occurredAt < EARLIEST) {
    throw invalidInput(
      new z.ZodError([{ code: 'custom', path: [i, 'occurredAt'], message: 'must be a time between 2000-01-01 and now', input: at }]),
      'events',
    );
  }
  return occurredAt;
}
