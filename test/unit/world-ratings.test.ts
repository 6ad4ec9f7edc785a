import { affinity, titleFacts } from '../../src/world/behaviour';
import { generateWorld } from '../../src/world/generate';

describe("the simulated viewers' thumbs", () => {
  const world = generateWorld('small', 7);
  const titles = new Map(world.titles.map((t) => [t.id, t]));
  const liking = (profileId: string, titleId: string) =>
    affinity(world.truth.profiles[profileId], titleFacts(titles.get(titleId)!), world.truth.titles[titleId]);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;

  it('are rare, follow the hidden tastes, and come after what they rate', () => {
    const feedback = world.feedback ?? [];
    const up = feedback.filter((f) => f.rating === 'UP');
    const down = feedback.filter((f) => f.rating === 'DOWN');
    expect(up.length).toBeGreaterThan(20);
    expect(down.length).toBeGreaterThan(10);
    expect(feedback.length).toBeLessThan(world.playbacks.length / 5);
    expect(mean(up.map((f) => liking(f.profileId, f.titleId)))).toBeGreaterThan(mean(down.map((f) => liking(f.profileId, f.titleId))) + 1);
    // Every rating follows a play or a showing of its title to its profile.
    const events = [...world.playbacks, ...world.impressions];
    for (const f of feedback)
      expect(events.some((e) => e.profileId === f.profileId && e.titleId === f.titleId && e.occurredAt <= f.ratedAt!)).toBe(true);
  });

  it('do not change the rest of the world', () => {
    const again = generateWorld('small', 7);
    expect(again.playbacks).toEqual(world.playbacks);
    expect(again.feedback).toEqual(world.feedback);
  });
});
