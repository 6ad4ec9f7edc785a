import type { Store } from '../../graph/store';
import type { Account, Profile } from '../../graph/types';
import { watchStatesFrom } from '../../graph/watch-state';
import { CatalogIndex } from '../catalog/catalog-index';
import { TITLE_STATS_LOOKBACK_MS } from '../ranking/features/title-stats';
import { exportOnnx } from '../ranking/onnx-export';
import { trainRanker } from '../ranking/train-ranker';
import { buildTrainingRows, type ReplayData } from '../ranking/training-rows';
import type { AlsOptions } from '../retrieval/als';
import { CollaborativeModel } from '../retrieval/collaborative-model';
import type { FeedbackOptions } from '../retrieval/implicit-feedback';
import { SimilarityService } from '../similarity/similarity-service';
import type { ModelBundle } from './model-bundle';
import { buildRetrieval, trainRetrieval, type TrainProgress } from './train-retrieval';

export interface RankerTrainingOptions {
  /** Share of playbacks (the latest) whose moments become the ranker's training requests. */
  windowShare: number;
  maxRequests: number;
  seed: number;
}

/** The ranker learns from the latest quarter of plays; 12,000 requests train in well under a minute. */
export const DEFAULT_RANKER_TRAINING: RankerTrainingOptions = { windowShare: 0.25, maxRequests: 12_000, seed: 7 };

export interface BundleOptions {
  als: AlsOptions;
  feedback: FeedbackOptions;
  ranker: RankerTrainingOptions;
}

/**
 * The training job behind `npm run train` and a first start: a whole model bundle from what the
 * store holds. The ranker learns from the latest window of events, with retrieval features
 * (ALS scores, fold-ins, candidate sources) from an ALS trained on the events before the window,
 * so no training row sees its own future; retrieval for serving is then trained on everything.
 */
export async function trainBundle(store: Store, o: BundleOptions, onProgress?: TrainProgress, clock: () => number = Date.now): Promise<ModelBundle> {
  onProgress?.('read events', 0, 1);
  const [titles, viewers, playbacks] = await Promise.all([store.listTitles(), allViewers(store), store.playbacksSince(0)]);
  if (playbacks.length === 0) throw new Error('the store holds no playback events to train on');
  const windowStart = playbacks[Math.min(playbacks.length - 1, Math.floor(playbacks.length * (1 - o.ranker.windowShare)))].occurredAt;
  const impressions = await store.impressionsSince(windowStart - TITLE_STATS_LOOKBACK_MS);
  onProgress?.('read events', 1, 1);

  const before = buildRetrieval(titles, watchStatesFrom(playbacks.filter((e) => e.occurredAt < windowStart)), o.als, o.feedback, onProgress, clock, 'ranker: ');
  const data: ReplayData = { titles, ...viewers, playbacks, impressions };
  const similarity = new SimilarityService(store, new CatalogIndex(titles, new Map()));
  const rows = await buildTrainingRows(data, {
    windowStart, maxRequests: o.ranker.maxRequests, seed: o.ranker.seed,
    models: { collaborative: new CollaborativeModel(before), neighbours: similarity.neighbours },
    onProgress: (d, n) => onProgress?.('ranker rows', d, n),
  });
  const ranker = trainRanker(rows, { seed: o.ranker.seed, onEpoch: (d, n) => onProgress?.('ranker epochs', d, n) });

  const retrieval = await trainRetrieval(store, o.als, o.feedback, onProgress, clock);
  return {
    ...retrieval,
    manifest: { ...retrieval.manifest, ranker: { ...ranker.report, featureSpec: ranker.spec.version, windowStart: new Date(windowStart).toISOString() } },
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
