import { Arg, Ctx, Int, Query, Resolver } from 'type-graphql';
import { InvalidInputError } from '../src/domain/errors';
import { clickAuc, takeRate, type WindowTally } from '../src/monitoring/hourly-tally';
import type { QualityMonitor } from '../src/monitoring/quality-monitor';
import type { RequestContext } from '../src/server/context';
import { RecommendationQuality, type QualityWindow } from '../schema/monitoring';

/** Hours of history the monitor keeps at most (MONITOR_BASELINE_HOURS' maximum plus the window's). */
const MAX_HOURS = 384;

/** Recommendation-quality monitoring: admin tokens only. */
@Resolver(() => RecommendationQuality)
export class MonitoringResolver {
  constructor(private readonly quality: QualityMonitor) {}

  @Query(() => RecommendationQuality, {
    description:
      "This replica's recommendation quality, computed from the impressions and plays it received: take rates by row kind, source, position, slot and artwork; coverage; p(click) calibration; the anomaly checks (admin tokens only).",
  })
  recommendationQuality(
    @Ctx() ctx: RequestContext,
    @Arg('hours', () => Int, { nullable: true, description: 'How many recent hours to list (default: window and baseline).' })
    hours?: number | null,
  ): RecommendationQuality {
    ctx.auth.monitoringAdmin();
    if (hours != null && (hours < 1 || hours > MAX_HOURS)) throw new InvalidInputError('hours', `must be between 1 and ${MAX_HOURS}`);
    const r = this.quality.report(hours ?? undefined);
    return {
      window: toWindow(r.window),
      baseline: toWindow(r.baseline),
      hours: r.hours.map((h) => ({ ...h, hour: new Date(h.hour).toISOString() })),
      alerts: r.alerts,
      unattributedImpressions: r.unattributed,
    };
  }
}

function toWindow(w: WindowTally): QualityWindow {
  const c = w.calibration;
  return {
    hours: w.hours,
    impressions: w.overall.shown,
    takes: w.overall.taken,
    takeRate: takeRate(w.overall),
    titlesShown: w.titles,
    predictedClickRate: c.shown > 0 ? c.predicted / c.shown : 0,
    realisedClickRate: c.shown > 0 ? c.taken / c.shown : 0,
    clickAuc: clickAuc(c).auc,
    byDimension: [...w.byDimension]
      .map(([key, t]) => {
        const at = key.indexOf('=');
        return { dimension: key.slice(0, at), value: key.slice(at + 1), impressions: t.shown, takes: t.taken, takeRate: takeRate(t) };
      })
      .sort((a, b) => (a.dimension < b.dimension ? -1 : a.dimension > b.dimension ? 1 : b.impressions - a.impressions)),
  };
}
