import { COMPLETED_PROGRESS, type PlaybackEvent, type WatchState } from './types';

/** Folds one playback event into a (profile, title) state; events may arrive out of order. */
export function applyToWatchState(state: WatchState | undefined, e: PlaybackEvent): WatchState {
  if (!state) {
    return {
      profileId: e.profileId,
      titleId: e.titleId,
      progress: e.progress,
      plays: 1,
      firstAt: e.occurredAt,
      lastAt: e.occurredAt,
      completed: e.progress >= COMPLETED_PROGRESS,
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

/** Folds playback events into one watch state per (profile, title), as both stores do. */
export function watchStatesFrom(events: Iterable<PlaybackEvent>): WatchState[] {
  const states = new Map<string, WatchState>();
  for (const e of events) {
    const key = `${e.profileId}\u0000${e.titleId}`;
    states.set(key, applyToWatchState(states.get(key), e));
  }
  return [...states.values()];
}
