import { Rng } from '../../src/shared/random';
import { cupedDifference, meanDifference, ratioDifference, sampleRatioMismatch } from '../../src/experiments/statistics';

const REPLICATIONS = 200;
const UNITS = 1_000;

/** Watch minutes of `n` accounts: skewed like real viewing (log-normal), with a planted effect. */
function minutes(rng: Rng, n: number, effect: number): number[] {
  return Array.from({ length: n }, () => rng.logNormal(3, 1) + effect);
}

describe('experiment statistics on synthetic data with known truth', () => {
  it('covers a planted effect in about 95% of 200 replications', () => {
    const rng = new Rng('coverage');
    const effect = 2;
    const covered = Array.from({ length: REPLICATIONS }, () => {
      const { interval } = meanDifference(minutes(rng, UNITS, 0), minutes(rng, UNITS, effect));
      return interval[0] <= effect && effect <= interval[1];
    }).filter(Boolean).length;
    // Binomial(200, 0.95): 95% of runs fall within about 184–196.
    expect(covered / REPLICATIONS).toBeGreaterThan(0.91);
    expect(covered / REPLICATIONS).toBeLessThan(0.99);
  });

  it('flags about 5% of A/A replications, for plain, ratio and CUPED estimates', () => {
    const rng = new Rng('a/a');
    const flagged = { mean: 0, ratio: 0, cuped: 0 };
    for (let r = 0; r < REPLICATIONS; r++) {
      if (meanDifference(minutes(rng, UNITS, 0), minutes(rng, UNITS, 0)).significant) flagged.mean++;
      const ratioUnits = () =>
        Array.from({ length: UNITS }, () => {
          const views = 1 + rng.poisson(6);
          return { numerator: rng.poisson(views * 0.3), denominator: views };
        });
      if (ratioDifference(ratioUnits(), ratioUnits()).significant) flagged.ratio++;
      const covariateUnits = () =>
        Array.from({ length: UNITS }, () => {
          const habit = rng.logNormal(3, 1);
          return { before: habit + rng.normal(0, 5), value: habit + rng.normal(0, 5) };
        });
      if (cupedDifference(covariateUnits(), covariateUnits()).significant) flagged.cuped++;
    }
    for (const n of Object.values(flagged)) {
      // Binomial(200, 0.05): 95% of runs fall within about 4–16.
      expect(n / REPLICATIONS).toBeGreaterThan(0.01);
      expect(n / REPLICATIONS).toBeLessThan(0.1);
    }
  });

  it('removes the variance that pre-experiment behaviour explains, without moving the estimate', () => {
    const rng = new Rng('cuped');
    const units = (effect: number) =>
      Array.from({ length: UNITS }, () => {
        const habit = rng.logNormal(3, 1);
        return { before: habit + rng.normal(0, 3), value: habit + rng.normal(0, 3) + effect };
      });
    const result = cupedDifference(units(0), units(1.5));
    expect(result.varianceRemoved).toBeGreaterThan(0.5);
    expect(result.interval[0]).toBeLessThan(1.5);
    expect(result.interval[1]).toBeGreaterThan(1.5);
  });

  it('flags a forced 52/48 split of 10,000 units as a sample-ratio mismatch, and not a fair one', () => {
    expect(sampleRatioMismatch([5_200, 4_800], [0.5, 0.5]).mismatch).toBe(true);
    expect(sampleRatioMismatch([5_030, 4_970], [0.5, 0.5]).mismatch).toBe(false);
    expect(sampleRatioMismatch([3_400, 3_300, 3_300], [1, 1, 1]).mismatch).toBe(false);
  });
});
