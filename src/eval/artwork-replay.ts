import { ArtworkCounters, ArtworkLedger, statDeltas, type ThemeCounts } from '../../graph/artwork-stats';
import type { ArtworkTheme, ImpressionEvent, PlaybackEvent, Title } from '../domain/types';
import { choosePage, DEFAULT_PRIORS, variantPosteriors, type PolicyPriors, type TitleArms } from '../artwork/thompson-policy';
import { Rng } from '../shared/random';

/** Take rate of one policy over the replayed impressions it agreed with. */
export interface ReplayArm {
  takeRate: number;
  /** Replayed impressions the policy chose the logged variant for (all of them for the logging policy). */
  matched: number;
  plays: number;
  /** Wilson 95% interval of the take rate. */
  ci95: [number, number];
}

export interface ArtworkReplayReport {
  bandit: ReplayArm;
  random: ReplayArm;
  best_single: ReplayArm;
  protocol: Record<string, unknown>;
}

export interface ArtworkReplayOptions {
  /** Share of the impressions (by time) whose statistics warm the policies before the replay. */
  warmShare: number;
  seed: number | string;
  priors: PolicyPriors;
}

export const DEFAULT_REPLAY: ArtworkReplayOptions = { warmShare: 0.5, seed: 7, priors: DEFAULT_PRIORS };

/**
 * Offline replay evaluation (Li, Chu, Langford & Wang 2011, "Unbiased offline evaluation of
 * contextual-bandit-based news article recommendation algorithms"). The logs show artwork chosen
 * uniformly at random, so replaying them in time order and keeping only the impressions where a
 * policy picks the logged variant gives an unbiased estimate of that policy's take rate. The
 * reward of an impression is the store's: credited with a play within the hour
 * (graph/artwork-stats.ts). The earlier `warmShare` of the logs (by time) warms the statistics;
 * the bandit then learns online from the impressions it matched, as it would in service.
 * Returns null when the logs hold no impressions of titles with two or more variants.
 */
export function artworkReplay(
  titles: readonly Title[],
  impressions: readonly ImpressionEvent[],
  plays: readonly PlaybackEvent[],
  o: ArtworkReplayOptions = DEFAULT_REPLAY,
): ArtworkReplayReport | null {
  const byId = new Map(titles.map((t) => [t.id, t]));
  const titleOf = (id: string) => byId.get(id);
  const labels = new ArtworkLedger(titleOf);
  labels.addImpressions(impressions);
  labels.creditPlays(plays);
  const logs = [...impressions]
    .filter((e) => (byId.get(e.titleId)?.artwork.length ?? 0) >= 2)
    .sort((a, b) => a.occurredAt - b.occurredAt || (a.eventId < b.eventId ? -1 : 1));
  if (logs.length === 0) return null;
  const cut = Math.floor(logs.length * o.warmShare);
  const warm = logs.slice(0, cut);
  const replay = logs.slice(cut);
  const rewarded = (e: ImpressionEvent) => labels.creditOf(e) !== undefined;

  const warmCounters = () => {
    const c = new ArtworkCounters();
    c.add(statDeltas(warm, 'shown', titleOf));
    c.add(statDeltas(warm.filter(rewarded), 'taken', titleOf));
    return c;
  };
  const armsOf = (c: ArtworkCounters, title: Title): TitleArms => ({ title, stats: c.artwork });
  const noThemes = new Map<ArtworkTheme, ThemeCounts>();

  // The bandit: Thompson sampling on the warm statistics, updated with every impression it matched.
  const learned = warmCounters();
  const rng = new Rng(`artwork-replay:${o.seed}`);
  const bandit = replayArm(
    replay,
    rewarded,
    (e) => {
      const title = byId.get(e.titleId)!;
      const choice = choosePage(learned.themes.get(e.profileId) ?? noThemes, [armsOf(learned, title)], rng, o.priors).get(title.id)!;
      return choice.artwork.id;
    },
    (e, reward) => {
      learned.add(statDeltas([e], 'shown', titleOf));
      if (reward) learned.add(statDeltas([e], 'taken', titleOf));
    },
  );

  // The single best variant per title on the warm part (the posterior mean the bandit's prior gives), fixed.
  const frozen = warmCounters();
  const best = new Map<string, string>();
  const bestOf = (title: Title) => {
    if (!best.has(title.id)) {
      const { beta } = variantPosteriors(armsOf(frozen, title), o.priors);
      const means = beta.map((p) => p.a / (p.a + p.b));
      best.set(title.id, title.artwork[means.indexOf(Math.max(...means))].id);
    }
    return best.get(title.id)!;
  };
  const bestSingle = replayArm(
    replay,
    rewarded,
    (e) => bestOf(byId.get(e.titleId)!),
    () => {},
  );
  const random = replayArm(
    replay,
    rewarded,
    (e) => e.artworkId,
    () => {},
  );
  return {
    bandit,
    random,
    best_single: bestSingle,
    protocol: {
      method:
        'replay (Li et al. 2011) on logs with uniformly random artwork: an impression counts for a policy when it picks the logged variant',
      reward: "the impression was credited with a play of its title within the hour (the store's rule)",
      warmShare: o.warmShare,
      warmImpressions: warm.length,
      replayImpressions: replay.length,
      warmFrom: new Date(warm[0]?.occurredAt ?? replay[0].occurredAt).toISOString(),
      replayFrom: new Date(replay[0]?.occurredAt ?? 0).toISOString(),
      titles: 'impressions of titles with at least two artwork variants',
      bandit:
        "Thompson sampling over variant take rates with the profile's learned theme affinities as context, updated online on matched impressions",
      best_single: 'per title, the variant with the best smoothed take rate on the warm part',
      random: 'the logging policy itself: every replayed impression',
    },
  };
}

function replayArm(
  replay: readonly ImpressionEvent[],
  rewarded: (e: ImpressionEvent) => boolean,
  choose: (e: ImpressionEvent) => string,
  learn: (e: ImpressionEvent, reward: boolean) => void,
): ReplayArm {
  let matched = 0;
  let plays = 0;
  for (const e of replay) {
    if (choose(e) !== e.artworkId) continue;
    const reward = rewarded(e);
    matched++;
    if (reward) plays++;
    learn(e, reward);
  }
  const rate = matched === 0 ? 0 : plays / matched;
  return { takeRate: round(rate), matched, plays, ci95: wilson(plays, matched).map(round) as [number, number] };
}

/** Wilson score interval at 95%. */
export function wilson(successes: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.96;
  const p = successes / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

const round = (x: number) => Math.round(x * 1e5) / 1e5;
