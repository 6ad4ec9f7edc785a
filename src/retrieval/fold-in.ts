import { FixedSide, scratch, type AlsOptions, type Scratch } from './als';

/**
 * Real-time fold-in: the least-squares profile vector for a history against fixed title
 * vectors, the same normal equations (the same frequency-scaled regularisation) and the same
 * solver as ALS's last profile half-sweep, so a profile folded in from the history it was
 * trained on gets its trained vector back. Preconditioned conjugate gradient in the eigenbasis
 * of the title vectors' Gram matrix converges in at most k steps, most histories in a few;
 * a few hundred microseconds for k = 64.
 */
export class FoldIn {
  private readonly side: FixedSide;
  private readonly scratch: Scratch;

  constructor(
    titleFactors: Float32Array,
    private readonly k: number,
    private readonly options: AlsOptions,
  ) {
    this.side = new FixedSide(titleFactors, k);
    this.scratch = scratch(k);
  }

  solve(titleIndexes: readonly number[], strengths: readonly number[]): Float32Array {
    if (titleIndexes.length === 0) return new Float32Array(this.k);
    const xt = new Float32Array(this.k);
    this.side.solve(titleIndexes, strengths, this.options, Math.max(this.options.cgSteps, this.k), xt, this.scratch);
    return this.side.unrotate(this.scratch.x);
  }
}
