import type { Store } from '../../graph/store';
import type { Account, Profile } from '../domain/types';
import { CatalogIndex } from '../pipeline/catalog-index';
import { exportOnnx } from '../ranking/onnx-export';
import { trainRanker } from '../ranking/train-ranker';
import { rankerTrainingSet } from './ranker-training-set';
import { SimilarityService } from '../similarity/similarity-service';
import type { BundleOptions } from '../models/bundle-options';
import type { ModelBundle } from '../models/model-bundle';
import { queueRetrieval, type TrainProgress } from './train-retrieval';
import { AlsQueue } from './als-queue';

/**
 * The training job behind `npm run train` and a first start: a whole model bundle from what the
 * store holds. The ranker learns from logged impressions or, without them, from later plays
 * (rankerTrainingSet), with retrieval features from an ALS that never saw its labels; retrieval
 * for serving is trained on everything. Every ALS runs on a second thread (AlsQueue), the one for
 * serving while the ranker is fitted; all of them learn from the events read at the start.
 */
export async function trainBundle(
  store: Store,
  o: BundleOptions,
  onProgress?: TrainProgress,
  clock: () => number = Date.now,
): Promise<ModelBundle> {
  onProgress?.('Reading the store', 0, 1);
  const [titles, viewers, playbacks, states, feedback] = await Promise.all([
    store.listTitles(),
    allViewers(store),
    store.playbacksSince(0),
    store.listWatchStates(),
    store.listTitleFeedback(),
  ]);
  if (playbacks.length === 0) throw new Error('the store holds no playback events to train on');
  // Every impression: later-play rows ask for each profile's exposure at moments long before the
  // impression window (the replay keeps only the four weeks before each request in memory).
  const impressions = await store.impressionsSince(0);
  onProgress?.('Reading the store', 1, 1);

  const alsQueue = AlsQueue.open();
  try {
    const similarity = new SimilarityService({ store, catalog: new CatalogIndex(titles, new Map()) });
    const training = rankerTrainingSet(
      { titles, ...viewers, playbacks, impressions, feedback },
      { als: o.als, feedback: o.feedback, itemModel: o.itemModel, neighbours: similarity.neighbours, ...o.ranker, onProgress, alsQueue },
    );
    // Queued behind the replays' ALS, which rankerTrainingSet queues before it first waits.
    const serving = queueRetrieval(alsQueue, titles, states, o);
    const set = await training;
    const ranker = trainRanker(set.rows, { seed: o.ranker.seed, onEpoch: (d, n) => onProgress?.('Training the ranker', d, n) });
    const retrieval = await serving.finish(onProgress, '', clock);
    return {
      ...retrieval,
      manifest: { ...retrieval.manifest, ranker: { ...ranker.report, featureSpec: ranker.spec.version, trainedOn: set.source } },
      ranker: { onnx: exportOnnx(ranker.model), spec: ranker.spec },
    };
  } finally {
    await alsQueue.close();
  }
}

/** Every profile and account (the replay needs each viewer's country, kids flag and time zone). */
async function allViewers(store: Store): Promise<{ profiles: Profile[]; accounts: Account[] }> {
  const profiles: Profile[] = [];
  for (let after: string | undefined; ;) {
    const page = await store.listProfiles(1000, after);
    profiles.push(...page.profiles);
    if (!page.hasMore || page.profiles.length === 0) break;
    after = page.profiles.at(-1)!.id;
  }
  const ids = [...new Set(profiles.map((p) => p.accountId))];
  const accounts: Account[] = [];
  for (let k = 0; k < ids.length; k += 200) {
    accounts.push(...(await Promise.all(ids.slice(k, k + 200).map((id) => store.getAccount(id)))).filter((a): a is Account => a !== null));
  }
  return { profiles, accounts };
}
