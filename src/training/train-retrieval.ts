import type { Store } from '../../graph/store';
import type { Title, WatchState } from '../domain/types';
import { trainAls, type AlsOptions } from '../retrieval/als';
import { HnswIndex } from '../retrieval/hnsw-index';
import type { FeedbackOptions } from '../retrieval/implicit-feedback';
import { buildInteractions } from '../retrieval/interactions';
import { catalogFingerprint, dataHash, newVersion, type RetrievalBundle } from '../models/model-bundle';

export type TrainProgress = (stage: string, done: number, total: number) => void;

/**
 * Trains the retrieval part of a model bundle from what the store holds: implicit ALS over
 * every watch state, then an HNSW index over the title vectors.
 */
export async function trainRetrieval(
  store: Store,
  als: AlsOptions,
  feedback: FeedbackOptions,
  onProgress?: TrainProgress,
  clock: () => number = Date.now,
): Promise<RetrievalBundle> {
  onProgress?.('read store', 0, 1);
  const [titles, states] = await Promise.all([store.listTitles(), store.listWatchStates()]);
  onProgress?.('read store', 1, 1);
  return buildRetrieval(titles, states, als, feedback, onProgress, clock);
}

/** Implicit ALS over `states`, then the HNSW index; `stage` prefixes the progress stages. */
export function buildRetrieval(
  titles: readonly Title[],
  states: readonly WatchState[],
  als: AlsOptions,
  feedback: FeedbackOptions,
  onProgress?: TrainProgress,
  clock: () => number = Date.now,
  stage = '',
): RetrievalBundle {
  const titleIds = titles.map((t) => t.id);
  const trainedUntil = states.reduce((m, s) => Math.max(m, s.lastAt), 0);
  const data = buildInteractions(states, titleIds, feedback);
  let started = performance.now();
  const factors = trainAls(data.matrix, als, (d, n) => onProgress?.(`${stage}als`, d, n));
  const alsSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const index = HnswIndex.build(factors.colFactors, als.factors, {}, (d, n) => onProgress?.(`${stage}hnsw`, d, n));
  const hnswSeconds = (performance.now() - started) / 1000;
  const hash = dataHash([titleIds.join(','), ...states.map((s) => `${s.profileId}|${s.titleId}|${s.plays}|${s.lastAt}|${s.progress}`)]);
  const createdAt = new Date(clock());
  return {
    manifest: {
      version: newVersion(createdAt, hash),
      createdAt: createdAt.toISOString(),
      dataHash: hash,
      trainedUntil,
      als,
      feedback,
      catalogFingerprint: catalogFingerprint(titles),
      counts: { titles: titleIds.length, profiles: data.profileIds.length, interactions: data.matrix.colIdx.length },
      seconds: { als: alsSeconds, hnsw: hnswSeconds },
    },
    titleIds,
    titleVectors: factors.colFactors,
    profileIds: data.profileIds,
    profileVectors: factors.rowFactors,
    index,
  };
}
