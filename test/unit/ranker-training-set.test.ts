import { groupBy } from '../../src/shared/group-by';
import { DAY_MS } from '../../src/shared/time';
import type { NeighbourLookup } from '../../src/pipeline/stages';
import { DEFAULT_ALS } from '../../src/retrieval/als';
import { DEFAULT_FEEDBACK } from '../../src/retrieval/implicit-feedback';
import { buildSimilarityGraph } from '../../src/similarity/similarity-graph';
import { impressionsBeforeHeldOut, rankerTrainingSet } from '../../src/training/ranker-training-set';
import { smallWorld } from '../support/app-harness';
import { impression, playback } from '../support/fixture-data';

describe("the ranker's training set on a sample (a first start's bundle)", () => {
  it('replays at most maxRequests requests per replay, drawn from the whole timeline', async () => {
    const world = smallWorld();
    const byTitle = groupBy(buildSimilarityGraph(world.titles, world.playbacks), (e) => e.from);
    const neighbours: NeighbourLookup = async (id, limit) => (byTitle.get(id) ?? []).slice(0, limit);
    const set = await rankerTrainingSet(world, {
      als: DEFAULT_ALS,
      feedback: DEFAULT_FEEDBACK,
      neighbours,
      windowShare: 0.25,
      maxRequests: 40,
      seed: 7,
    });
    // Three carves of later plays and the impressions: four replays.
    expect(set.rows.requests).toBeLessThanOrEqual(4 * 40);
    const laterPlays = [...set.rows.at].filter((_, i) => set.rows.logged[i] === 0);
    // A sample, not the earliest requests: later plays come from the last of the 60 days too.
    expect(Math.max(...laterPlays)).toBeGreaterThan(world.manifest.end - 5 * DAY_MS);
  }, 120_000);

  it('makes each thumbs down a negative: rows of its own at the rating, and never a click', async () => {
    const world = smallWorld();
    const byTitle = groupBy(buildSimilarityGraph(world.titles, world.playbacks), (e) => e.from);
    const neighbours: NeighbourLookup = async (id, limit) => (byTitle.get(id) ?? []).slice(0, limit);
    const options = { als: DEFAULT_ALS, feedback: DEFAULT_FEEDBACK, neighbours, windowShare: 0.25, maxRequests: 400, seed: 7 };
    const down = new Set((world.feedback ?? []).filter((f) => f.rating === 'DOWN').map((f) => `${f.profileId}|${f.titleId}`));
    expect(down.size).toBeGreaterThan(10);
    const rowsOfDown = (rows: Awaited<ReturnType<typeof rankerTrainingSet>>['rows']) =>
      rows.titleIds.flatMap((t, i) => (down.has(`${rows.profileIds[i]}|${t}`) ? [i] : []));
    const [withThumbs, without] = await Promise.all([
      rankerTrainingSet(world, options),
      rankerTrainingSet(world, { ...options, thumbsDown: false }),
    ]);
    const marked = rowsOfDown(withThumbs.rows);
    // The ratings in the impressions' window add logged rows of their own.
    const logged = (rows: typeof withThumbs.rows) => rowsOfDown(rows).filter((i) => rows.logged[i] === 1).length;
    expect(logged(withThumbs.rows)).toBeGreaterThan(logged(without.rows));
    expect(marked.map((i) => withThumbs.rows.labels.click[i])).toEqual(marked.map(() => 0));
    // Without them, some of the same titles were clicks (played, then rated down).
    expect(rowsOfDown(without.rows).some((i) => without.rows.labels.click[i] === 1)).toBe(true);
  }, 240_000);
});

describe('the impressions a replay may know when titles are held out', () => {
  it("cuts each profile's showings of every title at one moment, an hour before its first held-out play", () => {
    const hour = 1 / 24;
    const shown = [
      impression('a-early', 'p', 'held', 1),
      impression('b-early', 'p', 'other', 1),
      // Within the hour before the held-out play: the page it was played from, whatever the title.
      impression('a-late', 'p', 'held', 5 - hour / 2),
      impression('b-late', 'p', 'other', 5 - hour / 2),
      impression('b-after', 'p', 'other', 6),
      // Another profile without held-out titles keeps everything.
      impression('q-late', 'q', 'held', 6),
    ];
    const plays = [playback('play', 'p', 'held', 5, 1), playback('later', 'p', 'held', 7, 1)];
    const kept = impressionsBeforeHeldOut(shown, plays, { test: [{ profileId: 'p', titles: new Set(['held']) }] });
    expect(kept.map((e) => e.eventId)).toEqual(['a-early', 'b-early', 'q-late']);
  });
});
