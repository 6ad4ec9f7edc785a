/** Time constants and the local wall-clock arithmetic every layer shares (epoch ms throughout). */
import { utcOffsetMs } from './time-zone';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** A viewer's wall clock: a Date whose UTC fields read as the local time at `at` in the IANA zone `timeZone`. */
export function wallClock(at: number, timeZone: string): Date {
  return new Date(at + utcOffsetMs(timeZone, at));
}

/**
 * The instant a wall-clock time (epoch ms whose UTC fields are the local time) names in
 * `timeZone`, the inverse of wallClock. As Temporal's 'compatible' disambiguation: a time the
 * clocks skip when they spring forward is read with the offset before the jump (02:30 becomes
 * 03:30), and a time that happens twice when they fall back is the earlier of the two.
 */
export function instantOfWallClock(wall: number, timeZone: string): number {
  // A day either side lies beyond any change near `wall` (offsets are within ±14 h, changes months apart).
  const before = utcOffsetMs(timeZone, wall - DAY_MS);
  const after = utcOffsetMs(timeZone, wall + DAY_MS);
  if (before === after) return wall - before;
  const readings = [before, after].filter((offset) => utcOffsetMs(timeZone, wall - offset) === offset);
  return readings.length > 0 ? wall - Math.max(...readings) : wall - before;
}

/** 0 = Monday … 6 = Sunday, of a wall-clock Date (its UTC fields are the local time). */
export function weekdayOf(wall: Date): number {
  return (wall.getUTCDay() + 6) % 7;
}

/** The local hour (0..23) and weekday (0 = Monday) of `at` in the IANA zone `timeZone`. */
export function localHourAndWeekday(at: number, timeZone: string): { localHour: number; localWeekday: number } {
  const wall = wallClock(at, timeZone);
  return { localHour: wall.getUTCHours(), localWeekday: weekdayOf(wall) };
}

/** Midnight UTC of the day holding `at`. */
export function startOfUtcDay(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
}
