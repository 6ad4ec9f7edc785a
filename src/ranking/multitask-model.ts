import { Rng } from '../shared/random';

/** The three engagement outcomes the ranker predicts, in this order everywhere (layers, ONNX outputs). */
export const HEADS = ['click', 'finish', 'ret'] as const;
export type Head = (typeof HEADS)[number];
export type HeadOutputs = Record<Head, Float32Array>;

/**
 * One fully connected layer. `w` is [inDim, outDim] row-major, the layout ONNX MatMul expects for
 * `x[N, inDim] · w`, so the exporter writes these bytes unchanged.
 */
export interface Dense {
  inDim: number;
  outDim: number;
  w: Float32Array;
  b: Float32Array;
}

export interface MultiTaskShape {
  inputDim: number;
  /** Widths of the shared ReLU layers. */
  shared: number[];
  /** Widths of each head's own ReLU layers, before its single sigmoid unit. */
  tower: number[];
}

export const DEFAULT_SHAPE: Omit<MultiTaskShape, 'inputDim'> = { shared: [64, 32], tower: [16] };

/**
 * Every layer's output for one batch, kept for backprop. `shared[0]` is the input; the last entry
 * of each tower is the pre-sigmoid logit (the loss is computed from logits for stability).
 */
export interface MultiTaskTrace {
  shared: (Float32Array | Float64Array)[];
  towers: Record<Head, Float64Array[]>;
}

/** JSON form for a model bundle: weights as base64 of little-endian float32, exact and compact. */
export interface MultiTaskModelJson {
  format: 'multitask-mlp/1';
  shape: MultiTaskShape;
  layers: { w: string; b: string }[];
}

/**
 * x·W + b for n rows, optionally through ReLU. Accumulates in float64; zero inputs (common after
 * ReLU) are skipped, which roughly halves the work of the hidden layers.
 */
export function denseForward(layer: Dense, x: Float32Array | Float64Array, n: number, relu: boolean): Float64Array {
  const { inDim, outDim, w, b } = layer;
  const out = new Float64Array(n * outDim);
  for (let i = 0; i < n; i++) {
    const o = i * outDim;
    for (let j = 0; j < outDim; j++) out[o + j] = b[j];
    for (let k = 0; k < inDim; k++) {
      const xik = x[i * inDim + k];
      if (xik === 0) continue;
      const wk = k * outDim;
      for (let j = 0; j < outDim; j++) out[o + j] += xik * w[wk + j];
    }
    if (relu) for (let j = 0; j < outDim; j++) if (out[o + j] < 0) out[o + j] = 0;
  }
  return out;
}

/** Gradients of one layer's parameters, in float64 so that summing over a batch loses nothing. */
export type LayerGrad = { w: Float64Array; b: Float64Array };

/**
 * Adds one layer's weight and bias gradients for a batch to `g` and returns the gradient w.r.t. its input,
 * masked by the ReLU that produced that input (all hidden activations are post-ReLU).
 */
export function denseBackward(
  layer: Dense,
  x: Float32Array | Float64Array,
  dOut: Float64Array,
  n: number,
  g: LayerGrad,
  wantInput: boolean,
): Float64Array {
  const { inDim, outDim, w } = layer;
  const dX = new Float64Array(wantInput ? n * inDim : 0);
  for (let i = 0; i < n; i++) {
    const o = i * outDim;
    for (let j = 0; j < outDim; j++) g.b[j] += dOut[o + j];
    for (let k = 0; k < inDim; k++) {
      const xik = x[i * inDim + k];
      const wk = k * outDim;
      if (xik !== 0) for (let j = 0; j < outDim; j++) g.w[wk + j] += xik * dOut[o + j];
      if (wantInput && xik > 0) {
        let s = 0;
        for (let j = 0; j < outDim; j++) s += dOut[o + j] * w[wk + j];
        dX[i * inDim + k] = s;
      }
    }
  }
  return dX;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** Shared-bottom multi-task MLP: shared ReLU layers, then per head a ReLU tower and one sigmoid unit. */
export class MultiTaskModel {
  private constructor(
    readonly shape: MultiTaskShape,
    readonly shared: Dense[],
    readonly towers: Record<Head, Dense[]>,
  ) {}

  /** He initialisation (ReLU follows every hidden layer), zero biases; the seed fixes every weight. */
  static init(shape: MultiTaskShape, seed: number | string): MultiTaskModel {
    const rng = new Rng(`multitask-init:${seed}`);
    return MultiTaskModel.build(shape, (inDim, outDim) => {
      const w = new Float32Array(inDim * outDim);
      const sd = Math.sqrt(2 / inDim);
      for (let i = 0; i < w.length; i++) w[i] = rng.normal(0, sd);
      return { inDim, outDim, w, b: new Float32Array(outDim) };
    });
  }

  static fromJSON(json: MultiTaskModelJson): MultiTaskModel {
    if (json.format !== 'multitask-mlp/1') throw new Error(`unknown ranking model format ${json.format}`);
    let next = 0;
    return MultiTaskModel.build(json.shape, (inDim, outDim) => {
      const stored = json.layers[next++];
      const w = decode(stored?.w ?? '');
      const b = decode(stored?.b ?? '');
      if (w.length !== inDim * outDim || b.length !== outDim) {
        throw new Error(`ranking model layer ${next - 1} does not match shape ${inDim}x${outDim}`);
      }
      return { inDim, outDim, w, b };
    });
  }

  /** Lays out the layers for a shape; `make` supplies each one, in `layers()` order. */
  private static build(shape: MultiTaskShape, make: (inDim: number, outDim: number) => Dense): MultiTaskModel {
    const stack = (inDim: number, widths: number[]): Dense[] => widths.map((outDim, i) => make(i === 0 ? inDim : widths[i - 1], outDim));
    const shared = stack(shape.inputDim, shape.shared);
    const top = shape.shared.length ? shape.shared[shape.shared.length - 1] : shape.inputDim;
    const towers = {} as Record<Head, Dense[]>;
    for (const h of HEADS) towers[h] = stack(top, [...shape.tower, 1]);
    return new MultiTaskModel({ ...shape, shared: [...shape.shared], tower: [...shape.tower] }, shared, towers);
  }

  /** Every layer: shared first, then the towers in HEADS order. Optimisers and gradients use this order. */
  layers(): Dense[] {
    return [...this.shared, ...HEADS.flatMap((h) => this.towers[h])];
  }

  trace(rows: Float32Array, n: number): MultiTaskTrace {
    if (rows.length !== n * this.shape.inputDim) {
      throw new Error(`expected ${n} rows of ${this.shape.inputDim} features, got ${rows.length} values`);
    }
    const shared: (Float32Array | Float64Array)[] = [rows];
    for (const layer of this.shared) shared.push(denseForward(layer, shared[shared.length - 1], n, true));
    const top = shared[shared.length - 1];
    const towers = {} as Record<Head, Float64Array[]>;
    for (const h of HEADS) {
      const acts: Float64Array[] = [];
      const layers = this.towers[h];
      layers.forEach((layer, i) => acts.push(denseForward(layer, i === 0 ? top : acts[i - 1], n, i < layers.length - 1)));
      towers[h] = acts;
    }
    return { shared, towers };
  }

  /** Probabilities of each head for n rows of `inputDim` features (row-major). */
  forward(rows: Float32Array, n: number): HeadOutputs {
    const { towers } = this.trace(rows, n);
    const out = {} as HeadOutputs;
    for (const h of HEADS) out[h] = Float32Array.from(towers[h][towers[h].length - 1], sigmoid);
    return out;
  }

  clone(): MultiTaskModel {
    return MultiTaskModel.fromJSON(this.toJSON());
  }

  toJSON(): MultiTaskModelJson {
    return { format: 'multitask-mlp/1', shape: this.shape, layers: this.layers().map((l) => ({ w: encode(l.w), b: encode(l.b) })) };
  }
}

// Bundles are read on the machines that wrote them or on other little-endian hosts (x86, ARM).
function encode(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

function decode(s: string): Float32Array {
  const bytes = Buffer.from(s, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}
