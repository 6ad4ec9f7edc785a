import type { Title, WatchState } from '../domain/types';
import { trainAls, type AlsOptions } from '../retrieval/als';
import { HnswIndex } from '../retrieval/hnsw-index';
import type { FeedbackOptions } from '../retrieval/implicit-feedback';
import { buildInteractions, type Interactions } from '../retrieval/interactions';
import { DEFAULT_ITEM_MODEL, trainItemModel, type ItemModelOptions } from '../retrieval/item-model';
import { catalogFingerprint, dataHash, newVersion, type RetrievalBundle } from '../models/model-bundle';
import type { AlsQueue, TrainedAls } from './als-queue';

export type TrainProgress = (stage: string, done: number, total: number) => void;

/** How a retrieval model is trained: ALS, the confidence it learns from, and the item→item model beside it. */
export interface RetrievalOptions {
  als: AlsOptions;
  feedback: FeedbackOptions;
  /** DEFAULT_ITEM_MODEL when absent. */
  itemModel?: ItemModelOptions;
}

/** What one retrieval model learns from: watch states over the catalog, as ALS's matrix. */
interface RetrievalInput {
  titles: readonly Title[];
  states: readonly WatchState[];
  interactions: Interactions;
  als: AlsOptions;
  feedback: FeedbackOptions;
  itemModel: ItemModelOptions;
}

/** A retrieval model whose ALS is queued: `finish` waits for the factors and builds the HNSW index. */
export interface QueuedRetrieval {
  /** `purpose` ends the stage names ("Training ALS for the ranker (1 of 4)"). */
  finish(onProgress?: TrainProgress, purpose?: string, clock?: () => number): Promise<RetrievalBundle>;
}

/** Implicit ALS over `states`, queued on `queue` (see AlsQueue), then the HNSW index and the item→item model. */
export function queueRetrieval(
  queue: AlsQueue,
  titles: readonly Title[],
  states: readonly WatchState[],
  o: RetrievalOptions,
): QueuedRetrieval {
  const input = retrievalInput(titles, states, o);
  const job = queue.submit(input.interactions.matrix, o.als);
  return {
    async finish(onProgress, purpose = '', clock = Date.now) {
      const trained = await job.result((d, n) => onProgress?.(`Training ALS${purpose}`, d, n));
      return withIndex(input, trained, onProgress, purpose, clock);
    },
  };
}

/** The same as queueRetrieval, on this thread and at once. */
export function buildRetrieval(
  titles: readonly Title[],
  states: readonly WatchState[],
  o: RetrievalOptions,
  onProgress?: TrainProgress,
  clock: () => number = Date.now,
  purpose = '',
): RetrievalBundle {
  const input = retrievalInput(titles, states, o);
  const started = performance.now();
  const factors = trainAls(input.interactions.matrix, o.als, (d, n) => onProgress?.(`Training ALS${purpose}`, d, n));
  return withIndex(input, { factors, seconds: (performance.now() - started) / 1000 }, onProgress, purpose, clock);
}

function retrievalInput(titles: readonly Title[], states: readonly WatchState[], o: RetrievalOptions): RetrievalInput {
  const interactions = buildInteractions(
    states,
    titles.map((t) => t.id),
    o.feedback,
  );
  return { titles, states, interactions, als: o.als, feedback: o.feedback, itemModel: o.itemModel ?? DEFAULT_ITEM_MODEL };
}

function withIndex(
  { titles, states, interactions, als, feedback, itemModel }: RetrievalInput,
  { factors, seconds }: TrainedAls,
  onProgress: TrainProgress | undefined,
  purpose: string,
  clock: () => number,
): RetrievalBundle {
  const titleIds = titles.map((t) => t.id);
  const started = performance.now();
  // The graph is checked against exact answers for the profiles it will serve (hnsw-index.ts, AUGMENTATIONS).
  const index = HnswIndex.build(factors.colFactors, als.factors, { calibrationQueries: factors.rowFactors }, (d, n) =>
    onProgress?.(`Building the HNSW index${purpose}`, d, n),
  );
  const hnswSeconds = (performance.now() - started) / 1000;
  onProgress?.(`Training the item-item model${purpose}`, 0, 1);
  const itemsStarted = performance.now();
  const itemNeighbours = trainItemModel(interactions.matrix, interactions.titleIds, itemModel);
  onProgress?.(`Training the item-item model${purpose}`, 1, 1);
  const itemSeconds = (performance.now() - itemsStarted) / 1000;
  const hash = dataHash([titleIds.join(','), ...states.map((s) => `${s.profileId}|${s.titleId}|${s.plays}|${s.lastAt}|${s.progress}`)]);
  const createdAt = new Date(clock());
  return {
    manifest: {
      version: newVersion(createdAt, hash),
      createdAt: createdAt.toISOString(),
      dataHash: hash,
      trainedUntil: states.reduce((m, s) => Math.max(m, s.lastAt), 0),
      als,
      feedback,
      itemModel,
      catalogFingerprint: catalogFingerprint(titles),
      counts: { titles: titleIds.length, profiles: interactions.profileIds.length, interactions: interactions.matrix.colIdx.length },
      seconds: { als: seconds, hnsw: hnswSeconds, itemModel: itemSeconds },
    },
    titleIds,
    titleVectors: factors.colFactors,
    profileIds: interactions.profileIds,
    profileVectors: factors.rowFactors,
    index,
    itemNeighbours,
  };
}
