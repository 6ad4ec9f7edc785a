import { InvalidInputError } from '../src/domain/errors';
import type { Account } from '../src/domain/types';
import { fixedOffsetZone, isTimeZone } from '../src/shared/time-zone';

/**
 * An account as a store or a dataset folder holds it (population.json, a Neo4j node), with its
 * time zone checked; `field` names the record in errors. Records written before accounts had
 * IANA zones carry `utcOffsetMinutes` instead: they read as a zone fixed at that offset, the one
 * their logged events were generated in (a zone with daylight saving time would move the local
 * hours of half a year of them); a store rewriting them writes that zone.
 */
export function accountFromRecord(record: Record<string, unknown>, field: string): Account {
  return {
    id: record.id as string,
    country: record.country as string,
    timeZone: timeZoneOf(record, field),
    createdAt: record.createdAt as number,
  };
}

function timeZoneOf(record: Record<string, unknown>, field: string): string {
  const { timeZone, utcOffsetMinutes } = record;
  if (timeZone !== undefined) {
    if (typeof timeZone === 'string' && isTimeZone(timeZone)) return timeZone;
    throw new InvalidInputError(`${field}.timeZone`, `${JSON.stringify(timeZone)} is not an IANA time zone such as Europe/London`);
  }
  if (typeof utcOffsetMinutes === 'number') {
    const zone = fixedOffsetZone(utcOffsetMinutes);
    if (zone) return zone;
    throw new InvalidInputError(`${field}.utcOffsetMinutes`, `no time zone keeps the offset ${utcOffsetMinutes} minutes all year`);
  }
  throw new InvalidInputError(`${field}.timeZone`, 'missing: an account needs an IANA time zone such as Europe/London');
}
