import { loadConfig } from '../../src/config/config';
import { inProcessHost, type SimulationHost } from '../../src/server/simulation-host';
import { createLogger } from '../../src/shared/logger';
import { DAY_MS } from '../../src/shared/time';
import { simulate } from '../../src/simulation/simulator';
import { summarise } from '../../src/simulation/summary';
import { DEFAULT_WORLD_END } from '../../src/world/sizes';

const START = DEFAULT_WORLD_END;
const DAYS = 5;
const RESULTS = `query R($id: ID!) { experimentResults(id: $id) { variants { name units } sampleRatio { mismatch p }
  metrics { metric variant control treatment difference low high significant } } }`;

interface Metric {
  metric: string;
  control: number;
  treatment: number;
  difference: number;
  low: number;
  high: number;
  significant: boolean;
}

/**
 * A seeded small simulation through the API in process, two experiments on every adult profile
 * (independent layers): an A/A on the artwork lever (both arms the product) and the product's
 * ranker against a random order. The A/A shows no significant difference and no sample-ratio mismatch; the
 * planted effect is found with its sign. The simulator's own count of units agrees with the
 * platform's report.
 */
describe('user simulation (in process, small world)', () => {
  let host: SimulationHost;
  const experiment = (id: string, lever: string, treatment: Record<string, unknown>) => ({
    id,
    description: id,
    hypothesis: id,
    lever,
    unit: 'PROFILE',
    primaryMetric: 'WATCH_MINUTES',
    variants: [
      { name: 'control', weight: 0.5 },
      { name: 'treatment', weight: 0.5, settings: treatment },
    ],
  });

  beforeAll(async () => {
    host = await inProcessHost({ size: 'small', seed: 3, start: START, config: loadConfig({}), logger: createLogger('silent') });
    for (const input of [experiment('a-a', 'ARTWORK', {}), experiment('random-order', 'RANKER', { model: 'RANDOM' })]) {
      await host.asAdmin(`mutation C($input: NewExperimentInput!) { createExperiment(input: $input) { id } }`, { input }, START);
      await host.asAdmin(`mutation S($id: ID!) { startExperiment(id: $id) { id } }`, { id: input.id }, START);
    }
  }, 300_000);
  afterAll(() => host.close());

  it('finds no difference in the A/A and the planted random order with its sign; the tally agrees with the report', async () => {
    const run = () =>
      simulate({
        world: host.world,
        client: host.client,
        days: DAYS,
        seed: 5,
        start: START,
        experiments: [{ id: 'random-order', unit: 'PROFILE' }],
      });
    const tally = await run();
    const end = START + (DAYS + 1) * DAY_MS;
    const results = async (id: string) => (await host.asAdmin<{ experimentResults: any }>(RESULTS, { id }, end)).experimentResults;
    const aa = await results('a-a');
    const planted = await results('random-order');
    const metric = (r: { metrics: Metric[] }, name: string) => r.metrics.find((m) => m.metric === name)!;

    expect(aa.variants.every((v: { units: number }) => v.units >= 40)).toBe(true);
    expect(aa.sampleRatio.mismatch).toBe(false);
    for (const name of ['WATCH_MINUTES', 'PLAYS_PER_PAGE_VIEW', 'FINISH_RATE']) expect(metric(aa, name).significant).toBe(false);

    expect(planted.sampleRatio.mismatch).toBe(false);
    const minutes = metric(planted, 'WATCH_MINUTES');
    expect(minutes.difference).toBeLessThan(0);
    expect(minutes.significant).toBe(true);
    expect(metric(planted, 'PLAYS_PER_PAGE_VIEW').difference).toBeLessThan(0);

    const summary = summarise(tally, DAYS, host.world.titles.length);
    for (const v of planted.variants) {
      const group = summary.groups.find((g) => g.group === v.name)!;
      expect(group.units).toBe(v.units);
    }
    expect(summary.groups.find((g) => g.group === 'treatment')!.watchMinutesPerUnitDay).toBeLessThan(
      summary.groups.find((g) => g.group === 'control')!.watchMinutesPerUnitDay,
    );
  }, 600_000);
});
