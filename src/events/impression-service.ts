import type { Store } from '../../graph/store';
import type { ImpressionEvent, Profile, RecordOutcome } from '../domain/types';
import type { ArtworkFeedback } from '../pipeline/stages';
import type { CatalogIndex } from '../pipeline/catalog-index';
import type { FeatureStore } from '../ranking/features/feature-store';
import type { DomainChanges } from '../domain/changes';
import { InvalidInputError } from '../domain/errors';
import type { ChangeFeed } from '../shared/change-feed';
import { parseImpressionBatch, type ImpressionEventInputData } from './impression-input';
import { knownProfiles, knownTitles, recordable } from './known-records';
import { localHourAndWeekday } from '../shared/time';

export interface ImpressionServiceOptions {
  store: Store;
  catalog: CatalogIndex;
  /** The ranker's feature store and the trending counters: counts of what was shown. */
  features: Pick<FeatureStore, 'noteImpressions'>;
  clock?: () => number;
  /** Hears `impressionsRecorded`: the shown profiles' cached pages are stale, and other replicas count them too. */
  changes?: ChangeFeed<DomainChanges>;
  /** The artwork bandit, whose replica-local statistics take the accepted impressions at once. */
  artwork?: Pick<ArtworkFeedback, 'noteImpressions'>;
  /** Hears each stored batch's outcome (monitoring: event counts, quality by served item). */
  onRecorded?: (outcome: RecordOutcome<ImpressionEvent>) => void;
}

/**
 * The write path for impressions (which titles a homepage showed, where, with which artwork):
 * validate the whole batch, check that profiles, titles and artwork exist and belong together,
 * write durably and idempotently (the store counts them into the artwork bandit's statistics in
 * the same write), then count the accepted ones into the ranker's feature store (plays per
 * impression, how often each title was shown to the profile), the trending counters (plays
 * per impression) and the bandit's local copy.
 */
export class ImpressionService {
  private readonly store: Store;
  private readonly catalog: CatalogIndex;
  private readonly features: Pick<FeatureStore, 'noteImpressions'>;
  private readonly clock: () => number;
  private readonly changes?: ChangeFeed<DomainChanges>;
  private readonly artwork: Pick<ArtworkFeedback, 'noteImpressions'> | null;
  private readonly onRecorded: (outcome: RecordOutcome<ImpressionEvent>) => void;

  constructor(o: ImpressionServiceOptions) {
    this.store = o.store;
    this.catalog = o.catalog;
    this.features = o.features;
    this.clock = o.clock ?? Date.now;
    this.changes = o.changes;
    this.artwork = o.artwork ?? null;
    this.onRecorded = o.onRecorded ?? (() => {});
  }

  /** `owners`: the events' profiles when the caller has read them already (the access check), so they are not read twice. */
  async record(
    input: readonly ImpressionEventInputData[],
    owners?: readonly Profile[],
  ): Promise<RecordOutcome<ImpressionEvent> & { ignored: number }> {
    const parsed = parseImpressionBatch(input, this.clock());
    const profiles = owners ? new Map(owners.map((p) => [p.id, p])) : await knownProfiles(this.store, parsed);
    const titles = await knownTitles(this.store, this.catalog, parsed);
    parsed.forEach((e, i) => {
      if (!titles.get(e.titleId)!.artwork.some((a) => a.id === e.artworkId)) {
        throw new InvalidInputError(
          `events[${i}].artworkId`,
          `no artwork ${JSON.stringify(e.artworkId)} of title ${JSON.stringify(e.titleId)}`,
        );
      }
    });
    const accountIds = [...new Set([...profiles.values()].map((p) => p.accountId))];
    const accounts = new Map(
      (await Promise.all(accountIds.map((id) => this.store.getAccount(id)))).filter((a) => a !== null).map((a) => [a.id, a]),
    );
    const events: ImpressionEvent[] = parsed.map((e) => {
      // The viewer's wall clock, from the account's time zone: what the ranker's context features read.
      return { ...e, ...localHourAndWeekday(e.occurredAt, accounts.get(profiles.get(e.profileId)!.accountId)?.timeZone ?? 'UTC') };
    });
    const kept = recordable(events, profiles);
    const outcome = { ...(await this.store.recordImpressions(kept)), ignored: events.length - kept.length };
    const accepted = outcome.acceptedEvents;
    this.onRecorded(outcome);
    this.features.noteImpressions(accepted);
    this.artwork?.noteImpressions(accepted, (id) => titles.get(id));
    if (accepted.length) await this.changes?.publish('impressionsRecorded', { events: accepted });
    return outcome;
  }
}
