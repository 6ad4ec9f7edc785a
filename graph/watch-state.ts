import { COMPLETED_PROGRESS, type PlaybackEvent, type WatchState } from './types';

/** Folds one playback event into a (profile, title) state; events may arrive out of order. */
export function applyToWatchState(state: WatchState | undefined, e: PlaybackEvent): WatchState {
  if (!state) {
    return {
      profileId: e.profileId, titleId: e.titleId, progress: e.progress, plays: 1,
      firstAt: e.occurredAt, lastAt: e.occurredAt, completed: e.progress >= COMPLETED_PROGRESS,
    };
  }
  const latest = e.occurredAt >= state.lastAt;
  return {
    ...state,
    progress: latest ? e.progress : state.progress,
    plays: state.plays + 1,
    firstAt: Math.min(state.firstAt, e.occurredAt),
    lastAt: Math.max(state.lastAt, e.occurredAt),
    completed: state.completed || e.progress >= COMPLETED_PROGRESS,
  };
}
