import type { Experiment, ExposureRecord, VariantTimings } from '../../src/domain/experiment';
import { keptByErasure, type FeedbackChange } from '../../src/domain/title-feedback';
import type { Promotion } from '../../src/domain/promotion';
import type { ImpressionEvent, PlaybackEvent, Profile, SimilarEdge, Title, Availability } from '../../src/domain/types';

/** One acknowledged write, as the embedded store journals it. */
export type JournalRecord =
  | { op: 'playback'; events: PlaybackEvent[] }
  | { op: 'impressions'; events: ImpressionEvent[] }
  | { op: 'title'; title: Title; edges: SimilarEdge[] }
  /** A profile created or changed: the whole record. */
  | { op: 'profile'; profile: Profile }
  /**
   * The profile's viewing history erased; `profile` is its record afterwards. `purged` once the
   * files no longer hold what it erased. Purged erasures stay: a reader that read the snapshot
   * before the purge and the journal after it (a training job beside the server) still applies them.
   */
  | { op: 'erase'; profile: Profile; purged?: true }
  /** An experiment created or its status changed: the whole record. */
  | { op: 'experiment'; experiment: Experiment }
  | { op: 'exposures'; exposures: ExposureRecord[] }
  | { op: 'timings'; timings: VariantTimings[] }
  /** A promotion created or ended: the whole record. */
  | { op: 'promotion'; promotion: Promotion }
  /** Where and when a title is licensed, replaced (null: everywhere, always). */
  | { op: 'availability'; titleId: string; availability: Availability | null }
  /** One viewer control on one title (src/domain/title-feedback.ts), replayed through applyFeedback. */
  | { op: 'feedback'; profileId: string; titleId: string; change: FeedbackChange; at: number };

/** Whether some erasure still has its erased events in the files. */
export const hasErasures = (records: readonly JournalRecord[]) => records.some((r) => r.op === 'erase' && !r.purged);

/**
 * The journal without what its erasures erased: every event of an erased profile journaled before
 * its (last) erasure, its earlier profile records (onboarding answers) and its feedback other than
 * My List (which an erasure keeps). The last erasure of
 * each profile stays, marked purged, so replaying the result gives the same state with none of the data.
 */
export function purgeErased(records: readonly JournalRecord[]): JournalRecord[] {
  const lastErasure = new Map<string, number>();
  records.forEach((r, i) => {
    if (r.op === 'erase') lastErasure.set(r.profile.id, i);
  });
  const erasedAfter = (profileId: string, i: number) => (lastErasure.get(profileId) ?? -1) > i;
  return records.flatMap((r, i): JournalRecord[] => {
    if (r.op === 'playback') {
      const events = r.events.filter((e) => !erasedAfter(e.profileId, i));
      return events.length ? [{ op: r.op, events }] : [];
    }
    if (r.op === 'impressions') {
      const events = r.events.filter((e) => !erasedAfter(e.profileId, i));
      return events.length ? [{ op: r.op, events }] : [];
    }
    if (r.op === 'exposures') {
      const exposures = r.exposures.filter((e) => !erasedAfter(e.profileId, i));
      return exposures.length ? [{ op: r.op, exposures }] : [];
    }
    if (r.op === 'profile') return erasedAfter(r.profile.id, i) ? [] : [r];
    if (r.op === 'feedback') return erasedAfter(r.profileId, i) && !keptByErasure(r.change) ? [] : [r];
    if (r.op === 'erase') return lastErasure.get(r.profile.id) === i ? [{ op: 'erase', profile: r.profile, purged: true }] : [];
    return [r];
  });
}
