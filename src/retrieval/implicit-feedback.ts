import { COMPLETED_PROGRESS, FINISHED_PROGRESS, type WatchState } from '../domain/types';
import { DAY_MS } from '../shared/time';

export interface FeedbackOptions {
  /** Days after which an interaction counts half as much; taste drifts. */
  halfLifeDays: number;
}

export const DEFAULT_FEEDBACK: FeedbackOptions = { halfLifeDays: 90 };

/** Progress below which a play is an early abandonment. */
export const EARLY_EXIT_PROGRESS = 0.1;

/**
 * How strongly one (profile, title) history says "this viewer likes this", in [0, ~2.5]: the
 * `r_ui` of Hu, Koren & Volinsky (2008), turned into confidence c = 1 + alpha·r by ALS.
 *
 * - Progress: strength grows with how far the viewer got, reaching 1 at FINISHED_PROGRESS.
 * - Completion (credits reached) adds 0.3: finishing is the clearest sign of satisfaction.
 * - Repeat plays (rewatching, or coming back to a series episode after episode) multiply by
 *   1 + 0.5·log2(plays): each return says more, with diminishing weight.
 * - Recency: multiplied by 0.5^(age / half-life), so recent taste outweighs old taste.
 *
 * An early abandonment (progress under 10%, never completed) counts as weak positive evidence
 * (0.1), not negative. Choosing the title says the viewer is drawn to its kind (genre, cast,
 * country); leaving says this title disappointed, which the ranker's finish head learns from
 * impressions. Pushing the profile vector away from everything like it would punish the taste
 * for one title's failure, and implicit ALS already treats unobserved titles as weak negatives.
 */
export function interactionStrength(
  w: Pick<WatchState, 'progress' | 'plays' | 'completed' | 'lastAt'>,
  now: number,
  o: FeedbackOptions = DEFAULT_FEEDBACK,
): number {
  const reached = w.completed ? 1 : Math.max(w.progress, 0);
  const base =
    reached < EARLY_EXIT_PROGRESS && !w.completed
      ? 0.1
      : 0.3 + 0.7 * Math.min(1, reached / FINISHED_PROGRESS) + (w.completed || reached >= COMPLETED_PROGRESS ? 0.3 : 0);
  const repeats = 1 + 0.5 * Math.log2(Math.max(1, w.plays));
  const ageDays = Math.max(0, now - w.lastAt) / DAY_MS;
  return base * repeats * Math.pow(0.5, ageDays / o.halfLifeDays);
}
