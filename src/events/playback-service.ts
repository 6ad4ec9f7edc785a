import type { Store } from '../../graph/store';
import type { PlaybackEvent, Profile, RecordOutcome } from '../domain/types';
import type { DomainChanges } from '../domain/changes';
import type { ChangeFeed } from '../shared/change-feed';
import type { ArtworkFeedback } from '../pipeline/stages';
import type { CatalogIndex } from '../pipeline/catalog-index';
import type { RetrievalUpdates } from './online-updates';
import { knownProfiles, knownTitles, recordable } from './known-records';
import { parsePlaybackBatch, type PlaybackEventInputData } from './playback-input';

export interface PlaybackServiceOptions {
  store: Store;
  catalog: CatalogIndex;
  retrieval: RetrievalUpdates;
  clock?: () => number;
  onUpdateFailed?: (err: unknown) => void;
  /** The artwork bandit: re-reads the statistics the store credited these plays to. */
  artwork?: Pick<ArtworkFeedback, 'notePlays'>;
  /** Hears each stored batch's outcome (monitoring: event counts, takes). */
  onRecorded?: (outcome: RecordOutcome<PlaybackEvent>) => void;
  /** Hears `playbacksRecorded` with the accepted events: other replicas apply them too. */
  changes?: ChangeFeed<DomainChanges>;
}

/**
 * The write path for playback: validate the whole batch (all or nothing), check that profiles
 * and titles exist, write durably and idempotently (the store credits the artwork bandit in the
 * same write), then apply the online updates (popularity, fold-in of the profile's vector,
 * trending counters, the bandit's local statistics).
 */
export class PlaybackService {
  private readonly store: Store;
  private readonly catalog: CatalogIndex;
  private readonly retrieval: RetrievalUpdates;
  private readonly clock: () => number;
  private readonly onUpdateFailed: (err: unknown) => void;
  private readonly artwork: Pick<ArtworkFeedback, 'notePlays'> | null;
  private readonly onRecorded: (outcome: RecordOutcome<PlaybackEvent>) => void;
  private readonly changes?: ChangeFeed<DomainChanges>;

  constructor(o: PlaybackServiceOptions) {
    this.store = o.store;
    this.catalog = o.catalog;
    this.retrieval = o.retrieval;
    this.clock = o.clock ?? Date.now;
    this.onUpdateFailed = o.onUpdateFailed ?? (() => {});
    this.artwork = o.artwork ?? null;
    this.onRecorded = o.onRecorded ?? (() => {});
    this.changes = o.changes;
  }

  /** `owners`: the events' profiles when the caller has read them already (the access check), so they are not read twice. */
  async record(
    input: readonly PlaybackEventInputData[],
    owners?: readonly Profile[],
  ): Promise<RecordOutcome<PlaybackEvent> & { ignored: number }> {
    const parsed = parsePlaybackBatch(input, this.clock());
    const profiles = owners ? new Map(owners.map((p) => [p.id, p])) : await knownProfiles(this.store, parsed);
    await knownTitles(this.store, this.catalog, parsed);
    const events = recordable(parsed, profiles);
    const outcome = { ...(await this.store.recordPlayback(events)), ignored: parsed.length - events.length };
    const accepted = outcome.acceptedEvents;
    this.onRecorded(outcome);
    this.catalog.notePlays(accepted.map((e) => e.titleId));
    // The events are durable already: a failed online update must not turn the acknowledgement
    // into an error (a retry would be a duplicate and never update). The next homepage folds in
    // the history anyway, as the profile's vector is checked against it.
    await this.retrieval.apply(accepted, [...profiles.values()]).catch(this.onUpdateFailed);
    await this.artwork?.notePlays(accepted).catch(this.onUpdateFailed);
    if (accepted.length) {
      const players = [...new Set(accepted.map((e) => e.profileId))].map((id) => profiles.get(id)!);
      await this.changes?.publish('playbacksRecorded', { events: accepted, owners: players });
    }
    return outcome;
  }
}
