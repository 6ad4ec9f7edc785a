import { promises as fs } from 'node:fs';
import path from 'node:path';
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
import { parseLines } from './journal';

/** How often, and how far apart, the snapshot is read again while a purge swaps it (a swap takes two renames). */
const SNAPSHOT_ATTEMPTS = 50;
const SNAPSHOT_RETRY_MS = 100;

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

  /** Reads the owner's journal and the snapshot in `dir`, and follows the owner from there. */
  static async following(dir: string, owner: StoreOwner): Promise<FollowerStore> {
    // Batches that come while the journal so far is applied wait behind it.
    const backlog: string[] = [];
    let hear: (lines: string) => void = (lines) => backlog.push(lines);
    const journal = await owner.follow((lines) => hear(lines));
    // Any snapshot the owner has written serves: a purge rewrites it without erased events, which
    // the journal's erase records remove anyway.
    const { state, loaded } = await FollowerStore.readSnapshotAsOwnerHasIt(dir, journal.loaded);
    const store = new FollowerStore(dir, state, loaded, owner);
    store.replay(journal.lines);
    for (const lines of backlog) store.replay(lines);
    hear = (lines) => store.replay(lines);
    return store;
  }

  /**
   * The snapshot, read again while a purge is swapping it: the owner said whether it holds a
   * load, so an empty read is not believed, and a read during which the folder was replaced (its
   * inode changed, or it was missing: a swap is two renames) may mix the old files and the new,
   * or miss an optional file (feedback, similarity), so it is not believed either.
   */
  private static async readSnapshotAsOwnerHasIt(dir: string, loaded: boolean): Promise<{ state: MemoryState; loaded: boolean }> {
    const folder = async () => (await fs.stat(path.join(dir, 'snapshot')).catch(() => null))?.ino;
    for (let attempt = 1; ; attempt++) {
      try {
        const before = await folder();
        const read = await EmbeddedStore.readSnapshot(dir);
        const unchanged = before === (await folder()) && (before !== undefined || !loaded);
        if (unchanged && read.loaded === loaded) return read;
        if (attempt >= SNAPSHOT_ATTEMPTS)
          throw new Error(`the owner's snapshot in ${dir} kept changing or is ${loaded ? 'missing' : 'unexpected'}`);
      } catch (err) {
        if (attempt >= SNAPSHOT_ATTEMPTS) throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, SNAPSHOT_RETRY_MS));
    }
  }

  private replay(lines: string): void {
    for (const record of parseLines(lines) as JournalRecord[]) EmbeddedStore.apply(this.state, record);
  }

  /** The owner's readiness (its journal's disk), within the bound EmbeddedStore's own probe has. */
  override readiness(): Promise<StoreReadiness> {
    return EmbeddedStore.readinessWithin(this.owner.readiness(), 'the process that owns the store did not answer');
  }

  override async close(): Promise<void> {
    await this.owner.close();
    await super.close();
  }

  /**
   * The owner writes the snapshot; this copy then reads it, keeping what was journaled before (as
   * EmbeddedStore.bulkLoad does). A load writes no journal record: other followers of the owner
   * read it when they start. In a cluster the load runs before any worker starts (main.ts `prepare`).
   */
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
