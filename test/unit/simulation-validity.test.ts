import { LoggingPolicyClient } from '../../src/simulation/logging-policy-client';
import { marginals } from '../../src/simulation/marginals';
import { simulate } from '../../src/simulation/simulator';
import { DAY_MS } from '../../src/shared/time';
import { generateWorld, observable } from '../../src/world/generate';
import { DEFAULT_WORLD_END } from '../../src/world/sizes';

const DAYS = 28;
const maxGap = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i])));

/**
 * The simulator's viewers, served the world's logging policy instead of recommendations, write
 * data like the logged history they continue (src/world/history.ts). Tolerances, for the small
 * world's 60 logged days against 28 simulated ones: take rate per row within 25% (relative),
 * play shares by device within 0.03, by local hour within 0.03, by tenth of progress reached
 * within 0.03, and plays per day within 15%.
 */
describe('simulator validity against the logged history', () => {
  it('reproduces take rate by row, plays by device and hour, the completion distribution and the volume', async () => {
    const generated = generateWorld('small', 7);
    const world = { ...observable(generated), truth: generated.truth };
    const client = new LoggingPolicyClient(world, 1);
    await simulate({ world, client, days: DAYS, seed: 1, start: DEFAULT_WORLD_END });
    const logged = marginals(generated.impressions, generated.playbacks, world);
    const simulated = marginals(client.impressions, client.playbacks, world);

    logged.takeRateByRow.forEach((rate, row) => expect(Math.abs(simulated.takeRateByRow[row] / rate - 1)).toBeLessThan(0.25));
    expect(maxGap(simulated.devices, logged.devices)).toBeLessThan(0.03);
    expect(maxGap(simulated.hours, logged.hours)).toBeLessThan(0.03);
    expect(maxGap(simulated.completion, logged.completion)).toBeLessThan(0.03);
    const times = generated.playbacks.map((p) => p.occurredAt);
    const loggedDays = (Math.max(...times) - Math.min(...times)) / DAY_MS;
    expect(Math.abs(simulated.plays / DAYS / (logged.plays / loggedDays) - 1)).toBeLessThan(0.15);
  });
});
