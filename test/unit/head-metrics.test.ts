import { headMetric } from '../../src/ranking/head-metrics';

describe('per-head metrics', () => {
  it('computes AUC with ties counted half, and log-loss, over labelled rows only', () => {
    const m = headMetric([0.9, 0.8, 0.8, 0.1, 0.5], [1, 1, 0, 0, NaN]);
    // Pairs (positive, negative): (0.9,0.8) 1, (0.9,0.1) 1, (0.8,0.8) ½, (0.8,0.1) 1 → 3.5 / 4.
    expect(m.auc).toBe(0.875);
    expect(m.rows).toBe(4);
    expect(m.positiveRate).toBe(0.5);
    const loss = -(Math.log(0.9) + Math.log(0.8) + Math.log(0.2) + Math.log(0.9)) / 4;
    expect(m.logLoss).toBeCloseTo(loss, 4);
  });

  it('has no AUC when a head has only one class', () => {
    expect(headMetric([0.2, 0.3], [1, 1]).auc).toBeNaN();
  });
});
