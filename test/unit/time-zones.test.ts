import { accountFromRecord } from '../../graph/account-record';
import { InvalidInputError } from '../../src/domain/errors';
import type { Account, Profile } from '../../src/domain/types';
import { instantOfWallClock, localHourAndWeekday, wallClock } from '../../src/shared/time';
import { fixedOffsetZone, isTimeZone, utcOffsetMs } from '../../src/shared/time-zone';
import { generateCatalog } from '../../src/world/catalog';
import { generateHistory } from '../../src/world/history';
import { generatePopulation } from '../../src/world/population';
import { COUNTRIES } from '../../src/world/vocabulary';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe('local hour and weekday in an IANA zone', () => {
  it('follows daylight saving time: 17:00 UTC is 12:00 in New York in January, 13:00 in July', () => {
    expect(localHourAndWeekday(Date.UTC(2026, 0, 14, 17), 'America/New_York')).toEqual({ localHour: 12, localWeekday: 2 });
    expect(localHourAndWeekday(Date.UTC(2026, 6, 15, 17), 'America/New_York')).toEqual({ localHour: 13, localWeekday: 2 });
  });

  it('keeps the same hour all year where there is none: 17:00 UTC is 02:00 the next day in Tokyo', () => {
    expect(localHourAndWeekday(Date.UTC(2026, 0, 14, 17), 'Asia/Tokyo')).toEqual({ localHour: 2, localWeekday: 3 });
    expect(localHourAndWeekday(Date.UTC(2026, 6, 15, 17), 'Asia/Tokyo')).toEqual({ localHour: 2, localWeekday: 3 });
  });

  it('changes offset at the second the clocks change, also on the day the cache holds the change', () => {
    // New York springs forward at 02:00 EST on 8 March 2026, 07:00 UTC.
    const change = Date.UTC(2026, 2, 8, 7);
    expect(utcOffsetMs('America/New_York', change - 1000)).toBe(-5 * HOUR);
    expect(utcOffsetMs('America/New_York', change)).toBe(-4 * HOUR);
    expect(wallClock(change - 1000, 'America/New_York').toISOString()).toBe('2026-03-08T01:59:59.000Z');
    expect(wallClock(change, 'America/New_York').toISOString()).toBe('2026-03-08T03:00:00.000Z');
    // London falls back at 02:00 BST on 25 October 2026, 01:00 UTC.
    expect(utcOffsetMs('Europe/London', Date.UTC(2026, 9, 25, 0, 59, 59))).toBe(HOUR);
    expect(utcOffsetMs('Europe/London', Date.UTC(2026, 9, 25, 1))).toBe(0);
  });
});

describe('the instant of a wall-clock time', () => {
  const wall = (iso: string) => Date.parse(`${iso}Z`);

  it('inverts wallClock away from a change', () => {
    const at = Date.UTC(2026, 6, 15, 17, 30);
    for (const zone of ['America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'UTC']) {
      expect(instantOfWallClock(wallClock(at, zone).getTime(), zone)).toBe(at);
    }
  });

  it('reads a time the clocks skip with the offset before the jump: 02:30 becomes 03:30', () => {
    expect(instantOfWallClock(wall('2026-03-08T02:30'), 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7, 30));
    expect(wallClock(Date.UTC(2026, 2, 8, 7, 30), 'America/New_York').toISOString()).toBe('2026-03-08T03:30:00.000Z');
    // Sydney springs forward at 02:00 AEST on 4 October 2026.
    expect(instantOfWallClock(wall('2026-10-04T02:30'), 'Australia/Sydney')).toBe(Date.UTC(2026, 9, 3, 16, 30));
  });

  it('takes the earlier of a time that happens twice', () => {
    // New York falls back at 02:00 EDT on 1 November 2026: 01:30 is 05:30 UTC (EDT) and 06:30 UTC (EST).
    expect(instantOfWallClock(wall('2026-11-01T01:30'), 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 5, 30));
    expect(instantOfWallClock(wall('2026-11-01T02:30'), 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 7, 30));
  });
});

describe('the generated history across a change of the clocks', () => {
  it('logs a session drawn in the hour Sydney skips an hour later, at the local hour the clock showed', () => {
    const start = Date.UTC(2026, 9, 3);
    const catalog = generateCatalog(3, 60, start - 400 * DAY, start);
    const population = generatePopulation(3, 1, start, catalog);
    const account: Account = { id: 'a1', country: 'AU', timeZone: 'Australia/Sydney', createdAt: start - 30 * DAY };
    const profile: Profile = { ...population.profiles[0], id: 'a1-p1', accountId: 'a1', isKids: false, maturityLimit: 'ADULTS' };
    // Every session starts in the 02:00 hour, five a day on average.
    const taste = {
      ...population.tastes[population.profiles[0].id],
      hours: Array.from({ length: 24 }, (_, h) => (h === 2 ? 1 : 0)),
      activity: 5,
    };
    const history = generateHistory(3, catalog.titles, catalog.truth, [account], [profile], { [profile.id]: taste }, start, 2);
    const sessionStarts = new Map<string, (typeof history.impressions)[number]>();
    for (const e of history.impressions) if (!sessionStarts.has(e.sessionId!)) sessionStarts.set(e.sessionId!, e);
    const byDay = (day: number) =>
      [...sessionStarts.values()].filter((e) => wallClock(e.occurredAt, account.timeZone).getUTCDate() === day);
    // 3 October (AEST): 02:xx, 16:xx UTC the day before. 4 October: 02:xx does not exist; 03:xx AEDT, still 16:xx UTC.
    expect(byDay(3).length).toBeGreaterThan(0);
    expect(byDay(4).length).toBeGreaterThan(0);
    for (const e of byDay(3)) expect([e.localHour, new Date(e.occurredAt).getUTCHours()]).toEqual([2, 16]);
    for (const e of byDay(4)) expect([e.localHour, new Date(e.occurredAt).getUTCHours()]).toEqual([3, 16]);
    for (const e of history.impressions) expect(e.localWeekday).toBe(localHourAndWeekday(e.occurredAt, account.timeZone).localWeekday);
  });
});

describe('time zones of countries and stored accounts', () => {
  it('gives every country of the generated worlds a zone Intl knows', () => {
    for (const c of COUNTRIES) expect([c.code, isTimeZone(c.timeZone)]).toEqual([c.code, true]);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('reads an account stored with a fixed offset as a zone fixed at that offset (Etc/GMT signs are inverted)', () => {
    const legacy = (utcOffsetMinutes: number) => accountFromRecord({ id: 'a', country: 'US', utcOffsetMinutes, createdAt: 0 }, 'a');
    expect(legacy(-300)).toEqual({ id: 'a', country: 'US', timeZone: 'Etc/GMT+5', createdAt: 0 });
    expect(legacy(540).timeZone).toBe('Etc/GMT-9');
    expect(legacy(330).timeZone).toBe('Asia/Kolkata');
    expect(legacy(0).timeZone).toBe('UTC');
    // Fixed: 17:00 UTC is 12:00 at UTC−05:00 in January and in July alike.
    for (const at of [Date.UTC(2026, 0, 14, 17), Date.UTC(2026, 6, 15, 17)])
      expect(localHourAndWeekday(at, 'Etc/GMT+5').localHour).toBe(12);
    expect(fixedOffsetZone(17)).toBeUndefined();
  });

  it('refuses an account without a zone it can use, naming the field', () => {
    const read = (record: Record<string, unknown>) => () =>
      accountFromRecord({ id: 'a', country: 'US', createdAt: 0, ...record }, 'accounts[4]');
    expect(read({ timeZone: 'America/Springfield' })).toThrow(InvalidInputError);
    expect(read({ timeZone: 'America/Springfield' })).toThrow(/accounts\[4\]\.timeZone/);
    expect(read({ utcOffsetMinutes: 17 })).toThrow(/accounts\[4\]\.utcOffsetMinutes/);
    expect(read({})).toThrow(/accounts\[4\]\.timeZone: missing/);
  });
});
