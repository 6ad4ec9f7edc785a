import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../src/shared/paths';
import { loadEvalDataset } from '../../src/eval/datasets';
import { evaluate } from '../../src/eval/evaluate';
import { ndcgAt, recallAt } from '../../src/eval/metrics';
import { splitByTime } from '../../src/training/split';
import { CANDIDATE_SOURCES } from '../../src/pipeline/candidates';
import { playback } from '../support/fixture-data';
import { DEFAULT_ALS } from '../../src/retrieval/als';
import { DEFAULT_FEEDBACK } from '../../src/retrieval/implicit-feedback';
import { DEFAULT_ITEM_MODEL } from '../../src/retrieval/item-model';
import { tuneFusion } from '../../src/eval/tune-fusion';
import { candidateRecall } from '../../src/eval/candidate-recall';
import { validationSplit } from '../../src/eval/validation';
import { validationSet } from '../../src/eval/tune-item-models';

describe('offline evaluation', () => {
  it('computes NDCG and recall with binary relevance', () => {
    expect(ndcgAt(['a', 'b', 'c'], new Set(['a']), 10)).toBe(1);
    expect(ndcgAt(['x', 'a'], new Set(['a']), 10)).toBeCloseTo(1 / Math.log2(3), 10);
    expect(ndcgAt(['x', 'y'], new Set(['a']), 10)).toBe(0);
    expect(recallAt(['a', 'x', 'b'], new Set(['a', 'b', 'c', 'd']), 2)).toBe(0.25);
  });

  it("holds out each profile's last 20% of titles by first interaction, with all their events", () => {
    const events = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].flatMap((day) => [
      playback(`e${day}`, 'p', `t${day}`, day, 1),
      playback(`r${day}`, 'p', `t${day}`, day + 20, 1),
    ]);
    events.push(playback('q1', 'q', 't1', 1, 1), playback('q2', 'q', 't2', 2, 1));
    const split = splitByTime(events);
    expect(split.test).toEqual([{ profileId: 'p', titles: new Set(['t9', 't10']) }]);
    expect(split.train.some((e) => e.titleId === 't9' && e.profileId === 'p')).toBe(false);
    expect(split.train.filter((e) => e.profileId === 'q')).toHaveLength(2);
  });

  it('scores every method and source on the small world, ALS ahead of popularity and the sources adding up', async () => {
    const report = await evaluate(await loadEvalDataset({ dataset: 'world', size: 'small', seed: 7 }), undefined, false);
    for (const m of ['popularity', 'als', 'ease', 'rp3beta', 'itemknn', 'two-stage'])
      expect(report.methods[m].profiles).toBe(report.protocol.testProfiles);
    expect(report.methods.als['ndcg@10']).toBeGreaterThan(report.methods.popularity['ndcg@10']);
    // The ranker learned from both kinds of rows, and each head separates its classes on held-out rows.
    expect(report.ranker.rows.impressions).toBeGreaterThan(1000);
    expect(report.ranker.rows.laterPlays).toBeGreaterThan(100);
    for (const head of ['click', 'finish', 'ret'] as const) expect(report.ranker.heads.impressions![head].auc).toBeGreaterThan(0.6);
    expect(report.utility).toHaveLength(12);
    // 300 fused places beside the sources' floors.
    expect(report.candidates.union['mean candidates']).toBeGreaterThan(report.candidates.floors['mean candidates']);
    expect(report.candidates.union['mean candidates']).toBeLessThanOrEqual(300 + report.candidates.floors['mean candidates']);
    // Other sources find held-out titles that collaborative's share of the union misses.
    expect(report.candidates.union['recall@300']).toBeGreaterThan(report.candidates.COLLABORATIVE['recall@300']);
    for (const s of CANDIDATE_SOURCES) expect(report.candidates[s]['alone@300']).toBeGreaterThanOrEqual(report.candidates[s]['recall@300']);
  }, 600_000);

  it('runs as `npm run eval` on the ml-100k layout and writes the JSON report', async () => {
    const out = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'eval-')), 'report.json');
    const cli = path.join(projectRoot(), 'dist', 'src', 'eval', 'cli.js');
    const fixture = path.join(projectRoot(), 'test', 'fixtures', 'ml-100k');
    const { stdout } = await promisify(execFile)(process.execPath, [
      cli,
      '--dataset',
      'movielens',
      '--path',
      fixture,
      '--no-tune',
      '--out',
      out,
    ]);
    const report = JSON.parse(await fs.readFile(out, 'utf8'));
    expect(Object.keys(report.methods)).toEqual(['popularity', 'als', 'ease', 'rp3beta', 'itemknn', 'two-stage']);
    expect(report.candidates.union).toHaveProperty('recall@300');
    expect(stdout).toMatch(/method\s+ndcg@10\s+recall@20\s+coverage@20/);
  }, 60_000);

  it('says what is missing and how to fix it when a MovieLens folder is absent, without a stack trace', async () => {
    const cli = path.join(projectRoot(), 'dist', 'src', 'eval', 'cli.js');
    const absent = path.join(os.tmpdir(), 'no-such-movielens-folder');
    const run = promisify(execFile)(process.execPath, [cli, '--dataset', 'movielens', '--path', absent, '--no-tune']);
    await expect(run).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining(`MovieLens folder ${absent} does not exist`) });
    await run.catch((err: { stderr: string }) => expect(err.stderr).not.toMatch(/\n\s+at /));
  }, 60_000);

  it("chooses the union's fusion weights on validation: from the best source alone, only steps that raise validation recall", async () => {
    const d = await loadEvalDataset({ dataset: 'world', size: 'small', seed: 7 });
    const split = splitByTime(d.events);
    const options = { als: DEFAULT_ALS, feedback: DEFAULT_FEEDBACK, itemModel: DEFAULT_ITEM_MODEL };
    const validation = validationSplit({ d, split, v: validationSet(d.titles, split.train), ...options });
    const tuning = await tuneFusion(validation.retrieval, validation.inner);
    const recalls = tuning.steps.map((s) => s['recall@300']);
    expect(recalls[0]).toBe(Math.max(...Object.values(tuning.alone)));
    expect(recalls.length).toBeGreaterThan(1);
    for (let i = 1; i < recalls.length; i++) expect(recalls[i]).toBeGreaterThan(recalls[i - 1]);
    // The union the generator draws with the chosen weights is the one the search scored.
    const inner = { ...validation.inner, test: validation.inner.test.slice(0, 2_000) };
    const drawn = await candidateRecall(validation.retrieval, inner, validation.retrieval.unionWith(tuning.plan));
    expect(drawn['union, validation weights']!['recall@300']).toBeCloseTo(recalls.at(-1)!, 3);
    expect(drawn['union, validation weights']!['mean candidates']).toBeLessThanOrEqual(300 + drawn.floors['mean candidates']);
  }, 600_000);
});
