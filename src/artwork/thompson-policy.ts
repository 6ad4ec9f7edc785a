import type { ThemeCounts, VariantCounts } from '../../graph/artwork-stats';
import type { Artwork, ArtworkTheme, Title } from '../domain/types';
import { logit, sampleBeta, type RandomSource } from './sampling';
import { type ChoiceKind } from '../pipeline/stages';

/**
 * The artwork policy: a contextual bandit with Thompson sampling (Chapelle & Li 2011, "An
 * Empirical Evaluation of Thompson Sampling") over a model with the shape of how viewers respond
 * to artwork, additive on the logit scale:
 *
 *   logit p(play | profile, title, variant) = title baseline + variant effect + profile's theme affinity
 *
 * Why Thompson sampling rather than LinUCB: it has no exploration constant to tune (exploration
 * comes from the posterior's own width and fades as evidence piles up); and it randomises, which
 * matters with several API replicas that see each other's statistics only after a refresh delay:
 * a deterministic index policy (UCB) would make every replica pick the same arm until the next
 * sync, whereas independent posterior draws spread the replicas over the plausible arms.
 *
 * The arms' parameters are sampled: each variant's take rate from a Beta posterior (credited
 * impressions over impressions), its prior centred on the title's pooled take rate. The context
 * is the profile's learned theme affinities: the logit lift of its take rate when shown a theme
 * over its take rate on the same kind of titles shown another theme (graph/artwork-stats.ts),
 * under a normal prior centred on 0 that shrinks a profile with little evidence to no preference.
 * The context enters as its posterior mean, not a draw: every impression informs it whichever
 * variant is shown (shown for one theme, "other" for the rest), and a profile's few hundred
 * impressions a month do not repay exploring eight themes per profile (on the default world's
 * replay, drawing the affinities too lost a quarter of the bandit's gain over random).
 * Everything here is pure; the RNG is passed in.
 */

export interface PolicyPriors {
  /** Prior sd of a variant's logit effect: sets the pseudo-count of the Beta prior. */
  variantSd: number;
  /** Prior sd of a profile's affinity for a theme, in logits. */
  themeSd: number;
  /** Take rate assumed for a title before it has data, and how many impressions that assumption weighs. */
  baseRate: number;
  baseWeight: number;
}

/** Near the spread the world's viewers show (src/world: variant appeal sd 0.28, theme appeal sd 0.4 in logits). */
export const DEFAULT_PRIORS: PolicyPriors = { variantSd: 0.3, themeSd: 0.4, baseRate: 0.07, baseWeight: 20 };

/** A title to dress with its variants' counters (absent: never shown). */
export interface TitleArms {
  title: Pick<Title, 'id' | 'artwork'>;
  stats: ReadonlyMap<string, VariantCounts>;
}

export interface ArtworkChoice {
  artwork: Artwork;
  kind: ChoiceKind;
  /** Why this variant, for display. */
  reason: string;
}

interface Gaussian {
  mean: number;
  sd: number;
}

/** The posterior of a profile's affinity for a theme (a normal approximation on the logit scale). */
export function themeAffinity(c: ThemeCounts | undefined, priors: PolicyPriors): Gaussian {
  const prior = priors.themeSd ** 2;
  if (!c) return { mean: 0, sd: priors.themeSd };
  // Half a count on each cell keeps empty cells finite (the usual log-odds-ratio correction).
  const lift = logit((c.taken + 0.5) / (c.shown + 1)) - logit((c.otherTaken + 0.5) / (c.otherShown + 1));
  const noise = 1 / (c.taken + 0.5) + 1 / (c.shown - c.taken + 0.5) + 1 / (c.otherTaken + 0.5) + 1 / (c.otherShown - c.otherTaken + 0.5);
  const precision = 1 / prior + 1 / noise;
  return { mean: lift / noise / precision, sd: Math.sqrt(1 / precision) };
}

/** The title's pooled take rate, which each variant's prior is centred on, and the prior's pseudo-count m. */
function pooledPrior(arms: TitleArms, priors: PolicyPriors): { rate: number; m: number } {
  let shown = 0;
  let taken = 0;
  for (const a of arms.title.artwork) {
    const c = arms.stats.get(a.id);
    shown += c?.shown ?? 0;
    taken += c?.taken ?? 0;
  }
  const rate = (taken + priors.baseWeight * priors.baseRate) / (shown + priors.baseWeight);
  // A Beta(m·rate, m·(1−rate)) prior has a logit sd of about 1/sqrt(m·rate·(1−rate)): pick m so it is variantSd.
  return { rate, m: 1 / (priors.variantSd ** 2 * rate * (1 - rate)) };
}

/** A variant's Beta posterior parameters under the pooled prior. */
const posteriorA = (prior: { rate: number; m: number }, c: VariantCounts | undefined) => prior.m * prior.rate + (c?.taken ?? 0);
const posteriorB = (prior: { rate: number; m: number }, c: VariantCounts | undefined) =>
  prior.m * (1 - prior.rate) + Math.max(0, (c?.shown ?? 0) - (c?.taken ?? 0));

/** The Beta posterior of each variant's take rate, and the title's pooled rate its prior is centred on. */
export function variantPosteriors(arms: TitleArms, priors: PolicyPriors): { rate: number; beta: { a: number; b: number }[] } {
  const prior = pooledPrior(arms, priors);
  const beta = arms.title.artwork.map((v) => {
    const c = arms.stats.get(v.id);
    return { a: posteriorA(prior, c), b: posteriorB(prior, c) };
  });
  return { rate: prior.rate, beta };
}

const clampedLogit = (p: number) => logit(Math.min(1 - 1e-9, Math.max(1e-9, p)));

/** One variant per title for one profile's page, given the profile's theme counters. */
export function choosePage(
  counts: ReadonlyMap<ArtworkTheme, ThemeCounts>,
  titles: readonly TitleArms[],
  rng: RandomSource,
  priors: PolicyPriors = DEFAULT_PRIORS,
): Map<string, ArtworkChoice> {
  const posterior = new Map<ArtworkTheme, number>();
  const affinity = (theme: ArtworkTheme) => {
    if (!posterior.has(theme)) posterior.set(theme, themeAffinity(counts.get(theme), priors).mean);
    return posterior.get(theme)!;
  };
  const out = new Map<string, ArtworkChoice>();
  for (const arms of titles) {
    const variants = arms.title.artwork;
    if (variants.length === 0) continue;
    if (variants.length === 1) {
      out.set(arms.title.id, describe(variants[0], 'only'));
      continue;
    }
    // One pass over the variants, in their order (the draws' order), without arrays: every title of every page.
    const prior = pooledPrior(arms, priors);
    const base = logit(prior.rate);
    let chosen = -1;
    let best = -Infinity;
    let chosenEffect = 0;
    let greedy = -1;
    let greediest = -Infinity;
    for (let k = 0; k < variants.length; k++) {
      const c = arms.stats.get(variants[k].id);
      const a = posteriorA(prior, c);
      const b = posteriorB(prior, c);
      const lift = affinity(variants[k].theme);
      const score = clampedLogit(sampleBeta(rng, a, b)) + lift;
      // What the posterior mean alone would show, and which part of the model speaks for it.
      const effect = logit(a / (a + b)) - base;
      // The first of equals wins, as argmax's.
      if (chosen < 0 || score > best) {
        chosen = k;
        best = score;
        chosenEffect = effect;
      }
      if (greedy < 0 || effect + lift > greediest) {
        greedy = k;
        greediest = effect + lift;
      }
    }
    const theme = affinity(variants[chosen].theme);
    const kind: ChoiceKind =
      chosen !== greedy ? 'explore' : theme >= 0.1 && theme >= chosenEffect ? 'theme' : chosenEffect >= 0.05 ? 'variant' : 'even';
    out.set(arms.title.id, describe(variants[chosen], kind));
  }
  return out;
}

const REASONS: Record<ChoiceKind, string> = {
  only: '',
  theme: 'you tend to play titles shown that way',
  variant: 'the look viewers play most often',
  explore: 'trying a look we know less about',
  even: 'no look stands out yet',
  random: 'a look drawn at random (an experiment compares it with choosing)',
  best: 'the look all viewers play most often (an experiment compares it with choosing per viewer)',
};

/**
 * The baselines an artwork experiment compares the bandit with: a variant drawn uniformly at
 * random, or the single variant with the best posterior take rate over all viewers (no
 * exploration, no profile context).
 */
export function chooseByBaseline(
  policy: 'RANDOM' | 'BEST',
  titles: readonly TitleArms[],
  rng: RandomSource,
  priors: PolicyPriors = DEFAULT_PRIORS,
): Map<string, ArtworkChoice> {
  const out = new Map<string, ArtworkChoice>();
  for (const arms of titles) {
    const variants = arms.title.artwork;
    if (variants.length <= 1) {
      if (variants.length === 1) out.set(arms.title.id, describe(variants[0], 'only'));
      continue;
    }
    if (policy === 'RANDOM') {
      out.set(arms.title.id, describe(variants[Math.floor(rng.float() * variants.length)], 'random'));
      continue;
    }
    const { beta } = variantPosteriors(arms, priors);
    out.set(arms.title.id, describe(variants[argmax(beta.map((p) => p.a / (p.a + p.b)))], 'best'));
  }
  return out;
}

function describe(artwork: Artwork, kind: ChoiceKind): ArtworkChoice {
  const reason =
    kind === 'only' ? 'Shown with its only artwork' : `Shown with its ${artwork.theme.toLowerCase()} artwork: ${REASONS[kind]}`;
  return { artwork, kind, reason };
}

function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}
