import type { Store } from '../../graph/store';
import type { Account, Profile } from '../domain/types';
import { CatalogIndex } from '../pipeline/catalog-index';
import { exportOnnx } from '../ranking/onnx-export';
import { trainRanker } from '../ranking/train-ranker';
import { rankerTrainingSet } from './ranker-training-set';
import { SimilarityService } from '../similarity/similarity-service';
import type { BundleOptions } from '../models/bundle-options';
import type { ModelBundle } from '../models/model-bundle';
import { trainRetrieval, type TrainProgress } from './train-retrieval';

/**
 * The training job behind `npm run train` and a first start: a whole model bundle from what the
 * store holds. The ranker learns from logged impressions or, without them, from later plays
 * (rankerTrainingSet), with retrieval features from an ALS that never saw its labels; retrieval
 * for serving is then trained on everything.
 */
export async function trainBundle(
  store: Store,
  o: BundleOptions,
  onProgress?: TrainProgress,
  clock: () => number = Date.now,
): Promise<ModelBundle> {
  onProgress?.('read events', 0, 1);
  const [titles, viewers, playbacks] = await Promise.all([store.listTitles(), allViewers(store), store.playbacksSince(0)]);
  if (playbacks.length === 0) throw new Error('the store holds no playback events to train on');
  // Every impression: later-play rows ask for each profile's exposure at moments long before the
  // impression window (the replay keeps only the four weeks before each request in memory).
  const impressions = await store.impressionsSince(0);
  onProgress?.('read events', 1, 1);

  const similarity = new SimilarityService({ store, catalog: new CatalogIndex(titles, new Map()) });
  const set = await rankerTrainingSet(
    { titles, ...viewers, playbacks, impressions },
    {
      als: o.als,
      feedback: o.feedback,
      neighbours: similarity.neighbours,
      ...o.ranker,
      onProgress,
    },
  );
  const ranker = trainRanker(set.rows, { seed: o.ranker.seed, onEpoch: (d, n) => onProgress?.('ranker epochs', d, n) });

  const retrieval = await trainRetrieval(store, o.als, o.feedback, onProgress, clock);
  return {
    ...retrieval,
    manifest: { ...retrieval.manifest, ranker: { ...ranker.report, featureSpec: ranker.spec.version, trainedOn: set.source } },
    ranker: { onnx: exportOnnx(ranker.model), spec: ranker.spec },
  };
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
