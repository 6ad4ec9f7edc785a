/** Time constants and the local wall-clock arithmetic every layer shares (epoch ms throughout). */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** A viewer's wall clock: a Date whose UTC fields read as the local time `utcOffsetMinutes` from UTC. */
export function wallClock(at: number, utcOffsetMinutes: number): Date {
  return new Date(at + utcOffsetMinutes * MINUTE_MS);
}

/** 0 = Monday … 6 = Sunday, of a wall-clock Date (its UTC fields are the local time). */
export function weekdayOf(wall: Date): number {
  return (wall.getUTCDay() + 6) % 7;
}

/** The local hour (0..23) and weekday (0 = Monday) of `at` in a zone `utcOffsetMinutes` from UTC. */
export function localHourAndWeekday(at: number, utcOffsetMinutes: number): { localHour: number; localWeekday: number } {
  const wall = wallClock(at, utcOffsetMinutes);
  return { localHour: wall.getUTCHours(), localWeekday: weekdayOf(wall) };
}

/** Midnight UTC of the day holding `at`. */
export function startOfUtcDay(at: number): number {
  return Math.floor(at / DAY_MS) * DAY_MS;
}
