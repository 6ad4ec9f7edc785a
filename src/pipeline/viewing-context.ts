import { z } from 'zod';
import { DEVICES, type Account, type Device } from '../domain/types';
import { invalidInput } from '../domain/errors';
import { wallClock, weekdayOf } from '../shared/time';

/** The viewing context after defaults: what every stage may condition on. */
export interface ViewingContext {
  device: Device;
  /** The viewer's wall clock as given (or derived), "YYYY-MM-DDTHH:mm:ss". */
  localTime: string;
  localHour: number;
  /** 0 = Monday … 6 = Sunday. */
  localWeekday: number;
  sessionSeconds: number;
  country: string;
  /** Server time of the request, epoch ms. */
  now: number;
}

export interface ViewingContextInputData {
  device?: Device | null;
  localTime?: string | null;
  sessionSeconds?: number | null;
  country?: string | null;
}

const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

const ContextSchema = z.object({
  device: z.enum(DEVICES).nullish(),
  localTime: z
    .string()
    .regex(LOCAL_TIME, 'must be a wall-clock time like 2026-11-27T20:00 (no offset)')
    .refine((s) => {
      const normalised = s.length === 16 ? `${s}:00` : s;
      const ms = Date.parse(`${normalised}Z`);
      // Date.parse rolls 2026-02-30 over to March; a real date survives the round trip.
      return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(normalised);
    }, 'is not a real date and time')
    .nullish(),
  sessionSeconds: z.number().int().min(0, 'must be at least 0').max(86_400, 'must be at most 86400 (one day)').nullish(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as KR')
    .nullish(),
});

/** Validates the client's context and fills gaps from the account (home country, time zone). */
export function resolveContext(input: ViewingContextInputData | null | undefined, account: Account, now: number): ViewingContext {
  const parsed = ContextSchema.safeParse(input ?? {});
  if (!parsed.success) throw invalidInput(parsed.error, 'context');
  const c = parsed.data;
  const wall = c.localTime
    ? new Date(Date.parse(`${c.localTime.length === 16 ? `${c.localTime}:00` : c.localTime}Z`))
    : wallClock(now, account.timeZone);
  return {
    device: c.device ?? 'WEB',
    localTime: wall.toISOString().slice(0, 19),
    localHour: wall.getUTCHours(),
    localWeekday: weekdayOf(wall),
    sessionSeconds: c.sessionSeconds ?? 0,
    country: c.country ?? account.country,
    now,
  };
}
