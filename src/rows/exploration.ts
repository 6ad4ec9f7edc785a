import { PLAY_RATE_PRIOR } from '../pipeline/take-rate';
import { type TitleEvidence } from '../pipeline/stages';

/** Share of each row's slots given to exploration unless EXPLORATION_SHARE says otherwise. */
export const DEFAULT_EXPLORATION_SHARE = 0.1;

/** Impressions the ranker's play-rate prior is worth: what a title nobody was shown starts from. */
const PRIOR_IMPRESSIONS = PLAY_RATE_PRIOR.impressions;

/**
 * How unsure the service still is of the title's take rate, 1 for a title nobody has been
 * shown: the standard error of a rate estimated from its impressions (plus the prior's), relative
 * to the prior's alone. It depends on the evidence only, not on the rate itself, so a title that
 * was shown little and not played stays uncertain (a Beta posterior's width would shrink with a
 * low rate and pass it over: exactly the title a feedback loop starves).
 */
export function takeRateUncertainty(e: TitleEvidence): number {
  return Math.sqrt(PRIOR_IMPRESSIONS / (e.impressions + PRIOR_IMPRESSIONS));
}

/** A title is "less exposed" while shown 30 times or fewer lately (uncertainty ≥ 0.5)... */
const UNCERTAIN = 0.5;
/** ...or while it is among the least-exposed 30% of the page's candidates. */
const LEAST_EXPOSED_SHARE = 0.3;

/**
 * The candidates that may take an exploration slot: those whose take rate is still uncertain,
 * and the least-exposed 30% of the page's candidates in any case. Relative as well as absolute:
 * where every title has been shown a lot (a service whose logs explored widely), the least-shown
 * candidates are still the ones a feedback loop starves.
 */
export function explorable(uncertainty: ReadonlyMap<string, number>): Set<string> {
  const least = Math.ceil(uncertainty.size * LEAST_EXPOSED_SHARE);
  if (least === 0) return new Set();
  // The least-exposed share ends at the least'th highest uncertainty: every title above it is in,
  // and of those exactly at it the first by id fill the share (the order a full sort would give).
  const threshold = Float64Array.from(uncertainty.values()).sort()[uncertainty.size - least];
  const chosen = new Set<string>();
  const atThreshold: string[] = [];
  let above = 0;
  for (const [id, u] of uncertainty) {
    if (u > threshold) above++;
    if (u > threshold || u >= UNCERTAIN) chosen.add(id);
    else if (u === threshold) atThreshold.push(id);
  }
  for (const id of atThreshold.sort().slice(0, least - above)) chosen.add(id);
  return chosen;
}

/** How much of the score of an exploration pick comes from what we do not know yet. */
export const UNCERTAINTY_WEIGHT = 0.5;

/**
 * Upper-confidence score of an exploration candidate: its relevance to this viewer (utility
 * relative to the page's best) plus a bonus for uncertainty. Among titles the service knows
 * little about, it picks those that would most plausibly please this viewer, not random ones.
 */
export function explorationScore(utility: number, bestUtility: number, e: TitleEvidence): number {
  return (bestUtility > 0 ? utility / bestUtility : 0) + explorationBonus(e);
}

export const explorationBonus = (e: TitleEvidence) => UNCERTAINTY_WEIGHT * takeRateUncertainty(e);

/**
 * Positions of a row's exploration slots: `share` of its length, spread evenly, never the first
 * two (the places viewers look at first stay with the best-ranked titles).
 */
export function explorationSlots(length: number, share: number): number[] {
  const count = Math.floor(length * share + 0.5);
  const slots: number[] = [];
  for (let k = 0; k < count; k++) slots.push(Math.max(2, Math.floor(((k + 0.5) * length) / count)));
  return [...new Set(slots)].filter((s) => s < length);
}
