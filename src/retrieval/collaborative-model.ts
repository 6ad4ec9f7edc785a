import type { WatchState } from '../../graph/types';
import type { RetrievalBundle } from '../training/model-bundle';
import { FoldIn } from './fold-in';
import { interactionStrength } from './implicit-feedback';

export interface ScoredTitle {
  titleId: string;
  score: number;
}

/**
 * The collaborative half of retrieval at serve time: title vectors and their HNSW index from
 * the bundle, profile vectors from the bundle or, once a profile has watched something since,
 * from a fold-in against the fixed title vectors.
 */
export class CollaborativeModel {
  private readonly titleRow: Map<string, number>;
  private readonly profileRow: Map<string, number>;
  private readonly folded = new Map<string, Float32Array>();
  private readonly foldIn: FoldIn;
  readonly factors: number;

  constructor(private readonly bundle: RetrievalBundle) {
    this.factors = bundle.manifest.als.factors;
    this.titleRow = new Map(bundle.titleIds.map((id, i) => [id, i]));
    this.profileRow = new Map(bundle.profileIds.map((id, i) => [id, i]));
    this.foldIn = new FoldIn(bundle.titleVectors, this.factors, bundle.manifest.als);
  }

  get version(): string {
    return this.bundle.manifest.version;
  }

  /**
   * The profile's vector: a fold-in made since the bundle, else the trained one while the
   * history is no newer than the training data, else a fresh fold-in. Null without history.
   */
  vectorFor(profileId: string, watch: readonly WatchState[], now: number): Float32Array | null {
    const cached = this.folded.get(profileId);
    if (cached) return cached;
    const row = this.profileRow.get(profileId);
    const stale = watch.some((w) => w.lastAt > this.bundle.manifest.trainedUntil);
    if (row !== undefined && !stale) return this.bundle.profileVectors.subarray(row * this.factors, (row + 1) * this.factors);
    return watch.length > 0 ? this.refresh(profileId, watch, now) : null;
  }

  /** The write path's fold-in: re-solves the profile's vector from its whole watch state. */
  refresh(profileId: string, watch: readonly WatchState[], now: number): Float32Array {
    const known = watch.filter((w) => this.titleRow.has(w.titleId));
    const vector = this.foldIn.solve(
      known.map((w) => this.titleRow.get(w.titleId)!),
      known.map((w) => interactionStrength(w, now, this.bundle.manifest.feedback)),
    );
    this.folded.set(profileId, vector);
    return vector;
  }

  /** The k titles with the highest inner product with `vector`, among those `accept` allows (filtered inside the ANN search). */
  nearest(vector: Float32Array, k: number, accept: (titleId: string) => boolean): ScoredTitle[] {
    const ids = this.bundle.titleIds;
    return this.bundle.index.search(vector, k, (label) => accept(ids[label]))
      .map((n) => ({ titleId: ids[n.label], score: n.score }));
  }
}
