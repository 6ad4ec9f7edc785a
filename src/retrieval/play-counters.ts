import { DecayedCounter } from './trending';

/** Trending forgets fast (what is hot this week); segment popularity is a steadier prior. */
const TRENDING_HALF_LIFE_DAYS = 3;
const SEGMENT_HALF_LIFE_DAYS = 14;

/** Every viewer, wherever they are: a title's take rate is learned from all of them. */
const EVERYONE = '*';

/**
 * The counters behind the trending and popular-in-segment sources, fed the same way at start
 * (stored events), online (each accepted playback and impression) and in the training replay.
 * Impressions and plays are also counted across all viewers: plays per impression tell a title
 * that is played because viewers want it from one that is played because every page shows it.
 */
export class PlayCounters {
  private trendingCounts = new DecayedCounter(TRENDING_HALF_LIFE_DAYS);
  private segmentCounts = new DecayedCounter(SEGMENT_HALF_LIFE_DAYS);
  private plays = new DecayedCounter(TRENDING_HALF_LIFE_DAYS);
  private shown = new DecayedCounter(TRENDING_HALF_LIFE_DAYS);

  get trending(): DecayedCounter {
    return this.trendingCounts;
  }

  get segments(): DecayedCounter {
    return this.segmentCounts;
  }

  /**
   * Takes over `fresh`'s counts in one step (a replica that missed other replicas' events
   * rebuilds from the store beside the live counters, and requests never see a half-built one).
   */
  adopt(fresh: PlayCounters): void {
    this.trendingCounts = fresh.trendingCounts;
    this.segmentCounts = fresh.segmentCounts;
    this.plays = fresh.plays;
    this.shown = fresh.shown;
  }

  /** Counts one play by a viewer whose account is in `country`; `weight` -1 takes an erased one out. */
  note(country: string, kids: boolean, titleId: string, at: number, weight = 1): void {
    this.trending.note(PlayCounters.trendingKey(country), titleId, at, weight);
    this.segments.note(PlayCounters.segmentKey(country, kids), titleId, at, weight);
    this.plays.note(EVERYONE, titleId, at, weight);
  }

  /** Counts one impression of the title, by any viewer. */
  noteImpression(titleId: string, at: number, weight = 1): void {
    this.shown.note(EVERYONE, titleId, at, weight);
  }

  /** Recent plays and impressions of the title across all viewers, decayed like trending. */
  exposure(titleId: string, now: number): { plays: number; shown: number } {
    return { plays: this.plays.value(EVERYONE, titleId, now), shown: this.shown.value(EVERYONE, titleId, now) };
  }

  static trendingKey(country: string): string {
    return country;
  }

  static segmentKey(country: string, kids: boolean): string {
    return `${country}|${kids ? 'kids' : 'all'}`;
  }
}
