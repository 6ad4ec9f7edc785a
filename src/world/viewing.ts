import { DEVICES, FINISHED_PROGRESS, type Device } from '../domain/types';
import type { Rng, WeightedSampler } from '../shared/random';
import type { ViewingMoment } from './behaviour';
import type { ProfileTaste } from './truth';

/**
 * A viewer's day and a viewer's play, as random draws from its hidden taste: the history
 * generator writes the past with them and the user simulator answers served pages with them, so
 * the logs and the online experiments follow one model. The order of draws is part of the
 * contract: a seed writes the same world whichever caller makes them.
 */

/** After a play, the chance the viewer goes on browsing the page instead of watching. */
export const BROWSE_ON_AFTER_PLAY = 0.25;

/** The local hours of the day's sessions, in order: more on Fridays and Saturdays, more after a satisfying day. */
export function sessionHours(
  rng: Rng,
  taste: ProfileTaste,
  hours: WeightedSampler,
  weekday: number,
  satisfiedYesterday: boolean,
): number[] {
  const rate = taste.activity * (weekday >= 4 ? 1.3 : 1) * (satisfiedYesterday ? 1.8 : 0.8);
  const sessions = rng.poisson(rate);
  return Array.from({ length: sessions }, () => hours.sample(rng)).sort((a, b) => a - b);
}

/** A session's minute within its hour and its device: the TV in the evening, the phone by day. */
export function sessionMoment(rng: Rng, taste: ProfileTaste, hour: number, weekday: number): { minute: number; moment: ViewingMoment } {
  const minute = rng.int(0, 59);
  const weights = DEVICES.map((d, k) => taste.devices[k] * (d === 'TV' && hour >= 18 ? 2 : 1) * (d === 'PHONE' && hour < 17 ? 1.5 : 1));
  return { minute, moment: { device: rng.weighted(DEVICES, weights) as Device, localHour: hour, localWeekday: weekday } };
}

/**
 * Where a play leaves the title, from where it was (`before`): a film carried on is watched to
 * the end, one abandoned stops part-way; a series carried on advances several episodes, one
 * abandoned barely moves. (A player reports it rounded to a thousandth: `reported`.)
 */
export function playProgress(rng: Rng, before: number, carriedOn: boolean, isMovie: boolean): number {
  let after: number;
  if (isMovie) {
    after = carriedOn ? 0.92 + rng.float() * 0.08 : before + (1 - before) * rng.float() * (rng.chance(0.4) ? 0.7 : 0.3);
  } else {
    after = before + (carriedOn ? 0.15 + rng.float() * 0.35 : rng.float() * 0.08);
  }
  return Math.min(1, Math.max(after, 0.01));
}

/** Progress as a player reports it. */
export const reported = (progress: number) => Math.round(progress * 1000) / 1000;

/** Whether a play satisfied the viewer: a title finished, or a series it kept watching. A satisfied viewer comes back more the next day. */
export function satisfying(after: number, carriedOn: boolean, isMovie: boolean): boolean {
  return after >= FINISHED_PROGRESS || (carriedOn && !isMovie);
}
