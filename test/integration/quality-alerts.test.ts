import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../src/config/config';
import { FEATURE_COUNT } from '../../src/ranking/features/feature-spec';
import { DEFAULT_SHAPE, MultiTaskModel } from '../../src/ranking/multitask-model';
import { exportOnnx } from '../../src/ranking/onnx-export';
import { inProcessHost, type SimulationHost } from '../../src/server/simulation-host';
import { DAY_MS } from '../../src/shared/time';
import { simulate } from '../../src/simulation/simulator';
import { DEFAULT_WORLD_END } from '../../src/world/sizes';

const START = DEFAULT_WORLD_END;
/** Days per phase: the first builds the baseline, each later one is judged against the days before it. */
const DAYS = 2;

/**
 * Recommendation-quality monitoring on simulated traffic (the user simulator driving the API in
 * process, on a pinned clock): a healthy retrained bundle raises no alert; a bundle whose ranker
 * was exported untrained (initial weights: p(click) near 0.5 and an order unrelated to taste)
 * makes the take rate fall and calibration drift, and the monitor says so in a metric and a warn
 * log line naming what moved.
 */
describe('quality alerts (simulated traffic, small world)', () => {
  let host: SimulationHost;
  const lines: string[] = [];
  const logger = pino(
    { level: 'warn', base: undefined },
    new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  const alertLines = () => lines.map((l) => JSON.parse(l)).filter((l) => /recommendation quality alert/.test(l.msg));
  const phase = (day: number, days = DAYS) =>
    simulate({ world: host.world, client: host.client, days, seed: day, start: START + day * DAY_MS });
  const metrics = async () => (await host.services!.monitoring.metrics.exposition()).body;

  beforeAll(async () => {
    // Whole days in the window and the baseline, so the hours of the day weigh the same in both.
    const config = loadConfig({ MONITOR_WINDOW_HOURS: '24', MONITOR_BASELINE_HOURS: '48' });
    host = await inProcessHost({ size: 'small', seed: 3, start: START, config, logger });
  }, 300_000);
  afterAll(() => host.close());

  it('stays quiet on a healthy bundle and fires when an untrained ranker is served', async () => {
    await phase(0);
    await host.retrain!(START + DAYS * DAY_MS);
    await phase(DAYS);
    const healthy = host.services!.monitoring.quality.report();
    expect(healthy.window.overall.shown).toBeGreaterThan(1000);
    expect(healthy.baseline.overall.shown).toBeGreaterThan(1000);
    expect(healthy.alerts).toEqual([]);
    expect(alertLines()).toEqual([]);
    expect(await metrics()).not.toMatch(/^recommendation_alerts_total\{/m);

    // The same bundle with a ranker exported before training (its initial weights): p(click) is noise.
    const { bundle } = host.services!.models.now;
    const untrained = MultiTaskModel.init({ ...DEFAULT_SHAPE, inputDim: FEATURE_COUNT }, 'never trained');
    await host.services!.models.swap({
      ...bundle,
      manifest: { ...bundle.manifest, version: `${bundle.manifest.version}-untrained` },
      ranker: { onnx: exportOnnx(untrained), spec: bundle.ranker.spec },
    });
    // One day: the window (24 h) then holds the untrained ranker's hours and the baseline the healthy days before.
    await phase(2 * DAYS, 1);

    const broken = host.services!.monitoring.quality.report();
    const fired = broken.alerts.find((a) => a.check === 'click_auc');
    expect(fired).toBeDefined();
    expect(fired!.baseline - fired!.recent).toBeGreaterThan(0.1);
    const text = await metrics();
    // Raised at least once (it may clear and be raised again as further hours settle).
    expect(text).toMatch(/^recommendation_alerts_total\{check="click_auc",scope="overall"\} [1-9]\d*$/m);
    expect(text).toMatch(/^recommendation_alert_active\{check="click_auc",scope="overall"\} 1$/m);
    const logged = alertLines().find((l) => l.check === 'click_auc');
    expect(logged.msg).toMatch(/p\(click\) orders impressions worse: AUC fell from 0\.\d+ to 0\.\d+/);
  }, 900_000);
});
