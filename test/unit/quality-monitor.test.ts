import { findAnomalies } from '../../src/monitoring/anomaly-checks';
import { bandOf, clickAuc, emptyHour, sumHours, type HourTally } from '../../src/monitoring/hourly-tally';
import { QualityMonitor } from '../../src/monitoring/quality-monitor';
import { KeySets, ServedPage } from '../../src/monitoring/served-page';
import type { HomepageResult } from '../../src/homepage/homepage-service';
import type { ImpressionEvent, PlaybackEvent } from '../../src/domain/types';
import { HOUR_MS, MINUTE_MS } from '../../src/shared/time';

const T0 = Date.UTC(2026, 10, 2, 12);

/** An hour in which `shown` impressions with p(click) `p` were shown and `taken` of them taken. */
function hour(at: number, shown: number, taken: number, p = 0.1, takenP = p): HourTally {
  const h = emptyHour(at);
  h.overall = { shown, taken };
  h.byDimension.set('row_kind=TOP_PICKS', { shown, taken });
  h.calibration.shown = shown;
  h.calibration.predicted = shown * p;
  h.calibration.taken = taken;
  h.calibration.shownByBand[bandOf(p)] += shown - taken;
  h.calibration.shownByBand[bandOf(takenP)] += taken;
  h.calibration.takenByBand[bandOf(takenP)] += taken;
  return h;
}

describe('a served page as the monitor keeps it', () => {
  it('finds each item by row index and position, in any order given, and nothing elsewhere', () => {
    const sets = new KeySets();
    const keysA = sets.shared(['row_kind=TOP_PICKS', 'source=ALS', 'slot=exploitation']);
    const keysB = sets.shared(['row_kind=TRENDING', 'source=TRENDING', 'slot=exploration']);
    const page = ServedPage.of([
      { rowIndex: 1, position: 0, item: { titleId: 't9', keys: keysB } },
      { rowIndex: 0, position: 1, item: { titleId: 't2', keys: keysA, pClick: 0.25 } },
      { rowIndex: 0, position: 0, item: { titleId: 't1', keys: keysA, pClick: 0.5 } },
    ]);
    expect(page.size).toBe(3);
    expect(page.item(0, 0)).toEqual({ titleId: 't1', keys: keysA, pClick: 0.5 });
    expect(page.item(0, 1)).toEqual({ titleId: 't2', keys: keysA, pClick: 0.25 });
    expect(page.item(1, 0)).toEqual({ titleId: 't9', keys: keysB });
    expect(page.item(1, 1)).toBeUndefined();
    expect(page.item(2, 0)).toBeUndefined();
  });

  it('shares one array per combination of keys', () => {
    const sets = new KeySets();
    const a = sets.shared(['row_kind=TOP_PICKS', 'source=ALS']);
    expect(sets.shared(['row_kind=TOP_PICKS', 'source=ALS'])).toBe(a);
    expect(sets.shared(['row_kind=TOP_PICKS', 'source=ALS', 'source=CONTENT'])).not.toBe(a);
    expect(sets.shared(['row_kind=TOP_PICKS'])).toEqual(['row_kind=TOP_PICKS']);
  });
});

describe('anomaly checks', () => {
  const baseline = sumHours([hour(T0, 4000, 400, 0.1, 0.3), hour(T0 + HOUR_MS, 4000, 400, 0.1, 0.3)]);

  it('fires on a take rate that fell past the threshold, overall and per dimension', () => {
    const anomalies = findAnomalies(sumHours([hour(T0 + 2 * HOUR_MS, 2000, 100, 0.1, 0.3)]), baseline);
    const scopes = anomalies.filter((a) => a.check === 'take_rate').map((a) => a.scope);
    expect(scopes).toEqual(['overall', 'row_kind=TOP_PICKS']);
    expect(anomalies[0].change).toBeCloseTo(-0.5, 5);
  });

  it('stays quiet on noise, on small falls and on too little traffic', () => {
    expect(findAnomalies(sumHours([hour(T0, 2000, 190, 0.1, 0.3)]), baseline)).toEqual([]);
    expect(findAnomalies(sumHours([hour(T0, 2000, 170, 0.1, 0.3)]), baseline)).toEqual([]); // −15%: under the 25% threshold
    expect(findAnomalies(sumHours([hour(T0, 100, 2, 0.1, 0.3)]), baseline)).toEqual([]); // under minImpressions
  });

  it('fires on calibration drift and on an AUC that fell', () => {
    // Same take rate, but the ranker now predicts 0.3 for everything: realised / predicted fell by two thirds.
    const drifted = findAnomalies(sumHours([hour(T0, 4000, 400, 0.3, 0.3)]), baseline);
    expect(drifted.map((a) => a.check)).toContain('calibration');
    // Same rates, but the taken impressions no longer had the higher predictions.
    const blind = findAnomalies(sumHours([hour(T0, 4000, 400, 0.1, 0.1)]), baseline);
    expect(blind.map((a) => a.check)).toEqual(['click_auc']);
    expect(blind[0].baseline).toBeCloseTo(1, 5);
    expect(blind[0].recent).toBeCloseTo(0.5, 5);
  });

  it('computes the AUC from bands with ties counted half', () => {
    expect(clickAuc(hour(T0, 100, 10, 0.1, 0.9).calibration).auc).toBe(1);
    expect(clickAuc(hour(T0, 100, 10, 0.5, 0.5).calibration).auc).toBe(0.5);
  });
});

describe('quality monitor', () => {
  let now = T0;
  const page: HomepageResult = {
    requestId: 'req-1',
    profile: { id: 'p1' } as HomepageResult['profile'],
    context: {} as HomepageResult['context'],
    modelVersion: 'v1',
    experiments: [],
    rows: [
      {
        id: 'top',
        kind: 'TOP_PICKS',
        displayTitle: 'Top Picks',
        reason: '',
        score: 1,
        position: 0,
        items: ['t1', 't2'].map((titleId, position) => ({
          titleId,
          position,
          artworkId: `${titleId}-a`,
          artworkReason: '',
          artworkKind: 'variant',
          reason: '',
          sources: ['COLLABORATIVE'],
          sourceScores: new Map(),
          utility: 1,
          heads: { click: 0.2, finish: 0.5, ret: 0.5 },
          explorationBonus: position === 1 ? 0.1 : 0,
          experiments: [],
        })),
      },
    ],
  };
  const impression = (titleId: string, position: number, requestId = 'req-1'): ImpressionEvent => ({
    eventId: `${requestId}-${titleId}`,
    profileId: 'p1',
    titleId,
    artworkId: `${titleId}-a`,
    occurredAt: now,
    device: 'TV',
    localHour: 20,
    localWeekday: 0,
    requestId,
    rowIndex: 0,
    position,
    sessionId: null,
  });
  const play = (titleId: string): PlaybackEvent => ({
    eventId: `play-${titleId}-${now}`,
    profileId: 'p1',
    titleId,
    occurredAt: now,
    progress: 0.1,
    device: 'TV',
    sessionId: null,
  });

  it('counts impressions under the served item, a play within 30 minutes as a take once, and unknown pages apart', () => {
    const monitor = new QualityMonitor({ clock: () => now });
    monitor.pageServed(page);
    monitor.impressionsAccepted([impression('t1', 0), impression('t2', 1), impression('t9', 0, 'someone-elses')]);
    now += 10 * MINUTE_MS;
    monitor.playsAccepted([play('t1'), play('t1')]);
    now += 40 * MINUTE_MS;
    monitor.playsAccepted([play('t2')]); // too late to take t2's impression
    const report = monitor.report(2);
    const [h] = report.hours;
    expect(h).toMatchObject({ impressions: 3, takes: 1, titlesShown: 3 });
    expect(h.predictedClickRate).toBeCloseTo(0.2, 6);
    expect(h.realisedClickRate).toBeCloseTo(0.5, 6);
    expect(report.unattributed).toBe(1);
    now += 2 * HOUR_MS;
    const window = monitor.report().window;
    expect(window.byDimension.get('row_kind=TOP_PICKS')).toEqual({ shown: 2, taken: 1 });
    expect(window.byDimension.get('slot=exploration')).toEqual({ shown: 1, taken: 0 });
    expect(window.byDimension.get('position=1')).toEqual({ shown: 1, taken: 1 });
    expect(window.byDimension.get('artwork=variant')).toEqual({ shown: 2, taken: 1 });
  });

  it('between two replicas counts each impression once overall, where received, and once under its dimensions, where its page was served', () => {
    // Replica A served the page; the impressions and the play reach B (another connection), and B's changes are relayed to A.
    const a = new QualityMonitor({ clock: () => now });
    const b = new QualityMonitor({ clock: () => now });
    a.pageServed(page);
    const shown = [impression('t1', 0), impression('t2', 1)];
    b.impressionsAccepted(shown);
    a.impressionsElsewhere(shown);
    now += 10 * MINUTE_MS;
    const plays = [play('t1')];
    b.playsAccepted(plays);
    a.playsElsewhere(plays);
    const [atA] = a.report(2).hours;
    const [atB] = b.report(2).hours;
    expect([atA?.impressions ?? 0, atB.impressions]).toEqual([0, 2]);
    expect([atA?.takes ?? 0, atB.takes]).toEqual([0, 1]);
    expect(b.report().unattributed).toBe(2);
    // The page's dimensions and p(click) are counted where it was served, with the take relayed from B.
    expect(atA.predictedClickRate).toBeCloseTo(0.2, 6);
    expect(atA.realisedClickRate).toBeCloseTo(0.5, 6);
    now += 2 * HOUR_MS;
    expect(a.report().window.byDimension.get('row_kind=TOP_PICKS')).toEqual({ shown: 2, taken: 1 });
    expect(b.report().window.byDimension.size).toBe(0);
  });

  it('takes only the latest impression of a title across replicas: one take overall and one under its dimensions for one play', () => {
    const a = new QualityMonitor({ clock: () => now });
    const b = new QualityMonitor({ clock: () => now });
    // A served both pages; the first page's impression reached A, the second page's, later, reached B.
    a.pageServed(page);
    a.pageServed({ ...page, requestId: 'req-2' });
    const first = [impression('t1', 0)];
    a.impressionsAccepted(first);
    b.impressionsElsewhere(first);
    now += MINUTE_MS;
    const second = [{ ...impression('t1', 0, 'req-2'), occurredAt: now }];
    b.impressionsAccepted(second);
    a.impressionsElsewhere(second);
    now += MINUTE_MS;
    const plays = [play('t1')];
    a.playsAccepted(plays);
    b.playsElsewhere(plays);
    const takes = (m: QualityMonitor) => m.report(2).hours.reduce((n, h) => n + h.takes, 0);
    expect(takes(a) + takes(b)).toBe(1);
    now += 2 * HOUR_MS;
    expect(a.report().window.byDimension.get('row_kind=TOP_PICKS')).toEqual({ shown: 2, taken: 1 });
  });

  it('leaves out relayed events older than the take window (a backlog after an outage)', () => {
    const a = new QualityMonitor({ clock: () => now });
    a.pageServed(page);
    const old = [{ ...impression('t1', 0), occurredAt: now - 31 * MINUTE_MS }];
    a.impressionsElsewhere(old);
    now += 2 * HOUR_MS;
    expect(a.report().window.byDimension.size).toBe(0);
  });
});
