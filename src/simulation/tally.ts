import { FINISHED_PROGRESS } from '../domain/types';
import type { Glance, Play } from './browse';

/** What the simulator counts for one group (a variant, or everyone) on one day. */
export interface DayCounts {
  pageViews: number;
  impressions: number;
  plays: number;
  finishes: number;
  watchMinutes: number;
  /** Units with a page view that day. */
  activeUnits: number;
  /** Impressions and plays by row position (0 = top). */
  shownByRow: number[];
  playedByRow: number[];
  /** Impressions per title. */
  exposure: Map<string, number>;
}

const emptyDay = (): DayCounts => ({
  pageViews: 0,
  impressions: 0,
  plays: 0,
  finishes: 0,
  watchMinutes: 0,
  activeUnits: 0,
  shownByRow: [],
  playedByRow: [],
  exposure: new Map(),
});

/**
 * Counts of a simulation per group and day, and per unit and day (watch minutes, activity) for
 * intervals over units: the simulator's own measurement of what viewers did, beside the
 * platform's experiment report.
 */
export class Tally {
  private readonly days = new Map<string, DayCounts[]>();
  private readonly unitMinutes = new Map<string, { group: string; minutes: Float64Array; active: Uint8Array }>();

  constructor(private readonly dayCount: number) {}

  /** One session's page view, glances and plays for `unit` in `group` on `day`. */
  note(
    group: string,
    unit: string,
    day: number,
    seen: readonly Glance[],
    plays: readonly Play[],
    runtimeMinutes: (titleId: string) => number,
  ): void {
    const d = this.day(group, day);
    const u = this.unit(group, unit);
    d.pageViews++;
    if (!u.active[day]) d.activeUnits++;
    u.active[day] = 1;
    for (const g of seen) {
      d.impressions++;
      d.shownByRow[g.rowIndex] = (d.shownByRow[g.rowIndex] ?? 0) + 1;
      d.exposure.set(g.item.titleId, (d.exposure.get(g.item.titleId) ?? 0) + 1);
    }
    for (const p of plays) {
      const minutes = (p.progress >= p.before ? p.progress - p.before : p.progress) * runtimeMinutes(p.glance.item.titleId);
      d.plays++;
      if (p.progress >= FINISHED_PROGRESS) d.finishes++;
      d.watchMinutes += minutes;
      d.playedByRow[p.glance.rowIndex] = (d.playedByRow[p.glance.rowIndex] ?? 0) + 1;
      u.minutes[day] += minutes;
    }
  }

  groups(): string[] {
    return [...this.days.keys()].sort();
  }

  daysOf(group: string): DayCounts[] {
    return this.days.get(group) ?? [];
  }

  /** Per unit of the group: watch minutes per day, and whether it had a page view each day. */
  unitsOf(group: string): { minutes: Float64Array; active: Uint8Array }[] {
    return [...this.unitMinutes.values()].filter((u) => u.group === group);
  }

  private day(group: string, day: number): DayCounts {
    let days = this.days.get(group);
    if (!days) this.days.set(group, (days = Array.from({ length: this.dayCount }, emptyDay)));
    return days[day];
  }

  private unit(group: string, unit: string) {
    const key = `${group}\u0000${unit}`;
    let u = this.unitMinutes.get(key);
    if (!u) this.unitMinutes.set(key, (u = { group, minutes: new Float64Array(this.dayCount), active: new Uint8Array(this.dayCount) }));
    return u;
  }
}
