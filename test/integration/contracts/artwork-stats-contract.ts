import type { Store } from '../../../graph/store';
import type { ImpressionEvent, PlaybackEvent, Title } from '../../../src/domain/types';
import { FIXTURE_START, fixtureData, impression, playback } from '../../support/fixture-data';
import { DAY_MS } from '../../../src/shared/time';

const MIN = 60_000;
const at = (minutes: number) => FIXTURE_START + 4 * DAY_MS + minutes * MIN;

/** An impression of `artwork` (its index among the title's variants) for a2-p1, `minutes` into day 4. */
const shown = (id: string, titleId: string, artwork: number, minutes: number): ImpressionEvent => ({
  ...impression(id, 'a2-p1', titleId, 0),
  artworkId: `${titleId}-a${artwork}`,
  occurredAt: at(minutes),
});
const played = (id: string, titleId: string, minutes: number): PlaybackEvent => ({
  ...playback(id, 'a2-p1', titleId, 0, 0.2),
  occurredAt: at(minutes),
});

const variant = (titleId: string, k: number, shownN: number, taken: number) => ({
  titleId,
  artworkId: `${titleId}-a${k}`,
  shown: shownN,
  taken,
});

/**
 * The artwork bandit's statistics, part of the store contract: seeded by a bulk load, counted
 * and credited by event writes (graph/artwork-stats.ts), kept across a restart. `store` gives the
 * suite's current store (loaded with the fixture); `reopen` restarts it.
 */
export function defineArtworkStatsCases(store: () => Store, reopen: () => Promise<Store>, newTitle: () => Title): void {
  it('seeds artwork statistics from the loaded impressions and plays', async () => {
    // i1 (a1-p1, t1-a1 DRAMATIC) was followed by e1 at the same moment: credited. i2 (a2-p1, t4) was not.
    expect(await store().artworkStats(['t4', 'nope', 't1', 't4'])).toEqual([
      variant('t1', 1, 1, 1),
      variant('t1', 2, 0, 0),
      variant('t1', 3, 0, 0),
      variant('t4', 1, 1, 0),
      variant('t4', 2, 0, 0),
      variant('t4', 3, 0, 0),
    ]);
    expect(await store().artworkStats([])).toEqual([]);
    expect(await store().themeStats('a1-p1')).toEqual([
      { theme: 'DARK', shown: 0, taken: 0, otherShown: 1, otherTaken: 1 },
      { theme: 'DRAMATIC', shown: 1, taken: 1, otherShown: 0, otherTaken: 0 },
      { theme: 'PORTRAIT', shown: 0, taken: 0, otherShown: 1, otherTaken: 1 },
    ]);
    expect(await store().themeStats('a1-p2')).toEqual([]);
  });

  it('credits a play to the latest uncredited impression of its title within the hour before it, once', async () => {
    // Variants of t1 and t3: a1 DRAMATIC, a2 PORTRAIT, a3 DARK.
    await store().recordImpressions([shown('s1', 't3', 2, 0), shown('s2', 't3', 3, 30), shown('s3', 't1', 1, 30)]);
    // p1 credits s2, the latest; p2 (a later report of the same viewing) finds s2 credited and
    // does not fall back to s1; p3 is more than an hour after any impression of t3.
    await store().recordPlayback([played('p2', 't3', 45), played('p1', 't3', 31), played('p3', 't3', 180)]);
    // The window's end is inclusive: exactly an hour after s4.
    await store().recordImpressions([shown('s4', 't3', 1, 300)]);
    await store().recordPlayback([played('p4', 't3', 360)]);
    // An impression reported after its play is not credited by it, but a later play credits it.
    await store().recordPlayback([played('p5', 't1', 480)]);
    await store().recordImpressions([shown('s5', 't1', 2, 470)]);
    await store().recordPlayback([played('p6', 't1', 490)]);
    // Duplicates count nothing.
    await store().recordImpressions([shown('s2', 't3', 3, 30), shown('s4', 't3', 1, 300)]);
    await store().recordPlayback([played('p1', 't3', 31), played('p6', 't1', 490)]);
    const check = async () => {
      expect(await store().artworkStats(['t3', 't1'])).toEqual([
        variant('t1', 1, 2, 1),
        variant('t1', 2, 1, 1),
        variant('t1', 3, 0, 0),
        variant('t3', 1, 1, 1),
        variant('t3', 2, 1, 0),
        variant('t3', 3, 1, 1),
      ]);
      // a2-p1's impressions: i2 (t4, DRAMATIC), s1 PORTRAIT, s2 DARK*, s3 DRAMATIC, s4 DRAMATIC*, s5 PORTRAIT* (* credited);
      // every title has all three themes, so each impression is "other" for the two themes it was not shown with.
      expect(await store().themeStats('a2-p1')).toEqual([
        { theme: 'DARK', shown: 1, taken: 1, otherShown: 5, otherTaken: 2 },
        { theme: 'DRAMATIC', shown: 3, taken: 1, otherShown: 3, otherTaken: 2 },
        { theme: 'PORTRAIT', shown: 2, taken: 1, otherShown: 4, otherTaken: 2 },
      ]);
    };
    await check();
    await reopen();
    await check();
  });

  it('gives a new title zero counts, and no theme counts for a title with a single theme', async () => {
    await store().addTitle(newTitle(), []);
    expect(await store().artworkStats(['n1'])).toEqual([variant('n1', 1, 0, 0)]);
    await store().recordImpressions([shown('n-s1', 'n1', 1, 0)]);
    await store().recordPlayback([played('n-p1', 'n1', 1)]);
    expect(await store().artworkStats(['n1'])).toEqual([variant('n1', 1, 1, 1)]);
    expect((await store().themeStats('a2-p1')).map((t) => t.theme)).toEqual(['DARK', 'DRAMATIC', 'PORTRAIT']);
    expect((await store().themeStats('a2-p1')).find((t) => t.theme === 'DARK')).toEqual({
      theme: 'DARK',
      shown: 0,
      taken: 0,
      otherShown: 1,
      otherTaken: 0,
    });
  });

  it('keeps the experiment variants of an impression', async () => {
    const withExperiments: ImpressionEvent = {
      ...shown('x1', 't1', 2, 10),
      experiments: [
        { experimentId: 'utility-weights', variant: 'finish-heavy' },
        { experimentId: 'rows', variant: 'control' },
      ],
    };
    await store().recordImpressions([withExperiments, shown('x2', 't1', 3, 11)]);
    const check = async () => {
      const got = await store().impressionsSince(at(10));
      expect(got).toStrictEqual([withExperiments, shown('x2', 't1', 3, 11)]);
      expect(fixtureData().impressions.every((e) => !('experiments' in e))).toBe(true);
    };
    await check();
    await reopen();
    await check();
  });
}
