import { Counter, Gauge, type Registry } from 'prom-client';
import type { Anomaly } from './anomaly-checks';
import { calibrationRatio, takeRate, type WindowTally } from './hourly-tally';

/**
 * The quality monitor's metrics. `dimension` and `value` come from a fixed vocabulary (row kinds,
 * candidate sources, position bands, slot kinds, artwork choice kinds), so labels stay bounded;
 * `overall` is the dimension of all impressions.
 */
export class QualityMetrics {
  private readonly impressions: Counter<'dimension' | 'value'>;
  private readonly takes: Counter<'dimension' | 'value'>;
  private readonly rate: Gauge<'dimension' | 'value'>;
  private readonly titles: Gauge;
  private readonly calibration: Gauge<'rate'>;
  private readonly alertsFired: Counter<'check' | 'scope'>;
  private readonly alertActive: Gauge<'check' | 'scope'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.impressions = new Counter({
      name: 'recommendation_impressions_total',
      help: "Impressions received, by the served item's dimension (row_kind, source, position, slot, artwork; overall: all).",
      labelNames: ['dimension', 'value'],
      registers,
    });
    this.takes = new Counter({
      name: 'recommendation_takes_total',
      help: 'Impressions taken: a play of the title by the profile within 30 minutes, by the same dimensions.',
      labelNames: ['dimension', 'value'],
      registers,
    });
    this.rate = new Gauge({
      name: 'recommendation_take_rate',
      help: 'Plays per impression over the monitored window (the latest settled hours), by dimension.',
      labelNames: ['dimension', 'value'],
      // Across a cluster's workers (each monitors the pages it served): their mean.
      aggregator: 'average',
      registers,
    });
    this.titles = new Gauge({
      name: 'recommendation_titles_shown',
      help: 'Distinct titles shown over the monitored window (catalog coverage).',
      // Across a cluster's workers: the most any one of them saw (their union is not known; it is at least that).
      aggregator: 'max',
      registers,
    });
    this.calibration = new Gauge({
      name: 'recommendation_click_calibration',
      help: "The ranker's p(click) over the window: predicted and realised take rates of the impressions it predicted, and their ratio.",
      labelNames: ['rate'],
      aggregator: 'average',
      registers,
    });
    this.alertsFired = new Counter({
      name: 'recommendation_alerts_total',
      help: 'Quality alerts raised: a take rate fell or calibration drifted beyond its threshold against the trailing baseline.',
      labelNames: ['check', 'scope'],
      registers,
    });
    this.alertActive = new Gauge({
      name: 'recommendation_alert_active',
      help: 'Quality alerts of the latest evaluation (1 while the anomaly lasts).',
      labelNames: ['check', 'scope'],
      // Across a cluster's workers: raised while any of them sees it.
      aggregator: 'max',
      registers,
    });
  }

  shown(key: string): void {
    this.impressions.inc(labelsOf(key));
  }

  taken(key: string): void {
    this.takes.inc(labelsOf(key));
  }

  fired(a: Anomaly): void {
    this.alertsFired.inc({ check: a.check, scope: a.scope });
  }

  /** The gauges of one evaluation: the window's rates and the alerts that hold now. */
  evaluated(window: WindowTally, alerts: readonly Anomaly[]): void {
    this.rate.reset();
    this.rate.set({ dimension: 'overall', value: 'all' }, takeRate(window.overall));
    for (const [key, tally] of window.byDimension) this.rate.set(labelsOf(key), takeRate(tally));
    this.titles.set(window.titles);
    const c = window.calibration;
    this.calibration.set({ rate: 'predicted' }, c.shown > 0 ? c.predicted / c.shown : 0);
    this.calibration.set({ rate: 'realised' }, c.shown > 0 ? c.taken / c.shown : 0);
    this.calibration.set({ rate: 'ratio' }, calibrationRatio(c));
    this.alertActive.reset();
    for (const a of alerts) this.alertActive.set({ check: a.check, scope: a.scope }, 1);
  }
}

function labelsOf(key: string): { dimension: string; value: string } {
  if (key === 'overall') return { dimension: 'overall', value: 'all' };
  const at = key.indexOf('=');
  return { dimension: key.slice(0, at), value: key.slice(at + 1) };
}
