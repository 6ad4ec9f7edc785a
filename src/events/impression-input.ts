import { z } from 'zod';
import { DEVICES, type ExperimentVariant } from '../domain/types';
import { invalidInput } from '../domain/errors';
import { MAX_BATCH, validEventTime } from './playback-input';

export const MAX_EXPERIMENTS = 10;

const id = (max: number) => z.string().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const EventSchema = z.object({
  // Ids are compared exactly, so whitespace is refused rather than trimmed into another id.
  eventId: id(128).regex(/^\S(.*\S)?$/, 'must not start or end with whitespace'),
  profileId: id(128),
  titleId: id(128),
  artworkId: id(128),
  requestId: id(128),
  rowIndex: z.number().int().min(0, 'must be at least 0').max(200, 'must be at most 200'),
  position: z.number().int().min(0, 'must be at least 0').max(500, 'must be at most 500'),
  occurredAt: z.date().nullish(),
  device: z.enum(DEVICES),
  sessionId: id(128).nullish(),
  // A page is built under one variant of each experiment it is in.
  experiments: z
    .array(z.object({ experimentId: id(64), variant: id(64) }))
    .max(MAX_EXPERIMENTS, `must hold at most ${MAX_EXPERIMENTS} entries`)
    .refine((xs) => new Set(xs.map((x) => x.experimentId)).size === xs.length, 'must name each experiment once')
    .nullish(),
});

export type ImpressionEventInputData = z.input<typeof EventSchema>;
export type ParsedImpression = Omit<z.output<typeof EventSchema>, 'occurredAt' | 'sessionId' | 'experiments'> & {
  occurredAt: number;
  sessionId: string | null;
  /** Absent when the page was in no experiment (an empty list is taken as none). */
  experiments?: ExperimentVariant[];
};

/** Validates a batch of impressions and fills defaults; throws BAD_USER_INPUT naming the field. */
export function parseImpressionBatch(events: readonly ImpressionEventInputData[], now: number): ParsedImpression[] {
  if (events.length === 0)
    throw invalidInput(new z.ZodError([{ code: 'custom', path: [], message: 'must hold at least one event', input: events }]), 'events');
  const parsed = z.array(EventSchema).max(MAX_BATCH, `must hold at most ${MAX_BATCH} events`).safeParse(events);
  if (!parsed.success) throw invalidInput(parsed.error, 'events');
  return parsed.data.map(({ experiments, ...e }, i) => ({
    ...e,
    occurredAt: validEventTime(e.occurredAt, now, i),
    sessionId: e.sessionId ?? null,
    ...(experiments && experiments.length > 0
      ? { experiments: experiments.map((x) => ({ experimentId: x.experimentId, variant: x.variant })) }
      : {}),
  }));
}
