/** The one take-rate estimate every stage uses: retrieval's trending correction, the ranker's features, exploration. */

/** Half a play in ten impressions: a title nobody was shown starts at a 5% take rate. */
export const PLAY_RATE_PRIOR = { plays: 0.5, impressions: 10 };

/** Plays per impression, smoothed towards the prior: the one take-rate estimate every stage uses. */
export function smoothedPlayRate(plays: number, impressions: number): number {
  return (plays + PLAY_RATE_PRIOR.plays) / (impressions + PLAY_RATE_PRIOR.impressions);
}
