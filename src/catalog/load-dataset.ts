import type { LoadProgress, Store } from '../../graph/store';
import type { Dataset } from '../domain/dataset';
import { buildSimilarityGraph, DEFAULT_SIMILARITY, type SimilarityOptions } from '../similarity/similarity-graph';

/**
 * Loads a dataset into an empty store together with its SIMILAR_TO graph, built from the
 * catalog's metadata and the dataset's co-watching. The one way data enters a store in bulk.
 */
export async function loadDataset(
  store: Store,
  data: Dataset,
  onProgress?: LoadProgress,
  options: SimilarityOptions = DEFAULT_SIMILARITY,
): Promise<void> {
  const similarity = buildSimilarityGraph(data.titles, data.playbacks, options, (done, total) => onProgress?.('similarity', done, total));
  await store.bulkLoad(data, similarity, onProgress);
}
