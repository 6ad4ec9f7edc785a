import type { WatchState } from '../domain/types';
import type { AlsOptions } from './als';
import { FoldIn } from './fold-in';
import { ItemItemModel, type ItemNeighbours } from './item-item';
import type { ItemModelOptions } from './item-model';
import { interactionStrength, type FeedbackOptions } from './implicit-feedback';
import type { VectorIndex } from './vector-index';

/** Fold-ins kept in memory; a profile not among them is folded in again on its next homepage. */
const FOLD_IN_CACHE = 100_000;

/** Titles an item→item score is kept for per profile: the source's quota and the ranker's candidates come from far fewer. */
const ITEM_SCORES_KEPT = 1_000;

/** What the model serves from: a bundle's vectors, the index over its title vectors, its item→item model, and how they were trained. */
export interface CollaborativeVectors {
  manifest: { als: AlsOptions; feedback: FeedbackOptions; trainedUntil: number; itemModel: ItemModelOptions };
  titleIds: string[];
  titleVectors: Float32Array;
  profileIds: string[];
  profileVectors: Float32Array;
  index: VectorIndex;
  /** The item→item model (EASE): each title's neighbours by learned weight. */
  itemNeighbours: ItemNeighbours;
}

/**
 * The collaborative half of retrieval at serve time: title vectors and their HNSW index from
 * the bundle, profile vectors from the bundle or, once a profile has watched something since,
 * from a fold-in against the fixed title vectors; and the item→item model's scores for a
 * history, which need no fold-in (they are a sum over the history as it is now).
 */
export class CollaborativeModel {
  private readonly titleRow: Map<string, number>;
  private readonly profileRow: Map<string, number>;
  private readonly folded = new Map<string, { vector: Float32Array; asOf: number; count: number }>();
  private readonly itemScored = new Map<string, { scores: Map<string, number>; asOf: number; count: number }>();
  private readonly foldIn: FoldIn;
  private readonly items: ItemItemModel;
  readonly factors: number;

  constructor(private readonly bundle: CollaborativeVectors) {
    this.factors = bundle.manifest.als.factors;
    this.titleRow = new Map(bundle.titleIds.map((id, i) => [id, i]));
    this.profileRow = new Map(bundle.profileIds.map((id, i) => [id, i]));
    this.foldIn = new FoldIn(bundle.titleVectors, this.factors, bundle.manifest.als);
    this.items = new ItemItemModel(bundle.itemNeighbours);
  }

  /**
   * The item→item model's score of the profile's best titles for its history as it is now
   * (strengths as ALS weighs them, measured from the profile's latest play), the history's own
   * titles included: callers filter. Kept per profile until its history changes, so the source
   * and the ranker's feature of one request compute it once.
   */
  itemScores(profileId: string, watch: readonly WatchState[]): ReadonlyMap<string, number> {
    if (watch.length === 0) return new Map();
    const asOf = watch.reduce((m, w) => Math.max(m, w.lastAt), 0);
    const cached = this.itemScored.get(profileId);
    if (cached && cached.asOf >= asOf && cached.count === watch.length) return cached.scores;
    const history = watch.map((w) => ({ titleId: w.titleId, strength: interactionStrength(w, asOf, this.bundle.manifest.feedback) }));
    const scores = new Map(this.items.scores(history, ITEM_SCORES_KEPT).map((s) => [s.titleId, s.score]));
    this.itemScored.delete(profileId);
    if (this.itemScored.size >= FOLD_IN_CACHE) this.itemScored.delete(this.itemScored.keys().next().value!);
    this.itemScored.set(profileId, { scores, asOf, count: watch.length });
    return scores;
  }

  /**
   * The profile's vector: the trained one while its history is no newer than the training data,
   * else a fold-in of the history as it is now (cached until the history changes, so replicas
   * sharing a store each fold in what the others wrote). Null without any title the model knows.
   */
  vectorFor(profileId: string, watch: readonly WatchState[]): Float32Array | null {
    // No history read (erased, or personalization off): the trained vector must not stand in for it.
    if (watch.length === 0) return null;
    const asOf = watch.reduce((m, w) => Math.max(m, w.lastAt), 0);
    const row = this.profileRow.get(profileId);
    if (row !== undefined && asOf <= this.bundle.manifest.trainedUntil) {
      return this.bundle.profileVectors.subarray(row * this.factors, (row + 1) * this.factors);
    }
    const cached = this.folded.get(profileId);
    if (cached && cached.asOf >= asOf && cached.count === watch.length) return cached.vector;
    return this.refresh(profileId, watch);
  }

  /**
   * Fold-in: re-solves the profile's vector from its whole watch state. Recency is measured from
   * the profile's own latest play, like training does, so one old history is not all decayed away.
   */
  refresh(profileId: string, watch: readonly WatchState[]): Float32Array | null {
    const known = watch.filter((w) => this.titleRow.has(w.titleId));
    if (known.length === 0) {
      this.folded.delete(profileId);
      return null;
    }
    const asOf = watch.reduce((m, w) => Math.max(m, w.lastAt), 0);
    const vector = this.foldIn.solve(
      known.map((w) => this.titleRow.get(w.titleId)!),
      known.map((w) => interactionStrength(w, asOf, this.bundle.manifest.feedback)),
    );
    // Insertion order is age: evict the oldest fold-in once the cache is full.
    this.folded.delete(profileId);
    if (this.folded.size >= FOLD_IN_CACHE) this.folded.delete(this.folded.keys().next().value!);
    this.folded.set(profileId, { vector, asOf, count: watch.length });
    return vector;
  }

  /** Where vectorFor takes the profile's vector from, for these watches (Profile.dataSummary). */
  vectorSource(profileId: string, watch: readonly WatchState[]): 'TRAINED' | 'FOLDED_IN' | 'NONE' {
    if (!watch.some((w) => this.titleRow.has(w.titleId))) return 'NONE';
    const asOf = watch.reduce((m, w) => Math.max(m, w.lastAt), 0);
    return this.profileRow.has(profileId) && asOf <= this.bundle.manifest.trainedUntil ? 'TRAINED' : 'FOLDED_IN';
  }

  /** Drops the profile's folded-in vector and item scores (its history was erased). */
  forget(profileId: string): void {
    this.folded.delete(profileId);
    this.itemScored.delete(profileId);
  }

  /** The inner product of `vector` with a title's vector; null for a title the bundle does not know. */
  score(vector: Float32Array, titleId: string): number | null {
    const row = this.titleRow.get(titleId);
    if (row === undefined) return null;
    const y = this.bundle.titleVectors;
    let s = 0;
    for (let a = 0, o = row * this.factors; a < this.factors; a++) s += vector[a] * y[o + a];
    return s;
  }

  /** The bundle's titles by row: what `nearest` is given titles aligned with. */
  get titleIds(): readonly string[] {
    return this.bundle.titleIds;
  }

  /**
   * The k titles with the highest inner product with `vector`, among those `accept` allows
   * (filtered inside the ANN search). `titles` is aligned with `titleIds` (undefined: not offered):
   * the search asks about a title by its row a couple of thousand times a page, so the row's title
   * is read from an array rather than looked up by id.
   */
  nearest<T>(
    vector: Float32Array,
    k: number,
    titles: readonly (T | undefined)[],
    accept: (title: T) => boolean,
  ): { title: T; score: number }[] {
    return this.bundle.index
      .search(vector, k, (label) => {
        const title = titles[label];
        return title !== undefined && accept(title);
      })
      .map((n) => ({ title: titles[n.label]!, score: n.score }));
  }
}
