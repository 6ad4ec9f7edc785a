import path from 'node:path';
import { LoadInProgressError } from '../../graph/errors';
import type { LoadProgress, Store } from '../../graph/store';
import { trainingOptions, type Config } from '../config/config';
import type { Title } from '../domain/types';
import { catalogFingerprint, newestBundleDir, readBundle, writeBundle, type ModelBundle } from '../models/model-bundle';
import { trainBundle } from '../training/train-bundle';
import { loadDataset } from '../catalog/load-dataset';
import { stageProgress, type ProgressUpdate } from '../shared/progress';
import type { BundleOptions } from '../models/bundle-options';
import { WORLD_SPECS } from '../world/sizes';
import { datasetExists, readDataset } from '../../graph/dataset-files';
import { writeWithTruth, writeWorld } from '../world/files';
import { generateWorld, observable, type WorldProgress } from '../world/generate';
import { type Dataset, type DatasetManifest } from '../domain/dataset';
import { startOfUtcDay } from '../shared/time';
import { importDataset } from '../import/import-dataset';
import type { Logger } from '../shared/logger';
import { errorMessage } from '../shared/error-message';

/**
 * On an empty store, prepares a dataset and bulk-loads it, so `npm start` on an empty DATA_DIR
 * (or database) ends with a working demo: a dataset from CATALOG_PATH (a real catalog with simulated
 * viewers, else the world already in DATA_DIR/world, else a newly generated world.
 */
export async function ensureData(store: Store, config: Config, logger: Logger): Promise<DatasetManifest | null> {
  if (!(await store.isEmpty())) {
    if (config.CATALOG_PATH)
      logger.warn(
        { catalog: config.CATALOG_PATH },
        'the store already holds data, so the catalog file is not imported; use an empty DATA_DIR or database',
      );
    return null;
  }
  const progress = stageProgress();
  try {
    const data = await prepareDataset(config, logger, progress.update);
    // Replicas starting together: one loads, the others wait for it (or take over if it died).
    for (;;) {
      try {
        await loadDataset(store, data, loadStages(progress.update));
        progress.update(LOADING_THE_STORE, 1, 1);
        logger.info(data.manifest.counts, 'dataset loaded into the store');
        return data.manifest;
      } catch (err) {
        if (!(err instanceof LoadInProgressError)) throw err;
        logger.info('another process is loading the dataset; waiting for it');
        await new Promise((resolve) => setTimeout(resolve, 5000));
        if (!(await store.isEmpty())) return null;
      }
    }
  } finally {
    progress.stop();
  }
}

async function prepareDataset(config: Config, logger: Logger, update: ProgressUpdate): Promise<Dataset> {
  const worldDir = path.join(config.DATA_DIR, 'world');
  const writing = `Writing the world to ${worldDir}`;
  if (config.CATALOG_PATH) {
    logger.info({ path: config.CATALOG_PATH, format: config.CATALOG_FORMAT }, 'importing a dataset');
    const imported = await importDataset(
      config.CATALOG_FORMAT,
      config.CATALOG_PATH,
      config.WORLD_SIZE,
      config.WORLD_SEED,
      historyStage(update, (profiles) => `Simulating the viewing of ${count(profiles)} profiles around the catalog`),
      config.AVAILABILITY_PATH,
    );
    logger.info(imported.summary, 'dataset read');
    update(writing, 0, 1);
    await writeWithTruth(worldDir, imported.data, imported.truth);
    update(writing, 1, 1);
    return imported.data;
  }
  if (await datasetExists(worldDir)) {
    logger.info({ worldDir }, 'loading the existing world');
    return readDataset(worldDir);
  }
  // The history ends today, as a live service's would: the ranker's four-week statistics, trending
  // and new releases then describe the days the demo is used in, not weeks before it.
  const end = startOfUtcDay(Date.now());
  logger.info(
    { size: config.WORLD_SIZE, seed: config.WORLD_SEED, end: new Date(end).toISOString() },
    'empty DATA_DIR: generating the synthetic world',
  );
  const titles = count(WORLD_SPECS[config.WORLD_SIZE].titles);
  const generating = historyStage(update, (profiles) => `Generating the world (${titles} titles, ${count(profiles)} profiles)`);
  const world = generateWorld(config.WORLD_SIZE, config.WORLD_SEED, generating, end);
  update(writing, 0, 1);
  await writeWorld(worldDir, world);
  update(writing, 1, 1);
  return observable(world);
}

const LOADING_THE_STORE = 'Loading the store';

/**
 * World generation's progress under one stage: the catalog and the viewers take under a second,
 * the history (one profile after another) is the long part, and it knows the profile count.
 */
function historyStage(update: ProgressUpdate, name: (profiles: number) => string): WorldProgress {
  return (stage, done, total) => {
    if (stage === 'history') update(name(total), done, total);
  };
}

/**
 * loadDataset's progress: the similarity graph, then the store's own steps (a snapshot, or
 * Neo4j's batches), shown as one stage that ends when loadDataset returns.
 */
function loadStages(update: ProgressUpdate): LoadProgress {
  return (stage, done, total) =>
    stage === 'similarity' ? update('Building the title-similarity graph', done, total) : update(LOADING_THE_STORE, done, total + 1);
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * The newest model bundle in DATA_DIR/models, or, when there is none (or it was trained on
 * another catalog, or cannot be read), a new one trained from the store and written there.
 */
export async function ensureModel(store: Store, config: Config, logger: Logger): Promise<ModelBundle> {
  const modelsDir = path.join(config.DATA_DIR, 'models');
  const newest = await newestBundleDir(modelsDir);
  if (newest) {
    try {
      const bundle = await readBundle(newest);
      if (await trainedOnThisCatalog(store, bundle)) {
        logger.info({ version: bundle.manifest.version }, 'model bundle loaded');
        return bundle;
      }
      logger.warn({ version: bundle.manifest.version }, 'the newest model bundle was trained on another catalog; training a new one');
    } catch (err) {
      logger.warn({ dir: newest, err: errorMessage(err) }, 'the newest model bundle cannot be read; training a new one');
    }
  }
  const progress = stageProgress();
  try {
    logger.info(
      { maxRequests: FIRST_BUNDLE_MAX_REQUESTS },
      'no model bundle: training a first one (ALS, HNSW, the ranker on a sample of the history; `npm run train` trains the full one)',
    );
    const bundle = await trainBundle(store, firstBundleOptions(trainingOptions(config)), progress.update);
    const dir = await writeBundle(modelsDir, bundle);
    logger.info({ dir, seconds: bundle.manifest.seconds, ranker: bundle.manifest.ranker?.validation }, 'model bundle written');
    return bundle;
  } finally {
    progress.stop();
  }
}

/**
 * The bundle a server trains before it can serve replays a seeded sample of at most this many
 * requests per replay of the ranker's training set, where `npm run train` replays every profile's
 * later titles (three carves of about 4,800 requests on the default world) and up to
 * RANKER_MAX_REQUESTS impression requests. On the default world and two cores it trains in about
 * 60 s instead of 160, for NDCG@10 0.0376 against 0.0389 (docs/EVALUATION.md; 1,000 gave
 * 0.0352); `npm run train` then trains the full bundle, which a running server swaps in.
 */
export const FIRST_BUNDLE_MAX_REQUESTS = 1500;

/** The training options of a server's first bundle: `o`, on a sample of the ranker's requests. */
export function firstBundleOptions(o: BundleOptions): BundleOptions {
  return { ...o, ranker: { ...o.ranker, maxRequests: Math.min(o.ranker.maxRequests, FIRST_BUNDLE_MAX_REQUESTS) } };
}

/** Titles added since training are fine; the bundle's own titles must be these titles. */
export async function trainedOnThisCatalog(store: Store, bundle: ModelBundle): Promise<boolean> {
  const titles = await store.getTitles(bundle.titleIds);
  return titles.every((t) => t !== null) && catalogFingerprint(titles as Title[]) === bundle.manifest.catalogFingerprint;
}
