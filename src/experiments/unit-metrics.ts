import type { ExposureRecord } from '../domain/experiment';
import { COMPLETED_PROGRESS, FINISHED_PROGRESS, type ImpressionEvent, type PlaybackEvent } from '../domain/types';
import { DAY_MS, HOUR_MS } from '../shared/time';

/** CUPED's pre-period: a unit's watch minutes in the two weeks before its first exposure (two whole weekly cycles). */
export const PRE_PERIOD_MS = 14 * DAY_MS;

/** A play within this long after an impression of the same title by the same profile counts as taking it. */
export const TAKE_WINDOW_MS = 24 * HOUR_MS;

/** What one randomisation unit did while it was in the experiment (and before, for CUPED). */
export interface UnitOutcome {
  unitId: string;
  variant: string;
  profiles: number;
  pageViews: number;
  plays: number;
  finishes: number;
  watchMinutes: number;
  /** Watch minutes in the PRE_PERIOD_MS before its first exposure (CUPED's covariate). */
  watchMinutesBefore: number;
  impressions: number;
  /** Impressions followed by a play of the title within TAKE_WINDOW_MS. */
  taken: number;
  /** Days with a page view whose next day is inside the window, and those of them followed by a page view the next day. */
  returnDays: number;
  returned: number;
  /** Titles the unit was shown. */
  shown: Set<string>;
  /** Plays credited to each ranker of an interleaving, by variant name. */
  credited: Map<string, number>;
}

export interface UnitWindow {
  /** The unit's first exposure. */
  from: number;
  /** The experiment's stop, or now. */
  to: number;
}

/** The unit's variant, profiles and window from its exposures (all of one unit, non-empty). */
export function unitWindow(exposures: readonly ExposureRecord[], to: number): UnitWindow & { variant: string; profileIds: Set<string> } {
  const first = exposures.reduce((a, b) => (b.at < a.at ? b : a));
  return { variant: first.variant, from: first.at, to, profileIds: new Set(exposures.map((x) => x.profileId)) };
}

/**
 * One unit's outcome from its profiles' events (each list oldest first). A playback event is a
 * play (as watch state counts them); its watch minutes are the progress it adds to the title
 * over the profile's previous report (all of a new start after a finish), times the runtime.
 */
export function unitOutcome(
  unit: { unitId: string; variant: string; profiles: number; window: UnitWindow; experimentId: string },
  impressions: readonly ImpressionEvent[],
  playbacks: readonly PlaybackEvent[],
  runtimeMinutes: (titleId: string) => number,
): UnitOutcome {
  const { from, to } = unit.window;
  const inside = (at: number) => at >= from && at <= to;
  const out: UnitOutcome = {
    unitId: unit.unitId,
    variant: unit.variant,
    profiles: unit.profiles,
    pageViews: 0,
    plays: 0,
    finishes: 0,
    watchMinutes: 0,
    watchMinutesBefore: 0,
    impressions: 0,
    taken: 0,
    returnDays: 0,
    returned: 0,
    shown: new Set(),
    credited: new Map(),
  };
  const progress = new Map<string, number>();
  const beforeFrom = from - PRE_PERIOD_MS;
  for (const p of playbacks) {
    const key = `${p.profileId}|${p.titleId}`;
    const last = progress.get(key);
    const added = last === undefined || last >= COMPLETED_PROGRESS || p.progress < last ? p.progress : p.progress - last;
    progress.set(key, p.progress);
    const minutes = added * runtimeMinutes(p.titleId);
    if (p.occurredAt >= beforeFrom && p.occurredAt < from) out.watchMinutesBefore += minutes;
    if (!inside(p.occurredAt)) continue;
    out.plays++;
    out.watchMinutes += minutes;
    if (p.progress >= FINISHED_PROGRESS) out.finishes++;
  }
  const shownIn = impressions.filter((e) => inside(e.occurredAt));
  const pages = new Set<string>();
  const days = new Set<number>();
  for (const e of shownIn) {
    out.impressions++;
    out.shown.add(e.titleId);
    if (!pages.has(e.requestId)) days.add(Math.floor(e.occurredAt / DAY_MS));
    pages.add(e.requestId);
  }
  out.pageViews = pages.size;
  const lastFullDay = Math.floor(to / DAY_MS) - 1;
  for (const d of days) {
    if (d >= lastFullDay) continue;
    out.returnDays++;
    if (days.has(d + 1)) out.returned++;
  }
  countTakes(
    out,
    shownIn,
    playbacks.filter((p) => inside(p.occurredAt)),
    unit.experimentId,
  );
  return out;
}

/**
 * Impressions taken (a play of the title by the profile within TAKE_WINDOW_MS), and each play
 * credited to the interleaving team on its latest impression of the title before it.
 */
function countTakes(
  out: UnitOutcome,
  impressions: readonly ImpressionEvent[],
  plays: readonly PlaybackEvent[],
  experimentId: string,
): void {
  const playsOf = new Map<string, number[]>();
  for (const p of plays) {
    const key = `${p.profileId}|${p.titleId}`;
    (playsOf.get(key) ?? playsOf.set(key, []).get(key)!).push(p.occurredAt);
  }
  for (const e of impressions) {
    const times = playsOf.get(`${e.profileId}|${e.titleId}`);
    if (times?.some((t) => t >= e.occurredAt && t - e.occurredAt <= TAKE_WINDOW_MS)) out.taken++;
  }
  const latestShown = new Map<string, ImpressionEvent[]>();
  for (const e of impressions) {
    if (!e.experiments?.some((x) => x.experimentId === experimentId)) continue;
    const key = `${e.profileId}|${e.titleId}`;
    (latestShown.get(key) ?? latestShown.set(key, []).get(key)!).push(e);
  }
  for (const p of plays) {
    const shown = latestShown
      .get(`${p.profileId}|${p.titleId}`)
      ?.filter((e) => e.occurredAt <= p.occurredAt && p.occurredAt - e.occurredAt <= TAKE_WINDOW_MS);
    const team = shown?.at(-1)?.experiments?.find((x) => x.experimentId === experimentId)?.variant;
    if (team) out.credited.set(team, (out.credited.get(team) ?? 0) + 1);
  }
}
