import { randomUUID } from 'node:crypto';
import type { ImpressionEvent, PlaybackEvent, Title } from '../domain/types';
import type { HomepageRequest } from '../pipeline/request';
import { Rng } from '../shared/random';
import type { ArtworkStatsCache } from './artwork-stats-cache';
import type { RandomSource } from './sampling';
import { chooseByBaseline, choosePage, DEFAULT_PRIORS, type ArtworkChoice, type PolicyPriors } from './thompson-policy';
import { type ArtworkFeedback, type ArtworkSelector, type ChosenArtwork } from '../pipeline/stages';

/**
 * The contextual bandit (thompson-policy.ts) over the replica's cached statistics. Titles without
 * artwork are left out of the map.
 */
export class ThompsonArtworkSelector implements ArtworkSelector, ArtworkFeedback {
  constructor(
    private readonly stats: ArtworkStatsCache,
    private readonly rng: RandomSource = new Rng(randomUUID()),
    private readonly priors: PolicyPriors = DEFAULT_PRIORS,
  ) {}

  async choose(req: HomepageRequest, titles: readonly Title[]): Promise<Map<string, ChosenArtwork>> {
    const dressed = titles.filter((t) => t.artwork.length > 0);
    const policy = req.treatment?.artwork ?? 'THOMPSON';
    if (policy !== 'THOMPSON') {
      const stats = policy === 'BEST' ? await this.stats.variants(dressed.map((t) => t.id)) : new Map();
      const arms = dressed.map((title) => ({ title, stats: stats.get(title.id) ?? new Map() }));
      return asChosen(chooseByBaseline(policy, arms, this.rng, this.priors));
    }
    const [variants, themes] = await Promise.all([
      this.stats.variants(dressed.map((t) => t.id)),
      // With personalization off the profile's theme affinities are not read: every variant is judged by all viewers' responses.
      req.profile.personalizationOff ? new Map() : this.stats.themes(req.profile.id),
    ]);
    const picks = choosePage(
      themes,
      dressed.map((title) => ({ title, stats: variants.get(title.id)! })),
      this.rng,
      this.priors,
    );
    return asChosen(picks);
  }

  noteImpressions(events: readonly ImpressionEvent[], titleOf: (id: string) => Title | undefined): void {
    this.stats.noteImpressions(events, titleOf);
  }

  async forgetProfile(profileId: string, titleIds: readonly string[]): Promise<void> {
    await this.stats.refresh([profileId], titleIds);
  }

  async notePlays(events: readonly PlaybackEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.stats.refresh([...new Set(events.map((e) => e.profileId))], [...new Set(events.map((e) => e.titleId))]);
  }
}

function asChosen(picks: ReadonlyMap<string, ArtworkChoice>): Map<string, ChosenArtwork> {
  const chosen = new Map<string, ChosenArtwork>();
  for (const [id, { artwork, reason, kind }] of picks)
    chosen.set(id, { id: artwork.id, titleId: artwork.titleId, theme: artwork.theme, reason, kind });
  return chosen;
}
