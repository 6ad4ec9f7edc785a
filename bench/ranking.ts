import 'reflect-metadata';
import { Command, Option } from 'commander';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedStore } from '../graph/embedded/embedded-store';
import { loadDataset } from '../src/catalog/load-dataset';
import { stageProgress } from '../src/shared/progress';
import { WORLD_SIZES, type WorldSize } from '../src/domain/dataset';
import { FEATURE_COUNT, normaliseRows } from '../src/ranking/features/feature-spec';
import { HEADS } from '../src/ranking/multitask-model';
import { OnnxScorer } from '../src/ranking/onnx-scorer';
import { DEFAULT_ALS } from '../src/retrieval/als';
import { DEFAULT_FEEDBACK } from '../src/retrieval/implicit-feedback';
import { createServices } from '../src/server/services';
import { DEFAULT_RANKER_TRAINING } from '../src/models/bundle-options';
import { trainBundle } from '../src/training/train-bundle';
import { firstBundleOptions } from '../src/setup/bootstrap';
import { generateWorld, observable } from '../src/world/generate';
import { percentiles, printReport, type Measurement } from './report';
import { errorStack } from '../src/shared/error-message';

/** Requests run through every step, untimed, before timing starts (JIT, onnxruntime, caches). */
const WARMUP = 20;

/**
 * `npm run bench -- ranking [--size small|default] [--requests N] [--first-bundle]`: the trained
 * ranker, offline and online, on the generated world of `--size`.
 *
 * Training: one whole model bundle (`trainBundle`, default options, or with `--first-bundle` those
 * of a first start: FIRST_BUNDLE_MAX_REQUESTS) on the world loaded into an embedded store: the
 * total, and each progress stage ('Training ALS for the ranker (1 of 4)', 'Building the HNSW
 * index …', 'Replaying history …', 'Training the ranker', 'Training ALS', ...). ALS trains on a
 * second thread ahead of its use, so an ALS stage is the time the main thread waited for it. A
 * stage reports only after its first unit of work (the first ALS iteration, the first 200
 * replayed requests, the first epoch), so a stage is timed from the previous callback of any
 * stage (where it began, set-up included) to its own last callback. Then,
 * from the manifest: ranker-row building as replayed requests per second, ranker training seconds
 * (with rows and epochs), ALS (on its thread) and HNSW of the serving model, and the validation
 * AUC of each head.
 *
 * Serving: for `--requests` profiles on a TV, the candidates of a homepage (about 300, generated
 * untimed), then, timed separately: feature assembly (FeatureStore.rows), the whole ranker
 * (ModelRanker.rank: features, standardisation, one batched onnxruntime run, utility, sort), and,
 * on the rows of the first step with a scorer of its own, standardisation (normaliseRows) and the
 * onnxruntime run alone (OnnxScorer.score). Per request p50/p99/mean in ms, after a warm-up.
 */
async function main(): Promise<void> {
  const opts = new Command('bench ranking')
    .description('whole-bundle training time by stage, then ranking ~300 candidates per homepage (feature assembly, ONNX run) p50/p99')
    .addOption(new Option('--size <size>', 'world size').choices(WORLD_SIZES).default('default'))
    .option('--requests <n>', 'homepages to rank', (v) => Number.parseInt(v, 10), 500)
    .option('--first-bundle', "train as a first start does: a sample of the ranker's requests")
    .parse()
    .opts<{ size: WorldSize; requests: number; firstBundle?: boolean }>();
  if (!(opts.requests > 0)) throw new Error(`--requests must be a positive integer, got ${opts.requests}`);
  const progress = stageProgress();
  const world = generateWorld(opts.size, 7, progress.update);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-ranking-'));
  const store = await EmbeddedStore.open(dir);
  try {
    await loadDataset(store, observable(world), progress.update);

    // Training, stage by stage.
    const stages = new Map<string, { start: number; last: number }>();
    const started = performance.now();
    let previous = started;
    const defaults = { als: DEFAULT_ALS, feedback: DEFAULT_FEEDBACK, ranker: DEFAULT_RANKER_TRAINING };
    const options = opts.firstBundle ? firstBundleOptions(defaults) : defaults;
    const bundle = await trainBundle(store, options, (stage, done, total) => {
      const now = performance.now();
      const s = stages.get(stage) ?? stages.set(stage, { start: previous, last: now }).get(stage)!;
      s.last = now;
      previous = now;
      progress.update(stage, done, total);
    });
    const totalSeconds = (performance.now() - started) / 1000;
    const { manifest } = bundle;
    const ranker = manifest.ranker;
    if (!ranker) throw new Error('the bundle has no ranker report');
    const rows: Measurement[] = [{ name: 'bundle training, total', unit: 's', value: totalSeconds }];
    for (const [stage, s] of stages) rows.push({ name: `  stage "${stage}"`, unit: 's', value: (s.last - s.start) / 1000 });
    // Row building runs in several stages (impressions, each carve of later plays): add them up.
    const replaySeconds = [...stages]
      .filter(([name]) => name.startsWith('Replaying history'))
      .reduce((t, [, s]) => t + (s.last - s.start) / 1000, 0);
    if (replaySeconds > 0) {
      rows.push({
        name: `ranker rows: ${ranker.requests} requests replayed (${ranker.rows.impressions} impression rows, ${ranker.rows.laterPlays} later-play rows)`,
        unit: 'requests/s',
        value: ranker.requests / replaySeconds,
      });
    }
    rows.push(
      {
        name: `ranker training (${ranker.rows.train} train / ${ranker.rows.validation} validation rows, ${ranker.epochs} epochs, best ${ranker.bestEpoch})`,
        unit: 's',
        value: ranker.seconds,
      },
      {
        name: `ALS for serving, on its thread (${manifest.counts.interactions} interactions, ${manifest.als.iterations} iterations)`,
        unit: 's',
        value: manifest.seconds.als,
      },
      { name: `HNSW for serving (${manifest.counts.titles} title vectors)`, unit: 's', value: manifest.seconds.hnsw },
    );
    for (const [kind, metrics] of Object.entries(ranker.validation)) {
      for (const h of HEADS) {
        const m = metrics![h];
        rows.push({
          name: `validation AUC on ${kind}, ${h} (${m.rows} rows, ${(100 * m.positiveRate).toFixed(1)}% positive)`,
          unit: 'AUC',
          value: m.auc,
        });
      }
    }

    // Serving: ranking each homepage's candidates.
    const services = await createServices(store, bundle);
    const scorer = await OnnxScorer.load(bundle.ranker.onnx);
    try {
      const ids = world.profiles.map((p) => p.id);
      const times = { features: [] as number[], ranker: [] as number[], standardise: [] as number[], onnx: [] as number[] };
      let candidateCount = 0;
      for (let i = -WARMUP; i < opts.requests; i++) {
        // Warm-up profiles come from elsewhere in the sequence than the timed ones.
        const id = ids[((i < 0 ? opts.requests - i : i) * 7919) % ids.length];
        const req = await services.homepage.request(id, { device: 'TV' });
        const models = services.models.now;
        const candidates = await models.retrieval.generate(req);
        const n = candidates.length;
        let t = performance.now();
        const raw = await services.features.rows(req, candidates, {
          collaborative: models.collaborative,
          neighbours: services.similarity.neighbours,
        });
        const featureMs = performance.now() - t;
        t = performance.now();
        const ranked = await models.ranker.rank(req, candidates);
        const rankerMs = performance.now() - t;
        if (n > 0 && ranked[0].heads === undefined) throw new Error('the model ranker fell back to the heuristic: onnxruntime failed');
        let standardiseMs = 0;
        let onnxMs = 0;
        if (n > 0) {
          t = performance.now();
          const normalised = normaliseRows(bundle.ranker.spec, raw, n);
          standardiseMs = performance.now() - t;
          t = performance.now();
          await scorer.score(normalised, n);
          onnxMs = performance.now() - t;
        }
        if (i < 0) continue;
        candidateCount += n;
        times.features.push(featureMs);
        times.ranker.push(rankerMs);
        if (n > 0) {
          times.standardise.push(standardiseMs);
          times.onnx.push(onnxMs);
        }
        progress.update('ranking', i + 1, opts.requests);
      }
      const mean = candidateCount / opts.requests;
      rows.push(
        { name: 'candidates per homepage', unit: 'titles', value: mean },
        { name: `feature assembly (FeatureStore.rows, ${FEATURE_COUNT} features)`, unit: 'ms', ...percentiles(times.features) },
        { name: 'standardisation (normaliseRows)', unit: 'ms', ...percentiles(times.standardise) },
        { name: 'onnxruntime run (one batch, 1 thread)', unit: 'ms', ...percentiles(times.onnx) },
        { name: 'whole ranker (ModelRanker.rank)', unit: 'ms', ...percentiles(times.ranker) },
      );
    } finally {
      progress.stop();
      await scorer.release();
      await services.close();
    }
    printReport(
      'ranking',
      {
        size: opts.size,
        requests: opts.requests,
        warmup: WARMUP,
        device: 'TV',
        cpus: os.cpus().length,
        features: FEATURE_COUNT,
        trainedOn: ranker.trainedOn,
        maxRequests: options.ranker.maxRequests,
        factors: DEFAULT_ALS.factors,
        iterations: DEFAULT_ALS.iterations,
      },
      rows,
    );
  } finally {
    await store.close();
    await fs.rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${errorStack(err)}\n`);
  process.exit(1);
});
