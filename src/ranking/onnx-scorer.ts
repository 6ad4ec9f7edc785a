import * as ort from 'onnxruntime-node';
import { HEADS, type HeadOutputs } from './multitask-model';
import { ONNX_INPUT, ONNX_OUTPUTS } from './onnx-export';

/** Serves an exported multi-task model: one onnxruntime `run` per batch of candidate rows. */
export class OnnxScorer {
  private constructor(
    private readonly session: ort.InferenceSession,
    readonly inputDim: number,
  ) {}

  /** Loads a `.onnx` file (path) or its bytes, as written by `exportOnnx`. */
  static async load(source: string | Uint8Array): Promise<OnnxScorer> {
    // One homepage's few hundred rows take well under a millisecond on one thread; a thread pool
    // per session would only compete with the concurrent requests the server is already running.
    const options: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1 };
    // Two calls because create's overloads (path | bytes) do not accept the union type.
    const session =
      typeof source === 'string' ? await ort.InferenceSession.create(source, options) : await ort.InferenceSession.create(source, options);
    const input = session.inputMetadata.find((m) => m.name === ONNX_INPUT);
    const inputDim = input?.isTensor ? input.shape[1] : undefined;
    if (typeof inputDim !== 'number') {
      await session.release();
      throw new Error(`ONNX model has no "${ONNX_INPUT}" input of shape [N, d]`);
    }
    return new OnnxScorer(session, inputDim);
  }

  /** p(click), p(finish), p(return) for n rows of `inputDim` features (row-major). */
  async score(rows: Float32Array, n: number): Promise<HeadOutputs> {
    if (rows.length !== n * this.inputDim) {
      throw new Error(`expected ${n} rows of ${this.inputDim} features, got ${rows.length} values`);
    }
    const result = await this.session.run({ [ONNX_INPUT]: new ort.Tensor('float32', rows, [n, this.inputDim]) });
    const out = {} as HeadOutputs;
    for (const h of HEADS) out[h] = result[ONNX_OUTPUTS[h]].data as Float32Array;
    return out;
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
