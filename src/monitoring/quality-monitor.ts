import { LRUCache } from 'lru-cache';
import type { ImpressionEvent, PlaybackEvent } from '../domain/types';
import type { HomepageItem, HomepageResult } from '../homepage/homepage-service';
import { CANDIDATE_SOURCES } from '../pipeline/candidate-sources';
import type { Logger } from '../shared/logger';
import { HOUR_MS, MINUTE_MS } from '../shared/time';
import { DEFAULT_THRESHOLDS, findAnomalies, type Anomaly, type AnomalyThresholds } from './anomaly-checks';
import { bandOf, clickAuc, emptyHour, sumHours, type HourTally, type WindowTally } from './hourly-tally';
import { QualityMetrics } from './quality-metrics';
import type { Registry } from 'prom-client';
import { KeySets, ServedPage, type ServedItem } from './served-page';

/**
 * A take is a play of the title by the profile within this long after the impression: the
 * session it was shown in. Shorter than the experiments' 24 hours (docs/EXPERIMENTS.md) so an
 * hour's figures are final soon after it ends; monitoring looks for falls, not absolute levels.
 */
export const MONITOR_TAKE_WINDOW_MS = 30 * MINUTE_MS;

/** An impression waiting for its play. */
interface Pending {
  at: number;
  tally: HourTally;
  /** Whether its take counts overall: where the impression was received (its dimensions count where its page was served). */
  overall: boolean;
  keys: readonly string[];
  pClick?: number;
  taken: boolean;
}

/** What the checks compare (MONITOR_* settings). */
export interface QualityMonitorSettings {
  /** Hours compared against the baseline (the most recent complete ones whose takes are in). */
  windowHours: number;
  /** Hours before the window that make its baseline. */
  baselineHours: number;
  thresholds: AnomalyThresholds;
}

export const DEFAULT_MONITORING: QualityMonitorSettings = { windowHours: 3, baselineHours: 24, thresholds: DEFAULT_THRESHOLDS };

export interface QualityMonitorOptions extends Partial<QualityMonitorSettings> {
  clock?: () => number;
  logger?: Logger;
  /** Where the quality metrics are registered (the API's metrics registry). */
  registry?: Registry;
  /** Served items remembered for their impressions (a page holds about 165). */
  servedItems?: number;
}

export interface QualityReport {
  /** The hours, oldest first, with their overall figures. */
  hours: {
    hour: number;
    impressions: number;
    takes: number;
    takeRate: number;
    titlesShown: number;
    predictedClickRate: number;
    realisedClickRate: number;
    /** How well p(click) ordered the hour's impressions by whether they were taken (0.5: not at all). */
    clickAuc: number;
  }[];
  window: WindowTally;
  baseline: WindowTally;
  /** Anomalies of the most recent evaluation (empty when the window is healthy or too small). */
  alerts: Anomaly[];
  /** Impressions whose page this replica did not serve (another replica's, or expired). */
  unattributed: number;
}

/**
 * Watches recommendation quality from the events the API receives: each impression is matched
 * to the page this replica served (request id, row, position), so it can be counted by row kind,
 * candidate source, position, exploration slot and artwork choice; a play of the title soon
 * after takes it. Hourly tallies feed metrics, the admin report and anomaly checks: a fall of a
 * take rate or a drift of calibration against the trailing baseline raises an alert (a metric
 * and a warn log line naming what moved and by how much).
 */
export class QualityMonitor {
  private readonly clock: () => number;
  private readonly logger?: Logger;
  private readonly thresholds: AnomalyThresholds;
  private readonly windowHours: number;
  private readonly baselineHours: number;
  private readonly metrics?: QualityMetrics;
  private readonly served: LRUCache<string, ServedPage>;
  private readonly keySets = new KeySets();
  private readonly keysByCode = new Map<number, readonly string[]>();
  private readonly codes = new Map<string, number>();
  /** The latest impression of each profile and title heard of (here or relayed), as far as it is counted here. */
  private readonly pending = new LRUCache<string, Pending>({ max: 200_000 });
  private readonly hours = new Map<number, HourTally>();
  /** By dimension, then value: looked up without building the joined string (five keys per item of every page served). */
  private readonly keyNames = new Map<string, Map<string, string>>();
  private unattributed = 0;
  private lastEvaluated = -Infinity;
  private alerts: Anomaly[] = [];

  constructor(o: QualityMonitorOptions = {}) {
    this.clock = o.clock ?? Date.now;
    this.logger = o.logger;
    this.thresholds = o.thresholds ?? DEFAULT_MONITORING.thresholds;
    this.windowHours = o.windowHours ?? DEFAULT_MONITORING.windowHours;
    this.baselineHours = o.baselineHours ?? DEFAULT_MONITORING.baselineHours;
    this.metrics = o.registry ? new QualityMetrics(o.registry) : undefined;
    this.served = new LRUCache({ maxSize: o.servedItems ?? 300_000, sizeCalculation: (page) => Math.max(1, page.size) });
  }

  /** Remembers what a page showed where, for the impressions that will name it. */
  pageServed(page: HomepageResult): void {
    const items: Parameters<typeof ServedPage.of>[0][number][] = [];
    for (const row of page.rows)
      for (const item of row.items)
        items.push({
          rowIndex: row.position,
          position: item.position,
          item: { titleId: item.titleId, keys: this.keysOf(row.kind, item), pClick: item.heads?.click },
        });
    this.served.set(page.requestId, ServedPage.of(items));
  }

  /**
   * An item's dimension keys, found by one number for its combination (row kind, sources,
   * position band, slot, artwork choice): no array is built for a combination seen before, and
   * every item of every page served has one.
   */
  private keysOf(rowKind: string, item: HomepageItem): readonly string[] {
    let sources = 0;
    for (const s of item.sources) sources |= 1 << CANDIDATE_SOURCES.indexOf(s);
    const slot = item.explorationBonus > 0 ? 1 : 0;
    const band = positionBand(item.position);
    const code =
      (((this.codeOf(rowKind) * SOURCE_SETS + sources) * POSITION_BANDS.length + band) * 2 + slot) * 1024 + this.codeOf(item.artworkKind);
    let keys = this.keysByCode.get(code);
    if (!keys) {
      keys = this.keySets.shared([
        this.key('row_kind', rowKind),
        ...item.sources.map((s) => this.key('source', s)),
        this.key('position', POSITION_BANDS[band]),
        this.key('slot', slot ? 'exploration' : 'exploitation'),
        this.key('artwork', item.artworkKind),
      ]);
      this.keysByCode.set(code, keys);
    }
    return keys;
  }

  /** A small number for each row kind and artwork choice (a few dozen values in all). */
  private codeOf(value: string): number {
    let code = this.codes.get(value);
    if (code === undefined) this.codes.set(value, (code = this.codes.size));
    return code;
  }

  /** Impressions the store accepted: counted in the current hour under the served item's dimensions. */
  impressionsAccepted(events: readonly ImpressionEvent[]): void {
    const now = this.clock();
    const tally = this.hourAt(now);
    for (const e of events) {
      const item = this.servedItem(e);
      tally.overall.shown++;
      tally.titles.add(e.titleId);
      this.metrics?.shown('overall');
      if (!item) {
        this.unattributed++;
        this.pending.set(pendingKey(e.profileId, e.titleId), { at: now, tally, overall: true, keys: [], taken: false });
        continue;
      }
      this.pending.set(pendingKey(e.profileId, e.titleId), this.attribute(item, tally, now, true));
    }
    this.evaluate(now);
  }

  /**
   * Impressions another replica accepted (relayed to this one): those of pages this replica served
   * are counted here under their dimensions, where the page is remembered. The receiving replica
   * counted them overall, as impressions of a page it did not serve; together the replicas count
   * each impression once overall and once under its dimensions. Each also replaces what this
   * replica held for an earlier impression of the title: a play takes the latest one only. Events
   * older than the take window (a backlog relayed after an outage) are left out.
   */
  impressionsElsewhere(events: readonly ImpressionEvent[]): void {
    const now = this.clock();
    const tally = this.hourAt(now);
    for (const e of this.recent(events, now)) {
      const key = pendingKey(e.profileId, e.titleId);
      const item = this.servedItem(e);
      if (item) this.pending.set(key, this.attribute(item, tally, now, false));
      else this.pending.delete(key);
    }
    this.evaluate(now);
  }

  /** Plays the store accepted: each takes the latest impression of its title by its profile, once, within the window. */
  playsAccepted(events: readonly PlaybackEvent[]): void {
    const now = this.clock();
    for (const e of events) this.take(this.pending.get(pendingKey(e.profileId, e.titleId)), now);
    this.evaluate(now);
  }

  /**
   * Plays another replica accepted: they take the impressions counted here (every replica hears
   * every play, wherever the impression was received). Plays older than the take window are left out.
   */
  playsElsewhere(events: readonly PlaybackEvent[]): void {
    this.playsAccepted(this.recent(events, this.clock()));
  }

  /** The item this replica served in the slot the impression names, if it holds the impression's title. */
  private servedItem(e: ImpressionEvent): ServedItem | undefined {
    const item = this.served.get(e.requestId)?.item(e.rowIndex, e.position);
    return item?.titleId === e.titleId ? item : undefined;
  }

  private recent<E extends { occurredAt: number }>(events: readonly E[], now: number): readonly E[] {
    return events.filter((e) => now - e.occurredAt <= MONITOR_TAKE_WINDOW_MS);
  }

  /** Counts an impression of a served item under its dimensions (and its p(click)); what its play will take. */
  private attribute(item: ServedItem, tally: HourTally, now: number, overall: boolean): Pending {
    for (const key of item.keys) {
      const t = tally.byDimension.get(key) ?? { shown: 0, taken: 0 };
      t.shown++;
      tally.byDimension.set(key, t);
      this.metrics?.shown(key);
    }
    if (item.pClick !== undefined) {
      tally.calibration.shown++;
      tally.calibration.predicted += item.pClick;
      tally.calibration.shownByBand[bandOf(item.pClick)]++;
    }
    return { at: now, tally, overall, keys: item.keys, pClick: item.pClick, taken: false };
  }

  private take(p: Pending | undefined, now: number): void {
    if (!p || p.taken || now - p.at > MONITOR_TAKE_WINDOW_MS) return;
    p.taken = true;
    if (p.overall) {
      p.tally.overall.taken++;
      this.metrics?.taken('overall');
    }
    for (const key of p.keys) {
      p.tally.byDimension.get(key)!.taken++;
      this.metrics?.taken(key);
    }
    if (p.pClick !== undefined) {
      p.tally.calibration.taken++;
      p.tally.calibration.takenByBand[bandOf(p.pClick)]++;
    }
  }

  /** The last `hours` hours and the current evaluation (evaluated afresh). */
  report(hours = this.windowHours + this.baselineHours): QualityReport {
    const now = this.clock();
    this.evaluate(now, true);
    const { window, baseline } = this.windows(now);
    const current = Math.floor(now / HOUR_MS) * HOUR_MS;
    const shown = [...this.hours.values()].filter((h) => h.hour > current - hours * HOUR_MS).sort((a, b) => a.hour - b.hour);
    return {
      hours: shown.map((h) => ({
        hour: h.hour,
        impressions: h.overall.shown,
        takes: h.overall.taken,
        takeRate: h.overall.shown > 0 ? h.overall.taken / h.overall.shown : 0,
        titlesShown: h.titles.size,
        predictedClickRate: h.calibration.shown > 0 ? h.calibration.predicted / h.calibration.shown : 0,
        realisedClickRate: h.calibration.shown > 0 ? h.calibration.taken / h.calibration.shown : 0,
        clickAuc: clickAuc(h.calibration).auc,
      })),
      window,
      baseline,
      alerts: this.alerts,
      unattributed: this.unattributed,
    };
  }

  /**
   * The window: the latest complete hours whose takes are all in (an hour is settled one take
   * window after it ends); the baseline: the hours before it.
   */
  private windows(now: number): { window: WindowTally; baseline: WindowTally; end: number } {
    const end = settledEnd(now);
    const between = (from: number, to: number) => [...this.hours.values()].filter((h) => h.hour >= from && h.hour < to);
    const start = end - this.windowHours * HOUR_MS;
    return {
      window: sumHours(between(start, end)),
      baseline: sumHours(between(start - this.baselineHours * HOUR_MS, start)),
      end,
    };
  }

  /** Checks once per settled hour (or when asked): alerts are logged when they first fire. */
  private evaluate(now: number, force = false): void {
    // Called on every event batch: nothing is summed until another hour has settled.
    if (!force && settledEnd(now) === this.lastEvaluated) return;
    const { window, baseline, end } = this.windows(now);
    this.lastEvaluated = end;
    const before = new Set(this.alerts.map(alertName));
    this.alerts = findAnomalies(window, baseline, this.thresholds);
    this.metrics?.evaluated(window, this.alerts);
    for (const a of this.alerts) {
      if (before.has(alertName(a))) continue;
      this.metrics?.fired(a);
      this.logger?.warn(
        { check: a.check, scope: a.scope, baseline: round(a.baseline), recent: round(a.recent), change: round(a.change), p: a.p },
        `recommendation quality alert: ${describe(a)} over the last ${this.windowHours} h against the ${this.baselineHours} h before`,
      );
    }
    this.forgetBefore(end - (this.windowHours + this.baselineHours + 1) * HOUR_MS);
  }

  private forgetBefore(hour: number): void {
    for (const h of this.hours.keys()) if (h < hour) this.hours.delete(h);
  }

  private hourAt(now: number): HourTally {
    const hour = Math.floor(now / HOUR_MS) * HOUR_MS;
    let tally = this.hours.get(hour);
    if (!tally) this.hours.set(hour, (tally = emptyHour(hour)));
    return tally;
  }

  /** One string per dimension value, shared by every item that has it. */
  private key(dimension: string, value: string): string {
    let values = this.keyNames.get(dimension);
    if (!values) this.keyNames.set(dimension, (values = new Map()));
    let shared = values.get(value);
    if (!shared) values.set(value, (shared = `${dimension}=${value}`));
    return shared;
  }
}

/** The end of the latest settled hour: one take window after it ended, its takes are all in. */
function settledEnd(now: number): number {
  return Math.floor((now - MONITOR_TAKE_WINDOW_MS) / HOUR_MS) * HOUR_MS;
}

function pendingKey(profileId: string, titleId: string): string {
  return `${profileId}\u0000${titleId}`;
}

/** Item positions in a row, in the bands a viewer sees them: first, the rest of the first screen, and beyond. */
const POSITION_BANDS = ['1', '2-3', '4-6', '7-10', '11+'] as const;
const positionBand = (position: number) => (position === 0 ? 0 : position < 3 ? 1 : position < 6 ? 2 : position < 10 ? 3 : 4);
/** Every set of candidate sources, as a bit each. */
const SOURCE_SETS = 2 ** CANDIDATE_SOURCES.length;

function alertName(a: Anomaly): string {
  return `${a.check}:${a.scope}`;
}

function describe(a: Anomaly): string {
  const pct = `${Math.abs(Math.round(a.change * 100))}%`;
  const moved = `(${round(a.baseline)} → ${round(a.recent)})`;
  switch (a.check) {
    case 'take_rate':
      return `take rate ${a.scope === 'overall' ? '' : `for ${a.scope} `}fell ${pct} ${moved}`;
    case 'calibration':
      return `calibration of p(click) (realised / predicted takes) moved ${a.change < 0 ? 'down' : 'up'} ${pct} ${moved}`;
    case 'click_auc':
      return `p(click) orders impressions worse: AUC fell from ${round(a.baseline)} to ${round(a.recent)}`;
  }
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
