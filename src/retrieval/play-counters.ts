import { DecayedCounter } from './trending';

/** Trending forgets fast (what is hot this week); segment popularity is a steadier prior. */
const TRENDING_HALF_LIFE_DAYS = 3;
const SEGMENT_HALF_LIFE_DAYS = 14;

/**
 * The play counters behind the trending and popular-in-segment sources, fed the same way at
 * start (recent plays), online (each accepted playback) and in offline evaluation (training plays).
 */
export class PlayCounters {
  readonly trending = new DecayedCounter(TRENDING_HALF_LIFE_DAYS);
  readonly segments = new DecayedCounter(SEGMENT_HALF_LIFE_DAYS);

  /** Counts one play by a viewer whose account is in `country`. */
  note(country: string, kids: boolean, titleId: string, at: number): void {
    this.trending.note(PlayCounters.trendingKey(country), titleId, at);
    this.segments.note(PlayCounters.segmentKey(country, kids), titleId, at);
  }

  static trendingKey(country: string): string {
    return country;
  }

  static segmentKey(country: string, kids: boolean): string {
    return `${country}|${kids ? 'kids' : 'all'}`;
  }
}
