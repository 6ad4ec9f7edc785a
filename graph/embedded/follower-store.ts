import type { Dataset } from '../../src/domain/dataset';
import type { Experiment, ExperimentStatus, ExposureRecord, VariantTimings } from '../../src/domain/experiment';
import type { Promotion } from '../../src/domain/promotion';
import type { FeedbackChange, TitleFeedback } from '../../src/domain/title-feedback';
import type {
  Availability,
  ErasedHistory,
  ImpressionEvent,
  PlaybackEvent,
  Profile,
  RecordOutcome,
  SimilarEdge,
  Title,
} from '../../src/domain/types';
import type { StoreReadiness } from '../store';
import { EmbeddedStore } from './embedded-store';
import type { JournalRecord } from './journal-records';
import type { MemoryState } from './memory-state';
import type { StoreOwner } from './store-owner';

/**
 * The embedded store in a process that does not own it (a cluster worker): a copy of the
 * state, read here at memory speed, that applies every record the owner commits, in the
 * journal's order. Writes run in the owner (StoreOwner.write), whose state alone decides their
 * checks, and resolve once their records are applied here: a worker reads its own writes, and
 * another worker sees them as soon as the owner's message reaches it.
 */
export class FollowerStore extends EmbeddedStore {
  private constructor(
    dir: string,
    state: MemoryState,
    loaded: boolean,
    private readonly owner: StoreOwner,
  ) {
    super(dir, state, null, loaded);
  }

  /** Reads the snapshot in `dir`, then the owner's journal, and follows the owner from there. */
  static async following(dir: string, owner: StoreOwner): Promise<FollowerStore> {
    const { state, loaded } = await EmbeddedStore.readSnapshot(dir);
    const store = new FollowerStore(dir, state, loaded, owner);
    // Records that come while the journal so far is applied wait behind it.
    let backlog: JournalRecord[][] | null = [];
    const journal = await owner.follow((records) => (backlog ? backlog.push(records) : store.applyAll(records)));
    store.applyAll(journal);
    for (const records of backlog) store.applyAll(records);
    backlog = null;
    return store;
  }

  private applyAll(records: readonly JournalRecord[]): void {
    for (const record of records) EmbeddedStore.apply(this.state, record);
  }

  override readiness(): Promise<StoreReadiness> {
    return this.owner.readiness();
  }

  override async close(): Promise<void> {
    await this.owner.close();
    await super.close();
  }

  /** The owner writes the snapshot; this copy then reads it, keeping what was journaled before (as EmbeddedStore.bulkLoad does). */
  override async bulkLoad(data: Dataset, similarity: readonly SimilarEdge[]): Promise<void> {
    await this.owner.write('bulkLoad', [data, similarity]);
    const { state } = await EmbeddedStore.readSnapshot(this.dir);
    state.addImpressions(this.state.impressions.all());
    state.addPlaybacks(this.state.playbacks.all());
    this.state = state;
    this.loaded = true;
  }

  override addTitle(title: Title, edges: readonly SimilarEdge[]): Promise<void> {
    return this.owner.write('addTitle', [title, edges]);
  }

  override setTitleAvailability(titleId: string, availability: Availability | null): Promise<Title> {
    return this.owner.write('setTitleAvailability', [titleId, availability]);
  }

  override createProfile(profile: Profile, maxPerAccount: number): Promise<void> {
    return this.owner.write('createProfile', [profile, maxPerAccount]);
  }

  override updateProfile(profile: Profile): Promise<void> {
    return this.owner.write('updateProfile', [profile]);
  }

  override eraseViewingHistory(profileId: string, at: number): Promise<ErasedHistory> {
    return this.owner.write('eraseViewingHistory', [profileId, at]);
  }

  override recordPlayback(events: readonly PlaybackEvent[]): Promise<RecordOutcome<PlaybackEvent>> {
    return this.owner.write('recordPlayback', [events]);
  }

  override recordImpressions(events: readonly ImpressionEvent[]): Promise<RecordOutcome<ImpressionEvent>> {
    return this.owner.write('recordImpressions', [events]);
  }

  override changeTitleFeedback(profileId: string, titleId: string, change: FeedbackChange, at: number): Promise<TitleFeedback | null> {
    return this.owner.write('changeTitleFeedback', [profileId, titleId, change, at]);
  }

  override createPromotion(promotion: Promotion): Promise<void> {
    return this.owner.write('createPromotion', [promotion]);
  }

  override endPromotion(id: string, at: number): Promise<Promotion> {
    return this.owner.write('endPromotion', [id, at]);
  }

  override createExperiment(experiment: Experiment): Promise<void> {
    return this.owner.write('createExperiment', [experiment]);
  }

  override changeExperimentStatus(id: string, to: Exclude<ExperimentStatus, 'DRAFT'>, at: number): Promise<Experiment> {
    return this.owner.write('changeExperimentStatus', [id, to, at]);
  }

  override recordExposures(exposures: readonly ExposureRecord[]): Promise<number> {
    return this.owner.write('recordExposures', [exposures]);
  }

  override addVariantTimings(timings: readonly VariantTimings[]): Promise<void> {
    return this.owner.write('addVariantTimings', [timings]);
  }
}
