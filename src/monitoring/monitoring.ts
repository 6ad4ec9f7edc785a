import type { ImpressionEvent, PlaybackEvent, RecordOutcome } from '../domain/types';
import type { HomepageObserver } from '../homepage/homepage-observer';
import type { Logger } from '../shared/logger';
import { ApiMetrics } from './metrics';
import { QualityMonitor, type QualityMonitorSettings } from './quality-monitor';

export interface MonitoringOptions {
  clock?: () => number;
  logger?: Logger;
  /** Window, baseline and thresholds of the quality checks (MONITOR_* settings). */
  quality?: QualityMonitorSettings;
}

/** One replica's metrics registry and quality monitor, and the hooks the services report through. */
export class Monitoring {
  readonly metrics = new ApiMetrics();
  readonly quality: QualityMonitor;

  constructor(o: MonitoringOptions = {}) {
    this.metrics.sources.clock = o.clock ?? Date.now;
    this.quality = new QualityMonitor({ ...o.quality, clock: o.clock, logger: o.logger, registry: this.metrics.registry });
  }

  /** What the homepage service reports: stage timings, candidates by source, cache lookups, the pages it served. */
  homepageObserver(): HomepageObserver {
    const { metrics, quality } = this;
    return {
      stage: (stage, ms) => metrics.stageDuration.observe({ stage }, ms / 1000),
      candidates(candidates) {
        const bySource = new Map<string, number>();
        for (const c of candidates) for (const source of c.sources.keys()) bySource.set(source, (bySource.get(source) ?? 0) + 1);
        for (const [source, n] of bySource) metrics.candidates.observe({ source }, n);
      },
      cacheLookup: (hit) => metrics.cacheLookups.inc({ result: hit ? 'hit' : 'miss' }),
      served: (page) => quality.pageServed(page),
    };
  }

  playsRecorded(outcome: RecordOutcome<PlaybackEvent>): void {
    this.countEvents('playback', outcome);
    this.quality.playsAccepted(outcome.acceptedEvents);
  }

  impressionsRecorded(outcome: RecordOutcome<ImpressionEvent>): void {
    this.countEvents('impression', outcome);
    this.quality.impressionsAccepted(outcome.acceptedEvents);
  }

  private countEvents(kind: string, outcome: RecordOutcome): void {
    if (outcome.accepted > 0) this.metrics.eventsWritten.inc({ kind, result: 'accepted' }, outcome.accepted);
    if (outcome.duplicates > 0) this.metrics.eventsWritten.inc({ kind, result: 'duplicate' }, outcome.duplicates);
  }
}
