import type { ViewingContext } from '../pipeline/viewing-context';
import { isWeekdayLunch, isWeekendEvening, sessionStage } from './device-layout';
import type { RowKind } from '../pipeline/rows';

/**
 * How much a row of each kind is worth before looking at its titles. Continue Watching is what
 * most sessions open for; My List is what the viewer chose to come back to; personalised rows beat editorial ones; the context moves the priors
 * (short picks on a phone at lunch, resuming right after arriving, something new after a long
 * browse that found nothing).
 */
const BASE_PRIOR: Record<RowKind, number> = {
  CONTINUE_WATCHING: 1.25,
  TOP_PICKS: 1,
  MY_LIST: 0.95,
  BECAUSE_YOU_WATCHED: 0.9,
  SHORT_PICKS: 0.85,
  TRENDING: 0.8,
  GENRE: 0.75,
  LANGUAGE: 0.75,
  NEW_RELEASES: 0.7,
  CRITICALLY_ACCLAIMED: 0.65,
};

export function rowPrior(kind: RowKind, ctx: ViewingContext): number {
  let prior = BASE_PRIOR[kind];
  const stage = sessionStage(ctx);
  if (kind === 'CONTINUE_WATCHING') prior *= stage === 'ARRIVING' ? 1.15 : stage === 'BROWSING_LONG' ? 0.8 : 1;
  if (kind === 'SHORT_PICKS') prior *= ctx.device === 'PHONE' ? (isWeekdayLunch(ctx) ? 1.6 : 1.2) : 0.8;
  if ((kind === 'NEW_RELEASES' || kind === 'TRENDING') && stage === 'BROWSING_LONG') prior *= 1.2;
  if (kind === 'CRITICALLY_ACCLAIMED' && isWeekendEvening(ctx) && ctx.device === 'TV') prior *= 1.2;
  return prior;
}

/** Weight of the item at `position` when judging what a row offers (viewers look left first). */
export const itemDecay = (position: number) => 1 / Math.log2(position + 2);

/** Weight of the row at `position` on the page; a row is placed only while it is still worth it. */
export const rowDecay = (position: number) => 1 / Math.log2(position + 2);

/** Discounted mean of the visible items' utilities, relative to the page's best utility (0..1). */
export function rowRelevance(utilities: readonly number[], visible: number, bestUtility: number): number {
  let sum = 0;
  let weights = 0;
  for (let i = 0; i < Math.min(visible, utilities.length); i++) {
    sum += utilities[i] * itemDecay(i);
    weights += itemDecay(i);
  }
  // A row showing fewer titles than fit the screen is worth proportionally less.
  for (let i = utilities.length; i < visible; i++) weights += itemDecay(i);
  return weights > 0 && bestUtility > 0 ? sum / weights / bestUtility : 0;
}

/** 1 for titles the viewer has not been shown lately, down to 0.6 for a row of titles passed over again and again. */
export function rowFreshness(timesShown: readonly number[]): number {
  if (timesShown.length === 0) return 1;
  let stale = 0;
  for (const n of timesShown) stale += Math.min(1, n / 4);
  return 1 - 0.4 * (stale / timesShown.length);
}

/**
 * Multiplier for repeating what the page already shows higher up: the share of the row's
 * visible titles whose main genre has already filled visible slots above, weighted by how much.
 */
export function diversityFactor(
  mainGenres: readonly (string | undefined)[],
  genresAbove: ReadonlyMap<string, number>,
  placedAbove: number,
): number {
  if (mainGenres.length === 0 || placedAbove === 0) return 1;
  let overlap = 0;
  for (const g of mainGenres) if (g) overlap += (genresAbove.get(g) ?? 0) / placedAbove;
  return 1 - DIVERSITY_PENALTY * Math.min(1, (overlap / mainGenres.length) * 3);
}

/** Multiplier for visible titles the page already shows higher up (allowed below the first screen, but worth less). */
export function repeatFactor(repeated: number, visible: number): number {
  return visible === 0 ? 1 : 1 - TITLE_REPEAT_PENALTY * (repeated / visible);
}

const TITLE_REPEAT_PENALTY = 0.5;

/** At most this share of a row's score is lost to genres already shown above. */
export const DIVERSITY_PENALTY = 0.35;

/** A row whose position-discounted score falls below this is left off the page. */
export const MIN_ROW_VALUE = 0.03;
