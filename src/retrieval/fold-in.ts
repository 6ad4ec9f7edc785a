import { conjugateGradient, gram, type AlsOptions } from './als';

/**
 * Real-time fold-in: the least-squares profile vector for a history against fixed title
 * vectors, the same normal equations as an ALS half-sweep for one row. Conjugate gradient
 * converges in at most k steps on this k × k system, so k steps from zero solve it exactly
 * (up to rounding) in well under a millisecond for k = 64.
 */
export class FoldIn {
  private readonly yty: Float64Array;

  constructor(
    private readonly titleFactors: Float32Array,
    private readonly k: number,
    private readonly options: AlsOptions,
  ) {
    this.yty = gram(titleFactors, k);
  }

  solve(titleIndexes: readonly number[], strengths: readonly number[]): Float32Array {
    const x = new Float32Array(this.k);
    if (titleIndexes.length === 0) return x;
    conjugateGradient(
      x,
      this.titleFactors,
      this.yty,
      Int32Array.from(titleIndexes),
      Float32Array.from(strengths),
      this.k,
      this.options,
      this.k,
    );
    return x;
  }
}
