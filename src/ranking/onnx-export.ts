import { onnx } from 'onnx-proto';
import { type Dense, HEADS, type Head, type MultiTaskModel } from './multitask-model';

/** Graph names shared with the scorer: one input, one output per head in HEADS order. */
export const ONNX_INPUT = 'features';
export const ONNX_OUTPUTS: Record<Head, string> = { click: 'p_click', finish: 'p_finish', ret: 'p_return' };

// IR 8 / opset 13: old enough for any onnxruntime since 1.10, new enough for everything used here.
const IR_VERSION = 8;
const OPSET = 13;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

function floatTensor(name: string, dims: number[], data: Float32Array): onnx.ITensorProto {
  // raw_data is little-endian float32 by the ONNX spec, which is the host order on x86 and ARM.
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

function valueInfo(name: string, dims: (number | string)[]): onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim } } } };
}

/**
 * The model as ONNX bytes: input `features` float32 [N, inputDim] with a symbolic batch dimension
 * N, outputs `p_click`, `p_finish`, `p_return` float32 [N, 1] (the natural shape of x·W for one
 * unit; a Reshape to [N] would add a node and buy nothing, since the flat data is the same N floats).
 * Each layer is MatMul → Add → Relu, each head ends in MatMul → Add → Sigmoid.
 */
export function exportOnnx(model: MultiTaskModel): Uint8Array {
  const nodes: onnx.INodeProto[] = [];
  const initializer: onnx.ITensorProto[] = [];
  const layer = (name: string, dense: Dense, input: string, activation: 'Relu' | 'Sigmoid', output = `${name}_out`): string => {
    initializer.push(floatTensor(`${name}_w`, [dense.inDim, dense.outDim], dense.w), floatTensor(`${name}_b`, [dense.outDim], dense.b));
    nodes.push(
      { name: `${name}_matmul`, opType: 'MatMul', input: [input, `${name}_w`], output: [`${name}_xw`] },
      { name: `${name}_add`, opType: 'Add', input: [`${name}_xw`, `${name}_b`], output: [`${name}_z`] },
      { name: `${name}_${activation.toLowerCase()}`, opType: activation, input: [`${name}_z`], output: [output] },
    );
    return output;
  };
  let top = ONNX_INPUT;
  model.shared.forEach((dense, i) => (top = layer(`shared${i}`, dense, top, 'Relu')));
  for (const h of HEADS) {
    const tower = model.towers[h];
    let x = top;
    tower.forEach((dense, i) => {
      const last = i === tower.length - 1;
      x = layer(`${h}${i}`, dense, x, last ? 'Sigmoid' : 'Relu', last ? ONNX_OUTPUTS[h] : undefined);
    });
  }
  const proto = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'multitask-ranker',
    graph: {
      name: 'multitask_ranker',
      node: nodes,
      initializer,
      input: [valueInfo(ONNX_INPUT, ['N', model.shape.inputDim])],
      output: HEADS.map((h) => valueInfo(ONNX_OUTPUTS[h], ['N', 1])),
    },
  });
  return onnx.ModelProto.encode(proto).finish();
}
