/**
 * IANA time zones (America/New_York): their offset from UTC at an instant, read from the ICU data
 * Node ships, so local times follow daylight saving time. The offset is asked per event when a
 * world is generated or a training replay runs and per homepage request, and one Intl call costs
 * microseconds, so each zone keeps one formatter and its offsets per UTC day.
 */

/** A UTC day: the span one cached offset covers. */
const SPAN_MS = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The zone's formatter; throws a RangeError for a name Intl does not know. */
function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    // h23: some ICU versions write midnight as hour 24 under hour12: false.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, f);
  }
  return f;
}

/** Whether Intl knows `zone` (an IANA name such as Europe/London, or UTC). */
export function isTimeZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The offset at `at`, uncached: the zone's wall clock read back as if it were UTC, minus `at` (to the second). */
function offsetFromIntl(zone: string, at: number): number {
  const parts = formatter(zone).formatToParts(at);
  const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return wall - Math.floor(at / 1000) * 1000;
}

/** One UTC day of a zone: one offset, or the two either side of the change that day holds. */
type DayOffsets = number | { before: number; after: number; changesAt: number };

/** Assumes at most one offset change per UTC day, as every zone has (changes are months apart). */
function dayOffsets(zone: string, dayStart: number): DayOffsets {
  let lo = dayStart;
  let hi = dayStart + SPAN_MS - 1000;
  const before = offsetFromIntl(zone, lo);
  const after = offsetFromIntl(zone, hi);
  if (before === after) return before;
  // Offsets change on a whole second: search for the first second with the new one (17 steps).
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetFromIntl(zone, mid) === before) lo = mid;
    else hi = mid;
  }
  return { before, after, changesAt: hi };
}

const offsets = new Map<string, Map<number, DayOffsets>>();

/** Milliseconds to add to UTC at `at` to read the zone's wall clock (negative west of Greenwich). */
export function utcOffsetMs(zone: string, at: number): number {
  let days = offsets.get(zone);
  if (!days) {
    days = new Map();
    offsets.set(zone, days);
  }
  const day = Math.floor(at / SPAN_MS);
  let known = days.get(day);
  if (known === undefined) {
    known = dayOffsets(zone, day * SPAN_MS);
    days.set(day, known);
  }
  if (typeof known === 'number') return known;
  return at < known.changesAt ? known.before : known.after;
}

/**
 * Zones that keep a fractional offset all year (Etc/GMT zones exist for whole hours only); the
 * project's own worlds only ever wrote India's +05:30.
 */
const FRACTIONAL_OFFSET_ZONES = new Map([
  [270, 'Asia/Kabul'],
  [330, 'Asia/Kolkata'],
  [345, 'Asia/Kathmandu'],
  [390, 'Asia/Yangon'],
  [525, 'Australia/Eucla'],
  [570, 'Australia/Darwin'],
  [-570, 'Pacific/Marquesas'],
]);

/**
 * A zone `minutes` from UTC all year, or undefined when there is none: for accounts stored before
 * they had zones, whose events were generated with that fixed offset. Etc/GMT zones use the POSIX
 * sign, the inverse of ISO's: Etc/GMT+5 is UTC−05:00.
 */
export function fixedOffsetZone(minutes: number): string | undefined {
  if (minutes === 0) return 'UTC';
  const hours = minutes / 60;
  if (Number.isInteger(hours) && hours >= -12 && hours <= 14) return `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
  return FRACTIONAL_OFFSET_ZONES.get(minutes);
}
