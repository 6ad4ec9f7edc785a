import { FINISHED_PROGRESS } from '../../domain/types';
import { DAY_MS } from '../../shared/time';
import { smoothedPlayRate } from '../../pipeline/take-rate';

/** Title statistics look back this many days; the server reads this much history at start. */
export const TITLE_STATS_DAYS = 28;
export const TITLE_STATS_LOOKBACK_MS = TITLE_STATS_DAYS * DAY_MS;
/** Popularity halves every week within the lookback. */
const POPULARITY_HALF_LIFE_DAYS = 7;
const TREND_DAYS = 3;

interface DayCounts {
  plays: number;
  finishes: number;
  impressions: number;
}

export interface TitleStatFeatures {
  /** Plays in the lookback, halving weekly. */
  popularity: number;
  /** Log ratio of the last three days' plays to the lookback's average for three days. */
  trend: number;
  /** Share of plays that reached FINISHED_PROGRESS (smoothed towards 1/2). */
  finishRate: number;
  /** Plays per impression (smoothed; a title nobody was shown has a small prior rate). */
  playRate: number;
}

/**
 * Per-title counts of plays, finished plays and impressions by UTC day. Whole-day integer
 * counts, not running decayed sums: a server that reads the last weeks of events at start and
 * a training replay that has seen every event since the beginning hold the same counts for the
 * days the features read, so both compute bit-identical features (the skew test relies on it).
 */
export class TitleStats {
  private readonly byTitle = new Map<string, Map<number, DayCounts>>();
  private newestDay = 0;
  /**
   * Each title's sums for one day, computed once: a page reads them for its 400 candidates and
   * they only change when the title gets an event (which drops its entry) or the day turns.
   */
  private readonly sums = new Map<
    string,
    { today: number; features: TitleStatFeatures; evidence: { impressions: number; plays: number } }
  >();

  /** `sign` -1 takes an erased event back out. */
  notePlayback(e: { titleId: string; occurredAt: number; progress: number }, sign: 1 | -1 = 1): void {
    const c = this.day(e.titleId, e.occurredAt);
    c.plays += sign;
    if (e.progress >= FINISHED_PROGRESS) c.finishes += sign;
  }

  noteImpression(e: { titleId: string; occurredAt: number }, sign: 1 | -1 = 1): void {
    this.day(e.titleId, e.occurredAt).impressions += sign;
  }

  /** Shared with every caller until the title's next event: read, never change. */
  features(titleId: string, now: number): Readonly<TitleStatFeatures> {
    return this.sumsOf(titleId, now).features;
  }

  /** Impressions and plays of the title within the lookback: how much the service knows of it. */
  evidence(titleId: string, now: number): Readonly<{ impressions: number; plays: number }> {
    return this.sumsOf(titleId, now).evidence;
  }

  private sumsOf(titleId: string, now: number) {
    const today = Math.floor(now / DAY_MS);
    const cached = this.sums.get(titleId);
    if (cached?.today === today) return cached;
    let popularity = 0;
    let recent = 0;
    let plays = 0;
    let finishes = 0;
    let impressions = 0;
    for (const [day, c] of this.byTitle.get(titleId) ?? []) {
      const age = today - day;
      if (age < 0 || age >= TITLE_STATS_DAYS) continue;
      popularity += c.plays * Math.pow(0.5, age / POPULARITY_HALF_LIFE_DAYS);
      if (age < TREND_DAYS) recent += c.plays;
      plays += c.plays;
      finishes += c.finishes;
      impressions += c.impressions;
    }
    const sums = {
      today,
      features: {
        popularity,
        trend: Math.log((recent + 1) / ((plays * TREND_DAYS) / TITLE_STATS_DAYS + 1)),
        finishRate: (finishes + 1) / (plays + 2),
        playRate: smoothedPlayRate(plays, impressions),
      },
      evidence: { impressions, plays },
    };
    this.sums.set(titleId, sums);
    return sums;
  }

  private day(titleId: string, at: number): DayCounts {
    const day = Math.floor(at / DAY_MS);
    this.sums.delete(titleId);
    if (day > this.newestDay) this.forgetBefore((this.newestDay = day) - TITLE_STATS_DAYS);
    let days = this.byTitle.get(titleId);
    if (!days) this.byTitle.set(titleId, (days = new Map()));
    let c = days.get(day);
    if (!c) days.set(day, (c = { plays: 0, finishes: 0, impressions: 0 }));
    return c;
  }

  /** Keeps memory to the lookback: days no feature can read again are dropped as time moves on. */
  private forgetBefore(day: number): void {
    this.sums.clear();
    for (const days of this.byTitle.values()) for (const d of days.keys()) if (d < day) days.delete(d);
  }
}
