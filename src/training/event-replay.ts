import type { Account, Device, ImpressionEvent, PlaybackEvent, Profile, Title, WatchState } from '../domain/types';
import { applyToWatchState } from '../domain/watch-state';
import { CatalogIndex } from '../pipeline/catalog-index';
import { profileSignals } from '../pipeline/profile-signals';
import { resolveContext } from '../pipeline/viewing-context';
import type { HomepageRequest } from '../pipeline/request';
import type { UnionCandidateGenerator } from '../retrieval/union-generator';
import { PlayCounters } from '../retrieval/play-counters';
import { candidateGenerator, SERVED_PLAN, type RetrievalPlan } from '../retrieval/retrieval-plan';
import { FeatureStore, type FeatureModels } from '../ranking/features/feature-store';
import { TITLE_STATS_LOOKBACK_MS } from '../ranking/features/title-stats';
import type { TitleFeedback } from '../domain/title-feedback';
import { groupBy } from '../shared/group-by';

/** Everything a replay reads: a dataset's catalog, viewers and events. */
export interface ReplayData {
  titles: readonly Title[];
  accounts: readonly Account[];
  profiles: readonly Profile[];
  playbacks: readonly PlaybackEvent[];
  impressions: readonly ImpressionEvent[];
  /** What viewers told the service: thumbs down make training negatives (src/training/training-rows.ts). */
  feedback?: readonly TitleFeedback[];
}

/**
 * The server's state at any past moment, rebuilt by feeding events in time order through the
 * serving code: watch states folded as the stores fold them, the feature store and the trending
 * counters fed as the server feeds them, candidates from the server's retrieval plan. Training
 * rows and offline evaluation both ask it for "the homepage request of profile P at time T".
 */
export class EventReplay {
  readonly catalog: CatalogIndex;
  readonly features = new FeatureStore();
  readonly generator: UnionCandidateGenerator;
  readonly playbacks: PlaybackEvent[];
  readonly impressions: ImpressionEvent[];
  private readonly profiles: Map<string, Profile>;
  private readonly accounts: Map<string, Account>;
  private readonly counters = new PlayCounters();
  private readonly watch = new Map<string, Map<string, WatchState>>();
  private readonly feedback: Map<string, TitleFeedback[]>;
  private nextPlay = 0;
  private nextImpression = 0;

  constructor(
    data: ReplayData,
    readonly models: FeatureModels,
    plan: RetrievalPlan = SERVED_PLAN,
  ) {
    this.playbacks = sortEvents(data.playbacks);
    this.impressions = sortEvents(data.impressions);
    this.profiles = new Map(data.profiles.map((p) => [p.id, p]));
    this.accounts = new Map(data.accounts.map((a) => [a.id, a]));
    this.feedback = groupBy(data.feedback ?? [], (f) => f.profileId);
    this.catalog = new CatalogIndex(data.titles, new Map());
    this.generator = candidateGenerator({ model: models.collaborative, neighbours: models.neighbours, counters: this.counters }, plan);
  }

  accountOf(profileId: string): Account {
    return this.accounts.get(this.profiles.get(profileId)!.accountId)!;
  }

  /** Applies every event before `at` (and none at or after it). Time only moves forward. */
  advanceTo(at: number): void {
    for (; this.nextPlay < this.playbacks.length && this.playbacks[this.nextPlay].occurredAt < at; this.nextPlay++) {
      const e = this.playbacks[this.nextPlay];
      const states = this.watch.get(e.profileId) ?? this.watch.set(e.profileId, new Map()).get(e.profileId)!;
      states.set(e.titleId, applyToWatchState(states.get(e.titleId), e));
      this.features.notePlaybacks([e]);
      this.counters.note(this.accountOf(e.profileId).country, this.profiles.get(e.profileId)!.isKids, e.titleId, e.occurredAt);
    }
    for (; this.nextImpression < this.impressions.length && this.impressions[this.nextImpression].occurredAt < at; this.nextImpression++) {
      const e = this.impressions[this.nextImpression];
      this.counters.noteImpression(e.titleId, e.occurredAt);
      // Only the lookback's impressions can still be read by a feature.
      if (e.occurredAt >= at - TITLE_STATS_LOOKBACK_MS) this.features.noteImpressions([e]);
    }
  }

  /** The homepage request the server would build for the profile at `at` on `device`, after advancing to it. */
  request(profileId: string, at: number, device: Device): HomepageRequest {
    this.advanceTo(at);
    const profile = this.profiles.get(profileId)!;
    const account = this.accountOf(profileId);
    // The stores' order (latest first, then title id): fold-ins sum in that order.
    const state = [...(this.watch.get(profileId)?.values() ?? [])].sort((a, b) => b.lastAt - a.lastAt || (a.titleId < b.titleId ? -1 : 1));
    return {
      profile,
      account,
      catalog: this.catalog,
      context: resolveContext({ device }, account, at),
      // The viewer's thumbs as the server reads them, as far as they were given before `at`.
      signals: profileSignals(
        state,
        (id) => this.catalog.get(id),
        at,
        { id: profileId },
        (this.feedback.get(profileId) ?? []).filter((f) => f.updatedAt < at),
      ),
    };
  }
}

function sortEvents<E extends { occurredAt: number; eventId: string }>(events: readonly E[]): E[] {
  return [...events].sort((a, b) => a.occurredAt - b.occurredAt || (a.eventId < b.eventId ? -1 : 1));
}
