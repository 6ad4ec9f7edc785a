import type { WatchState } from '../domain/types';
import type { InteractionMatrix } from './als';
import { DEFAULT_FEEDBACK, interactionStrength, type FeedbackOptions } from './implicit-feedback';

/** The ALS training matrix with the ids its rows and columns stand for. */
export interface Interactions {
  profileIds: string[];
  titleIds: string[];
  matrix: InteractionMatrix;
}

/**
 * Builds the confidence-weighted matrix: rows are the profiles with any history (sorted),
 * columns the given titles; states of titles not in `titleIds` are ignored. Recency is measured
 * from each profile's own latest play: a viewer's recent taste outweighs its older taste, while
 * a viewer who paused for months is not decayed to nothing (MovieLens spans 22 years).
 */
export function buildInteractions(
  states: readonly WatchState[],
  titleIds: readonly string[],
  feedback: FeedbackOptions = DEFAULT_FEEDBACK,
): Interactions {
  const col = new Map(titleIds.map((id, i) => [id, i]));
  const byProfile = new Map<string, WatchState[]>();
  for (const s of states) {
    if (!col.has(s.titleId)) continue;
    const list = byProfile.get(s.profileId);
    if (list) list.push(s);
    else byProfile.set(s.profileId, [s]);
  }
  const profileIds = [...byProfile.keys()].sort();
  const rowPtr = new Int32Array(profileIds.length + 1);
  profileIds.forEach((p, r) => (rowPtr[r + 1] = rowPtr[r] + byProfile.get(p)!.length));
  const colIdx = new Int32Array(rowPtr[profileIds.length]);
  const strength = new Float32Array(colIdx.length);
  profileIds.forEach((p, r) => {
    const list = byProfile.get(p)!.sort((a, b) => col.get(a.titleId)! - col.get(b.titleId)!);
    const asOf = list.reduce((m, s) => Math.max(m, s.lastAt), 0);
    list.forEach((s, j) => {
      colIdx[rowPtr[r] + j] = col.get(s.titleId)!;
      strength[rowPtr[r] + j] = interactionStrength(s, asOf, feedback);
    });
  });
  return { profileIds, titleIds: [...titleIds], matrix: { rows: profileIds.length, cols: titleIds.length, rowPtr, colIdx, strength } };
}
