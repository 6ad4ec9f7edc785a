import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { headMetric } from '../../src/ranking/head-metrics';
import { HEADS, type Head, type HeadOutputs, MultiTaskModel, sigmoid } from '../../src/ranking/multitask-model';
import {
  lossAndGradients,
  type Objective,
  trainMultiTask,
  type TrainingData,
  type TrainResult,
} from '../../src/ranking/multitask-training';
import { exportOnnx } from '../../src/ranking/onnx-export';
import { OnnxScorer } from '../../src/ranking/onnx-scorer';
import { Rng } from '../../src/shared/random';

const D = 12;

/**
 * Impressions with known structure: click is a logistic function of three features; finishing
 * depends on others (one of them through |x|, which a linear model cannot fit) and is only
 * labelled for clicked rows; returning tomorrow follows the chance of finishing and one more feature.
 */
function synthetic(n: number, seed: number): TrainingData {
  const rng = new Rng(`synthetic:${seed}`);
  const rows = Float32Array.from({ length: n * D }, () => rng.normal());
  const labels = { click: new Float32Array(n), finish: new Float32Array(n), ret: new Float32Array(n) };
  for (let i = 0; i < n; i++) {
    const x = rows.subarray(i * D, (i + 1) * D);
    const pFinish = sigmoid(2.5 * x[3] - 1.5 * x[4] + Math.abs(x[5]) - 0.8);
    const click = rng.chance(sigmoid(-1 + 2 * x[0] - 1.5 * x[1] + x[2]));
    labels.click[i] = +click;
    labels.finish[i] = click ? +rng.chance(pFinish) : NaN;
    labels.ret[i] = +rng.chance(sigmoid(-2.5 + 3.5 * pFinish + 2 * x[6]));
  }
  return { rows, n, labels };
}

function maxAbsDiff(a: HeadOutputs, b: HeadOutputs): number {
  let max = 0;
  for (const h of HEADS) {
    expect(b[h].length).toBe(a[h].length);
    for (let i = 0; i < a[h].length; i++) max = Math.max(max, Math.abs(a[h][i] - b[h][i]));
  }
  return max;
}

describe('multi-task ranking model', () => {
  const train = synthetic(2000, 1);
  const validation = synthetic(500, 2);
  const heldOut = synthetic(1000, 3);
  let trained: TrainResult;

  beforeAll(() => {
    trained = trainMultiTask(train, { seed: 7, epochs: 100, batchSize: 64, learningRate: 1e-3, validation });
  });

  it('has hand-written gradients that match finite differences', () => {
    const rng = new Rng('gradcheck');
    const model = MultiTaskModel.init({ inputDim: 5, shared: [8, 6], tower: [4] }, 3);
    // Non-zero biases, so the check also covers them meeting the ReLU kinks away from zero.
    for (const l of model.layers()) for (let j = 0; j < l.b.length; j++) l.b[j] = rng.normal(0, 0.3);
    const n = 24;
    const data: TrainingData = {
      rows: Float32Array.from({ length: n * 5 }, () => rng.normal()),
      n,
      labels: {
        click: Float32Array.from({ length: n }, () => +rng.chance(0.4)),
        finish: Float32Array.from({ length: n }, (_, i) => (i % 3 === 0 ? NaN : rng.float())), // soft labels too
        ret: Float32Array.from({ length: n }, () => +rng.chance(0.3)),
      },
      masks: { ret: Uint8Array.from({ length: n }, (_, i) => +(i % 4 !== 0)) },
    };
    const objective: Objective = { lossWeights: { click: 1, finish: 0.5, ret: 2 }, positiveWeights: { click: 2, finish: 0.7, ret: 3 } };
    const loss = () => lossAndGradients(model, data, objective, false).losses.total;
    const { grads } = lossAndGradients(model, data, objective);
    // Every parameter (201 of them): cheap at this size. A step of 1e-4 stays clear of the ReLU
    // kinks here (1e-3 crosses three); the step is the one actually stored in float32.
    let checked = 0;
    model.layers().forEach((layer, li) => {
      for (const [params, grad] of [
        [layer.w, grads[li].w],
        [layer.b, grads[li].b],
      ] as const) {
        for (let k = 0; k < params.length; k++) {
          const orig = params[k];
          params[k] = orig + 1e-4;
          const [up, hi] = [loss(), params[k]];
          params[k] = orig - 1e-4;
          const [down, lo] = [loss(), params[k]];
          params[k] = orig;
          expect(Math.abs((up - down) / (hi - lo) - grad[k])).toBeLessThanOrEqual(1e-8 + 1e-5 * Math.abs(grad[k]));
          checked++;
        }
      }
    });
    expect(checked).toBe(201);
  });

  it('learns the synthetic problem: lower validation loss and AUC > 0.8 per head on held-out rows', () => {
    const initial = MultiTaskModel.init({ inputDim: D, shared: [64, 32], tower: [16] }, 7);
    const before = lossAndGradients(initial, validation, trained.objective, false).losses;
    const after = lossAndGradients(trained.model, validation, trained.objective, false).losses;
    expect(after.total).toBeLessThan(0.75 * before.total);
    for (const h of HEADS) expect(after[h]).toBeLessThan(before[h]);
    const scores = trained.model.forward(heldOut.rows, heldOut.n);
    for (const h of HEADS) expect(headMetric(scores[h], heldOut.labels[h]).auc).toBeGreaterThan(0.8);
  });

  it('weights the positive class by the label frequencies of the labelled training rows', () => {
    const rate = (h: Head) => {
      const labelled = Array.from(train.labels[h]).filter((y) => y === y);
      return labelled.reduce((s, y) => s + y, 0) / labelled.length;
    };
    for (const h of HEADS) expect(trained.objective.positiveWeights[h]).toBeCloseTo((1 - rate(h)) / rate(h), 10);
  });

  it('is deterministic for a seed and serialises exactly', () => {
    const small = synthetic(300, 4);
    const run = (seed: number) => trainMultiTask(small, { seed, epochs: 3, batchSize: 32 });
    const a = run(1);
    const b = run(1);
    expect(b.model.toJSON()).toEqual(a.model.toJSON());
    expect(b.history).toEqual(a.history);
    expect(run(2).model.toJSON()).not.toEqual(a.model.toJSON());
    const restored = MultiTaskModel.fromJSON(JSON.parse(JSON.stringify(a.model.toJSON())));
    expect(maxAbsDiff(restored.forward(small.rows, small.n), a.model.forward(small.rows, small.n))).toBe(0);
  });

  it('scores the same in onnxruntime-node as in TypeScript, within 1e-5, in one run of 300 rows', async () => {
    const rng = new Rng('parity');
    const random = Float32Array.from({ length: 300 * D }, () => rng.normal(0, 2));
    const file = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'ranker-')), 'ranker.onnx');
    await fs.writeFile(file, exportOnnx(trained.model));
    const scorer = await OnnxScorer.load(file);
    try {
      expect(scorer.inputDim).toBe(D);
      for (const rows of [random, train.rows.slice(0, 300 * D)]) {
        expect(maxAbsDiff(await scorer.score(rows, 300), trained.model.forward(rows, 300))).toBeLessThan(1e-5);
      }
    } finally {
      await scorer.release();
      await fs.rm(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('stops early and restores the weights of the best validation epoch', () => {
    const history: number[] = [];
    const result = trainMultiTask(synthetic(200, 5), {
      seed: 1,
      epochs: 300,
      batchSize: 32,
      learningRate: 1e-2,
      patience: 4,
      validation,
      onEpoch: (p) => history.push(p.val.total),
    });
    expect(history).toEqual(result.history.map((p) => p.val.total));
    expect(history.length).toBe(result.bestEpoch + 4);
    expect(history.length).toBeLessThan(300);
    const best = Math.min(...history);
    expect(history[result.bestEpoch - 1]).toBe(best);
    expect(history[history.length - 1]).toBeGreaterThan(best);
    expect(lossAndGradients(result.model, validation, result.objective, false).losses.total).toBe(best);
  });
});
