import { artworkReplay, wilson } from '../../src/eval/artwork-replay';
import { observable } from '../../src/world/generate';
import { smallWorld } from '../support/app-harness';

describe('artwork replay evaluation (Li et al. 2011)', () => {
  it("replays the small world's random-artwork logs: the bandit takes more than random", () => {
    const world = observable(smallWorld());
    const report = artworkReplay(world.titles, world.impressions, world.playbacks)!;
    expect(Object.keys(report)).toEqual(['bandit', 'random', 'best_single', 'protocol']);
    const { bandit, random, best_single: best } = report;
    // Random is the logging policy: every replayed impression counts for it.
    expect(random.matched).toBe(report.protocol.replayImpressions);
    expect(random.matched + (report.protocol.warmImpressions as number)).toBe(world.impressions.length);
    // With 3-6 variants a title, a policy agrees with the log on about a quarter of the impressions.
    for (const arm of [bandit, best]) {
      expect(arm.matched / random.matched).toBeGreaterThan(0.15);
      expect(arm.matched / random.matched).toBeLessThan(0.35);
    }
    for (const arm of [bandit, random, best]) {
      expect(arm.takeRate).toBeCloseTo(arm.plays / arm.matched, 4);
      expect(arm.ci95[0]).toBeLessThan(arm.takeRate);
      expect(arm.ci95[1]).toBeGreaterThan(arm.takeRate);
    }
    expect(bandit.takeRate).toBeGreaterThan(random.takeRate);
  });

  it('has nothing to replay without impressions', () => {
    const world = observable(smallWorld());
    expect(artworkReplay(world.titles, [], world.playbacks)).toBeNull();
  });

  it('gives Wilson intervals', () => {
    const [lo, hi] = wilson(8, 100);
    expect(lo).toBeCloseTo(0.0411, 3);
    expect(hi).toBeCloseTo(0.15, 3);
    expect(wilson(0, 0)).toEqual([0, 1]);
  });
});
