import type { Store } from '../../../graph/store';
import { StoreUnavailableError } from '../../../graph/errors';
import type { ImpressionEvent, PlaybackEvent, Profile, Title } from '../../domain/types';
import type { Candidate } from '../../pipeline/candidates';
import type { HomepageRequest } from '../../pipeline/request';
import { contentAffinity, type CollaborativeModel } from '../../retrieval';
import type { NeighbourLookup, Exposure } from '../../pipeline/stages';
import { assembleRows, requestStats, sourceRanks } from './feature-rows';
import { ExposureHistory } from './exposure-history';
import { profileFeatures } from './profile-features';
import { TITLE_STATS_LOOKBACK_MS, TitleStats } from './title-stats';

/** Neighbours per anchor the content-similarity feature looks at (the graph keeps 50). */
const CONTENT_NEIGHBOURS = 50;

/** The model-side parts a request's features need; they change when a new bundle is swapped in. */
export interface FeatureModels {
  collaborative: CollaborativeModel;
  neighbours: NeighbourLookup;
}

/**
 * The ranker's feature store. Title statistics and each profile's exposure history are kept in
 * memory, filled at start from the last weeks of events and updated online by every accepted
 * event; profile features are derived from the watch state each request already carries. The training replay (training-rows.ts) drives
 * the same class with past events, so a logged impression's training row is the row the server
 * would have served at that moment.
 */
export class FeatureStore {
  private titleStats = new TitleStats();
  private exposure = new ExposureHistory();

  /** Takes over `fresh`'s statistics in one step (a rebuild from the store, like PlayCounters.adopt). */
  adopt(fresh: FeatureStore): void {
    this.titleStats = fresh.titleStats;
    this.exposure = fresh.exposure;
  }

  /** A feature store holding the lookback's events as of `now` (impressions read already may be passed in). */
  static async fromStore(store: Store, now: number, readImpressions?: readonly ImpressionEvent[]): Promise<FeatureStore> {
    const since = now - TITLE_STATS_LOOKBACK_MS;
    const [plays, impressions] = await Promise.all([
      store.playbacksSince(since),
      readImpressions ? readImpressions.filter((e) => e.occurredAt >= since) : store.impressionsSince(since),
    ]);
    const features = new FeatureStore();
    features.notePlaybacks(plays);
    features.noteImpressions(impressions);
    return features;
  }

  notePlaybacks(events: readonly PlaybackEvent[]): void {
    for (const e of events) this.titleStats.notePlayback(e);
  }

  noteImpressions(events: readonly ImpressionEvent[]): void {
    for (const e of events) {
      this.titleStats.noteImpression(e);
      this.exposure.note(e);
    }
  }

  /** The profile's exposure to each title as of `now` (page construction's freshness); none read with personalization off. */
  exposureOf(profile: Pick<Profile, 'id' | 'personalizationOff'>, now: number): (titleId: string) => Exposure {
    return this.exposure.of(profile.personalizationOff ? '' : profile.id, now);
  }

  /** A title's plays across all viewers over the lookback, halving weekly (the ranker's popularity feature). */
  popularity(titleId: string, now: number): number {
    return this.titleStats.features(titleId, now).popularity;
  }

  /** How many titles the profile was shown within the lookback (Profile.dataSummary). */
  exposedTitles(profileId: string, now: number): number {
    return this.exposure.titlesShown(profileId, now);
  }

  /** Forgets a profile's exposure and takes its erased events out of the title statistics. */
  forget(profileId: string, erased: { playbacks: readonly PlaybackEvent[]; impressions: readonly ImpressionEvent[] }, now: number): void {
    this.exposure.forget(profileId);
    // Older events were never counted (the store is read from the lookback on): nothing to take out.
    const counted = (e: { occurredAt: number }) => e.occurredAt >= now - TITLE_STATS_LOOKBACK_MS;
    for (const e of erased.playbacks.filter(counted)) this.titleStats.notePlayback(e, -1);
    for (const e of erased.impressions.filter(counted)) this.titleStats.noteImpression(e, -1);
  }

  /** A title's impressions and plays across all viewers within the lookback (exploration's uncertainty). */
  evidence(titleId: string, now: number): { impressions: number; plays: number } {
    return this.titleStats.evidence(titleId, now);
  }

  /**
   * Raw feature rows for `titles` (default: every candidate), ranks taken among all `candidates`.
   * When the graph is unreachable, content similarity is 0 for all: a degraded row, not an error.
   */
  async rows(
    req: HomepageRequest,
    candidates: readonly Candidate[],
    models: FeatureModels,
    titles: readonly Title[] = candidates.map((c) => c.title),
  ): Promise<Float32Array> {
    const now = req.context.now;
    const vector = models.collaborative.vectorFor(req.profile.id, req.signals.recent);
    let similarity = new Map<string, number>();
    try {
      similarity = await contentAffinity(req, models.neighbours, CONTENT_NEIGHBOURS);
    } catch (err) {
      if (!(err instanceof StoreUnavailableError)) throw err;
    }
    const alsScore = (id: string) => (vector ? models.collaborative.score(vector, id) : null);
    const items = models.collaborative.itemScores(req.profile.id, req.signals.recent);
    const itemScore = (id: string) => items.get(id) ?? 0;
    return assembleRows(
      {
        context: req.context,
        isKids: req.profile.isKids,
        profile: profileFeatures(req.signals, (id) => req.catalog.get(id), now),
        titleStats: (id) => this.titleStats.features(id, now),
        alsScore,
        alsInRequest: requestStats(candidates, alsScore),
        contentSimilarity: (id) => similarity.get(id) ?? 0,
        itemScore,
        itemInRequest: requestStats(candidates, itemScore),
        exposure: this.exposureOf(req.profile, now),
        ranks: sourceRanks(candidates),
      },
      titles,
    );
  }
}
