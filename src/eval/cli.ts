import 'reflect-metadata';
import { Command, Option } from 'commander';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { stageProgress } from '../shared/progress';
import { WORLD_SIZES, type WorldSize } from '../domain/dataset';
import { EVAL_DATASETS, EvalDataError, loadEvalDataset, type EvalDatasetName } from './datasets';
import type { Estimate } from './bootstrap';
import type { SourceRecall } from './candidate-recall';
import { evaluate, type EvalReport } from './evaluate';
import { errorStack } from '../shared/error-message';

/**
 * `npm run eval -- --dataset world|movielens [--path DIR] [--size small|default] [--seed N] --out FILE.json`:
 * the offline evaluation; the report goes to FILE (and stdout as one JSON line), a table to stdout.
 */
async function main(): Promise<void> {
  const opts = new Command('eval')
    .description('Offline evaluation of the recommenders and the candidate stage on held-out interactions.')
    .addOption(new Option('--dataset <name>', 'what to evaluate on').choices(EVAL_DATASETS).default('world'))
    .option(
      '--path <dir>',
      'a world folder (npm run world) or a MovieLens folder (ml-latest-small or ml-100k; default ../shared/data/movielens-small when present)',
    )
    .addOption(new Option('--size <size>', 'size of the generated world').choices(WORLD_SIZES).default('default'))
    .option('--seed <n>', 'seed of the generated world', (v) => Number.parseInt(v, 10), 7)
    .option('--no-tune', 'skip ALS tuning and use the defaults')
    .option('--out <file>', 'write the JSON report here')
    .parse()
    .opts<{ dataset: EvalDatasetName; path?: string; size: WorldSize; seed: number; tune: boolean; out?: string }>();
  const progress = stageProgress();
  const started = Date.now();
  const dataset = await loadEvalDataset({ dataset: opts.dataset, path: opts.path, size: opts.size, seed: opts.seed }, progress.update);
  const report = await evaluate(dataset, progress.update, opts.tune);
  progress.stop();
  if (opts.out) {
    await fs.mkdir(path.dirname(path.resolve(opts.out)), { recursive: true });
    await fs.writeFile(opts.out, `${JSON.stringify(report, null, 2)}\n`);
  }
  process.stdout.write(`${JSON.stringify(report)}\n\n${table(report)}\n(${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}

const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;

function table(r: EvalReport): string {
  const sig = r.significance;
  const tunedUnion = r.candidates['union, validation weights'];
  const diff = (d: EvalReport['significance']['ndcg@10']) =>
    `${d.difference.mean} (${d.difference.ci95[0]}–${d.difference.ci95[1]}), ${pct(d.relative.mean)} (${pct(d.relative.ci95[0])}–${pct(d.relative.ci95[1])})`;
  const rows = [
    ['method', 'ndcg@10', 'recall@20', 'coverage@20'],
    ...Object.entries(r.methods).map(([name, m]) => [name, m['ndcg@10'], m['recall@20'], m['coverage@20']].map(String)),
    [`two-stage − ${sig.baseline} (paired 95%)`, diff(sig['ndcg@10']), diff(sig['recall@20']), ''],
    'note' in r.thumbsDown
      ? ['thumbs-down rows', r.thumbsDown.note, '', '']
      : ['with − without thumbs-down rows (paired 95%)', diff(r.thumbsDown['ndcg@10']), diff(r.thumbsDown['recall@20']), ''],
    [],
    ['candidates', 'recall@300', 'candidates', 'alone@300'],
    ['union', String(r.candidates.union['recall@300']), String(r.candidates.union['mean candidates']), ''],
    ['floors alone', String(r.candidates.floors['recall@300']), String(r.candidates.floors['mean candidates']), ''],
    ...(tunedUnion ? [['union, validation weights', String(tunedUnion['recall@300']), String(tunedUnion['mean candidates']), '']] : []),
    ...Object.entries(r.candidates)
      .filter(([name]) => !name.startsWith('union') && name !== 'floors')
      .map(([name, c]) => {
        const s = c as SourceRecall;
        return [name, s['recall@300'], s.candidates, s['alone@300']].map(String);
      }),
  ];
  rows.push([], ['ranker (held-out rows)', 'auc', 'log-loss', 'rows']);
  for (const [kind, heads] of Object.entries(r.ranker.heads)) {
    for (const [head, m] of Object.entries(heads ?? {})) rows.push([`${kind}: ${head}`, String(m.auc), String(m.logLoss), String(m.rows)]);
  }
  rows.push([], ['utility weights (test, not used to choose)', 'ndcg@10', 'finished', '']);
  for (const u of r.utility)
    rows.push([`${u.weights.click},${u.weights.finish},${u.weights.ret}`, String(u['ndcg@10']), String(u['ndcg@10 finished']), '']);
  rows.push([], ['exposure (whole pages)', 'coverage', 'gini', 'titles shown']);
  const x = r.exposure;
  for (const [name, e] of [
    [`exploration ${x.explorationShare}`, x.withExploration],
    ['no exploration', x.withoutExploration],
    [`first screen, exploration ${x.explorationShare}`, x.firstScreen.withExploration],
    ['first screen, no exploration', x.firstScreen.withoutExploration],
  ] as const) {
    rows.push([name, String(e.coverage), String(e.gini), String(e.titlesShown)]);
  }
  const o1 = r.rowOverlap;
  rows.push(
    [],
    [`row overlap (${o1.pages} pages, ${o1.rows} rows)`, 'mean', 'p90 / p99', 'max'],
    [
      'pair of rows: shared / smaller row',
      String(o1.pairOverlap.mean),
      `${o1.pairOverlap.p90} / ${o1.pairOverlap.p99}`,
      String(o1.pairOverlap.max),
    ],
    [
      'rows per title on a page',
      String(o1.rowsPerTitle.mean),
      `${o1.rowsPerTitle.p90} / ${o1.rowsPerTitle.p99}`,
      String(o1.rowsPerTitle.max),
    ],
  );
  if (!('note' in r.artwork)) {
    rows.push([], ['artwork (replay)', 'take rate', 'matched', '95% interval']);
    for (const [name, arm] of [
      ['bandit', r.artwork.bandit],
      ['random', r.artwork.random],
      ['best_single', r.artwork.best_single],
    ] as const) {
      rows.push([name, String(arm.takeRate), String(arm.matched), `${arm.ci95[0]}–${arm.ci95[1]}`]);
    }
  }
  const o = r.onboarding;
  const est = (e: Estimate) => `${e.mean} (${e.ci95[0]}–${e.ci95[1]})`;
  rows.push(
    [],
    [`onboarding (${o.profiles} of ${o.testProfiles} profiles, ${o.answers.meanPicks} picks)`, 'ndcg@10 (95%)', 'recall@20 (95%)', ''],
  );
  for (const [name, m] of [...Object.entries(o.methods), ...Object.entries(o.paired)])
    rows.push([name, est(m['ndcg@10']), est(m['recall@20']), '']);
  rows.push([], ['training titles (profiles)', 'warm ndcg@10', 'after onboarding', 'warm − after onboarding']);
  for (const b of o.byHistory)
    rows.push([`${b.titles} (${b.profiles})`, String(b.warm), String(b['after onboarding']), est(b['warm − after onboarding'])]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const notes = 'note' in r.artwork ? ['', `artwork replay ${r.artwork.note}`] : [];
  return [
    `${r.dataset}; ALS ${JSON.stringify(r.als.chosen)}`,
    `two-stage: network ${r.pipeline.chosen.shape.shared.join('-')} / ${r.pipeline.chosen.shape.tower.join('-')}, ` +
      `${r.pipeline.chosen.laterPlayShares.length} carve(s), utility ${JSON.stringify(r.pipeline.chosen.weights)} ` +
      `(${r.pipeline.trials.length ? `chosen on validation, ${r.pipeline.trials.length} trials` : 'served defaults'})`,
    `item models: ${(['ease', 'rp3beta', 'itemknn'] as const).map((m) => `${m} ${JSON.stringify(r.itemModels[m].chosen)}`).join('; ')}; the pipeline serves ${r.itemModels.served.method}`,
    `retrieval plan: ${'plan' in r.fusion ? `fusion weights ${JSON.stringify(r.fusion.plan.weights)} (chosen on validation)` : r.fusion.note}`,
    ...rows.map((row) => row.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ')),
    ...notes,
  ].join('\n');
}

main().catch((err) => {
  // Missing or unreadable data is the caller's to fix: say what and how, without a stack trace.
  if (err instanceof EvalDataError) {
    process.stderr.write(`eval: ${err.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`eval: ${errorStack(err)}\n`);
  process.exit(1);
});
