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

  /**
   * K networks of one shape as a single network whose logits are the mean of theirs: every layer
   * K times as wide, the members side by side (the first layer reads the same input, later layers
   * are block-diagonal, so no member sees another's units), and each head's last unit averages
   * the members' logits. Serving and the ONNX export see one ordinary network.
   */
  static ensemble(members: readonly MultiTaskModel[]): MultiTaskModel {
    const k = members.length;
    if (k === 0) throw new Error('an ensemble needs at least one member');
    if (k === 1) return members[0];
    const shape = members[0].shape;
    if (members.some((m) => JSON.stringify(m.shape) !== JSON.stringify(shape))) throw new Error('ensemble members must share one shape');
    const layers = members.map((m) => m.layers());
    const perTower = shape.tower.length + 1;
    let next = 0;
    return MultiTaskModel.build(
      { inputDim: shape.inputDim, shared: shape.shared.map((w) => w * k), tower: shape.tower.map((w) => w * k) },
      (inDim, outDim) => {
        const at = next++;
        const parts = layers.map((l) => l[at]);
        const inTower = at - shape.shared.length;
        // Layers that read the features themselves: the first shared one, or each tower's first when nothing is shared.
        const fromInput = at === 0 || (shape.shared.length === 0 && inTower % perTower === 0);
        const head = inTower >= 0 && inTower % perTower === perTower - 1;
        const w = new Float32Array(inDim * outDim);
        const b = new Float32Array(outDim);
        parts.forEach((p, m) => {
          // Where member m's inputs and outputs sit in the wide layer.
          const row0 = fromInput ? 0 : m * p.inDim;
          const col0 = head ? 0 : m * p.outDim;
          const scale = head ? 1 / k : 1;
          for (let i = 0; i < p.inDim; i++)
            for (let j = 0; j < p.outDim; j++) w[(row0 + i) * outDim + col0 + j] = p.w[i * p.outDim + j] * scale;
          for (let j = 0; j < p.outDim; j++) b[col0 + j] += p.b[j] * scale;
        });
        return { inDim, outDim, w, b };
      },
    );
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
