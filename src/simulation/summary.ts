import { mean, sampleStandardDeviation } from 'simple-statistics';
import { textTable } from '../shared/text-table';
import type { Tally } from './tally';

/** One group's day, as the report shows it. */
export interface DaySummary {
  day: number;
  pageViews: number;
  activeUnits: number;
  plays: number;
  playsPerPageView: number;
  finishRate: number;
  /** Watch minutes per unit of the group (every unit seen so far, idle ones at 0), with its 95% interval over units. */
  watchMinutesPerUnit: number;
  watchMinutesInterval: [number, number];
  /** Share of the catalog shown to the group that day. */
  coverage: number;
  /** Gini coefficient of impressions over the catalog's titles (0: all shown alike; 1: one title shown). */
  gini: number;
}

export interface GroupSummary {
  group: string;
  units: number;
  days: DaySummary[];
  /** Over the whole run. */
  playsPerPageView: number;
  watchMinutesPerUnitDay: number;
  /** Of unit-days with a page view (the last day left out), the share followed by a page view the next day. */
  nextDayReturn: number;
  /** Plays per impression by row position, 0 at the top. */
  takeRateByRow: number[];
}

export interface SimulationSummary {
  days: number;
  catalogSize: number;
  groups: GroupSummary[];
}

/** The tally per group and day: what the JSON output, the table and the charts show. */
export function summarise(tally: Tally, days: number, catalogSize: number): SimulationSummary {
  return {
    days,
    catalogSize,
    groups: tally.groups().map((group) => {
      const counts = tally.daysOf(group);
      const units = tally.unitsOf(group);
      const firstActive = units.map((u) => u.active.indexOf(1));
      const dayRows = counts.map((d, day): DaySummary => {
        // Units enter on their first page view and stay: a unit that stopped coming is part of the effect.
        const minutes = units.filter((_, k) => firstActive[k] >= 0 && firstActive[k] <= day).map((u) => u.minutes[day]);
        const m = minutes.length > 0 ? mean(minutes) : 0;
        const half = minutes.length > 1 ? (1.96 * sampleStandardDeviation(minutes)) / Math.sqrt(minutes.length) : 0;
        return {
          day,
          pageViews: d.pageViews,
          activeUnits: d.activeUnits,
          plays: d.plays,
          playsPerPageView: ratio(d.plays, d.pageViews),
          finishRate: ratio(d.finishes, d.plays),
          watchMinutesPerUnit: m,
          watchMinutesInterval: [m - half, m + half],
          coverage: d.exposure.size / Math.max(1, catalogSize),
          gini: gini([...d.exposure.values()], catalogSize),
        };
      });
      let returnDays = 0;
      let returned = 0;
      for (const u of units)
        for (let day = 0; day + 1 < days; day++) {
          if (!u.active[day]) continue;
          returnDays++;
          if (u.active[day + 1]) returned++;
        }
      const rows = Math.max(0, ...counts.map((d) => d.shownByRow.length));
      const sum = (f: (d: (typeof counts)[number]) => number) => counts.reduce((s, d) => s + f(d), 0);
      return {
        group,
        units: units.length,
        days: dayRows,
        playsPerPageView: ratio(
          sum((d) => d.plays),
          sum((d) => d.pageViews),
        ),
        watchMinutesPerUnitDay: ratio(
          sum((d) => d.watchMinutes),
          units.length * days,
        ),
        nextDayReturn: ratio(returned, returnDays),
        takeRateByRow: Array.from({ length: rows }, (_, r) =>
          ratio(
            sum((d) => d.playedByRow[r] ?? 0),
            sum((d) => d.shownByRow[r] ?? 0),
          ),
        ),
      };
    }),
  };
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : 0);

/** Gini coefficient of `counts` over `n` items (items not listed count 0). */
export function gini(counts: readonly number[], n: number): number {
  const total = counts.reduce((s, c) => s + c, 0);
  if (total === 0 || n <= 1) return 0;
  const sorted = [...Array(Math.max(0, n - counts.length)).fill(0), ...counts].sort((a, b) => a - b);
  let weighted = 0;
  sorted.forEach((x, i) => (weighted += (2 * (i + 1) - n - 1) * x));
  return weighted / (n * total);
}

/** The run per group, for a terminal. */
export function summaryTable(s: SimulationSummary): string {
  const f = (x: number, d = 3) => x.toFixed(d);
  return textTable(
    ['group', 'units', 'page views', 'plays/page view', 'watch min/unit/day', 'next-day return', 'coverage (last day)', 'Gini (last day)'],
    s.groups.map((g) => [
      g.group,
      String(g.units),
      String(g.days.reduce((n, d) => n + d.pageViews, 0)),
      f(g.playsPerPageView),
      f(g.watchMinutesPerUnitDay, 1),
      f(g.nextDayReturn),
      f(g.days.at(-1)?.coverage ?? 0),
      f(g.days.at(-1)?.gini ?? 0),
    ]),
  );
}

/** The run per group and day, for a terminal and summary.txt. */
export function dailyTable(s: SimulationSummary): string {
  const f = (x: number, d = 3) => x.toFixed(d);
  return textTable(
    ['day', 'group', 'page views', 'active units', 'plays/page view', 'watch min/unit', '95% interval', 'coverage', 'Gini'],
    s.groups.flatMap((g) =>
      g.days.map((d) => [
        String(d.day + 1),
        g.group,
        String(d.pageViews),
        String(d.activeUnits),
        f(d.playsPerPageView),
        f(d.watchMinutesPerUnit, 1),
        `[${f(d.watchMinutesInterval[0], 1)}, ${f(d.watchMinutesInterval[1], 1)}]`,
        f(d.coverage),
        f(d.gini),
      ]),
    ),
  );
}
