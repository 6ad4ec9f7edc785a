import seedrandom from 'seedrandom';

/** A seeded random source; every draw in the world goes through one, so a seed fixes the world. */
export class Rng {
  private readonly next: () => number;

  constructor(seed: number | string) {
    this.next = seedrandom.alea(String(seed));
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next();
  }

  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Index drawn with probability proportional to weights[i]. */
  weightedIndex(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) total += weights[i];
    let r = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) return i;
    }
    return weights.length - 1;
  }

  weighted<T>(items: readonly T[], weights: ArrayLike<number>): T {
    return items[this.weightedIndex(weights)];
  }

  /** k distinct items, each draw proportional to the remaining weights. */
  sampleWeighted<T>(items: readonly T[], weights: readonly number[], k: number): T[] {
    const w = weights.slice();
    const out: T[] = [];
    for (let n = 0; n < Math.min(k, items.length); n++) {
      const i = this.weightedIndex(w);
      out.push(items[i]);
      w[i] = 0;
    }
    return out;
  }

  /** Standard normal (Box-Muller). */
  normal(mean = 0, sd = 1): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  logNormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Poisson draw (Knuth; the means used here are small). */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let k = 0;
    let p = this.next();
    while (p > limit) {
      k++;
      p *= this.next();
    }
    return k;
  }

  /** A child source whose draws do not depend on how many draws the parent made later. */
  fork(label: string | number): Rng {
    return new Rng(`${Math.floor(this.next() * 2 ** 32)}:${label}`);
  }
}

/** Draws indices proportional to fixed weights in O(log n): built once, sampled many times. */
export class WeightedSampler {
  private readonly cumulative: Float64Array;

  constructor(weights: ArrayLike<number>) {
    this.cumulative = new Float64Array(weights.length);
    let total = 0;
    for (let i = 0; i < weights.length; i++) this.cumulative[i] = total += weights[i];
  }

  sample(rng: Rng): number {
    const target = rng.float() * this.cumulative[this.cumulative.length - 1];
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > target) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
