/** A seeded source of randomness (src/shared/random.ts's Rng is one), injectable so tests reproduce. */
export interface RandomSource {
  /** Uniform in [0, 1). */
  float(): number;
  /** Normal with the given mean and standard deviation. */
  normal(mean?: number, sd?: number): number;
}

/** Gamma(shape, 1) by Marsaglia and Tsang (2000); shapes below 1 through the usual boost. */
export function sampleGamma(rng: RandomSource, shape: number): number {
  if (shape < 1) return sampleGamma(rng, shape + 1) * Math.pow(1 - rng.float(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.float();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** Beta(a, b) as a ratio of gammas. */
export function sampleBeta(rng: RandomSource, a: number, b: number): number {
  const x = sampleGamma(rng, a);
  return x / (x + sampleGamma(rng, b));
}

export const logit = (p: number) => Math.log(p / (1 - p));
