import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_ALS, trainAls, type InteractionMatrix } from '../../src/retrieval/als';
import { AlsQueue } from '../../src/training/als-queue';
import { Rng } from '../../src/shared/random';

/** The worker script `npm test` compiles first (tsc); under ts-jest alone there is none. */
const SCRIPT = path.resolve('dist/src/training/als-thread.js');

function randomMatrix(seed: string, rows: number, cols: number): InteractionMatrix {
  const rng = new Rng(seed);
  const rowPtr = new Int32Array(rows + 1);
  const colIdx: number[] = [];
  const strength: number[] = [];
  for (let r = 0; r < rows; r++) {
    const picked = new Set(Array.from({ length: rng.int(1, 12) }, () => rng.int(0, cols - 1)));
    for (const c of [...picked].sort((a, b) => a - b)) {
      colIdx.push(c);
      strength.push(rng.float() * 3);
    }
    rowPtr[r + 1] = colIdx.length;
  }
  return { rows, cols, rowPtr, colIdx: Int32Array.from(colIdx), strength: Float32Array.from(strength) };
}

(existsSync(SCRIPT) ? describe : describe.skip)('ALS on the worker thread', () => {
  it("gives trainAls's factors, job by job in the order queued, reporting progress while awaited", async () => {
    const queue = AlsQueue.open(SCRIPT);
    try {
      const options = { ...DEFAULT_ALS, factors: 16, iterations: 5 };
      const matrices = [randomMatrix('a', 300, 80), randomMatrix('b', 200, 120)];
      const jobs = matrices.map((m) => queue.submit(m, options));
      const seen: number[] = [];
      for (const [k, job] of jobs.entries()) {
        const { factors, seconds } = await job.result((done) => seen.push(done));
        const here = trainAls(matrices[k], options);
        expect(factors.rowFactors).toEqual(here.rowFactors);
        expect(factors.colFactors).toEqual(here.colFactors);
        expect(seconds).toBeGreaterThan(0);
      }
      expect(seen.at(-1)).toBe(5);
    } finally {
      await queue.close();
    }
  });

  it('rejects a job the worker cannot train, and goes on with the next', async () => {
    const queue = AlsQueue.open(SCRIPT);
    try {
      const broken = { ...randomMatrix('c', 50, 20), rowPtr: undefined as unknown as Int32Array };
      const failing = queue.submit(broken, { ...DEFAULT_ALS, factors: 4, iterations: 1 });
      const fine = queue.submit(randomMatrix('d', 50, 20), { ...DEFAULT_ALS, factors: 4, iterations: 1 });
      await expect(failing.result()).rejects.toThrow();
      await expect(fine.result()).resolves.toMatchObject({ factors: { factors: 4 } });
    } finally {
      await queue.close();
    }
  });
});
