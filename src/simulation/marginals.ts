import { DEVICES, type Account, type ImpressionEvent, type PlaybackEvent, type Profile } from '../domain/types';
import { localHourAndWeekday, MINUTE_MS } from '../shared/time';

/** What the validity check compares between logged and simulated data. */
export interface Marginals {
  /** Plays per impression by row (0..2) and position (0..4) of the logging policy's page. */
  takeRate: number[][];
  /** The same by row alone. */
  takeRateByRow: number[];
  /** Share of plays per device, in DEVICES order. */
  devices: number[];
  /** Share of plays per local hour, 0..23. */
  hours: number[];
  /** Share of plays per tenth of progress reached, 0..9. */
  completion: number[];
  plays: number;
  impressions: number;
}

/**
 * The marginals of a set of events: take rate by position (a play credits the latest impression
 * of its title to its profile within the minute before it), plays by device and local hour, and
 * the distribution of progress plays reach.
 */
export function marginals(
  impressions: readonly ImpressionEvent[],
  playbacks: readonly PlaybackEvent[],
  world: { profiles: readonly Profile[]; accounts: readonly Account[] },
): Marginals {
  const zoneOf = new Map(world.accounts.map((a) => [a.id, a.timeZone]));
  const accountOf = new Map(world.profiles.map((p) => [p.id, p.accountId]));
  const shown = [0, 1, 2].map(() => [0, 0, 0, 0, 0]);
  const taken = [0, 1, 2].map(() => [0, 0, 0, 0, 0]);
  const latest = new Map<string, ImpressionEvent[]>();
  for (const e of impressions) {
    if (e.rowIndex > 2 || e.position > 4) continue;
    shown[e.rowIndex][e.position]++;
    const key = `${e.profileId}|${e.titleId}`;
    (latest.get(key) ?? latest.set(key, []).get(key)!).push(e);
  }
  const devices = DEVICES.map(() => 0);
  const hours = Array.from({ length: 24 }, () => 0);
  const completion = Array.from({ length: 10 }, () => 0);
  for (const p of playbacks) {
    const shownBefore = latest
      .get(`${p.profileId}|${p.titleId}`)
      ?.filter((e) => e.occurredAt <= p.occurredAt && p.occurredAt - e.occurredAt <= MINUTE_MS);
    const credited = shownBefore?.reduce((a, b) => (b.occurredAt > a.occurredAt ? b : a));
    if (credited) taken[credited.rowIndex][credited.position]++;
    devices[DEVICES.indexOf(p.device)]++;
    hours[localHourAndWeekday(p.occurredAt, zoneOf.get(accountOf.get(p.profileId)!) ?? 'UTC').localHour]++;
    completion[Math.min(9, Math.floor(p.progress * 10))]++;
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const share = (xs: number[]) => xs.map((x) => x / Math.max(1, playbacks.length));
  return {
    takeRate: shown.map((row, r) => row.map((n, k) => (n > 0 ? taken[r][k] / n : 0))),
    takeRateByRow: shown.map((row, r) => sum(taken[r]) / Math.max(1, sum(row))),
    devices: share(devices),
    hours: share(hours),
    completion: share(completion),
    plays: playbacks.length,
    impressions: impressions.length,
  };
}
