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
  readonly trending = new DecayedCounter(TRENDING_HALF_LIFE_DAYS);
  readonly segments = new DecayedCounter(SEGMENT_HALF_LIFE_DAYS);
  private readonly plays = new DecayedCounter(TRENDING_HALF_LIFE_DAYS);
  private readonly shown = new DecayedCounter(TRENDING_HALF_LIFE_DAYS);

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
