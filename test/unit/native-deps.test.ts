import { HierarchicalNSW } from 'hnswlib-node';
import { onnx } from 'onnx-proto';
import * as ort from 'onnxruntime-node';

/**
 * The native parts later stages are built on load and run inside jest: onnxruntime-node needs the
 * typed-array environment (test/support/typed-array-environment.js), hnswlib-node its compiled addon.
 */
describe('native dependencies', () => {
  it('runs an ONNX graph written with onnx-proto in onnxruntime-node on a Float32Array', async () => {
    const weights = new Float32Array([1, 2, 3, 4, 5, 6]);
    const model = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 13 }],
      graph: {
        name: 'matmul',
        node: [{ opType: 'MatMul', input: ['x', 'w'], output: ['y'] }],
        initializer: [{ name: 'w', dims: [3, 2], dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(weights.buffer) }],
        input: [
          {
            name: 'x',
            type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: 3 }] } } },
          },
        ],
        output: [
          {
            name: 'y',
            type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimValue: 1 }, { dimValue: 2 }] } } },
          },
        ],
      },
    });
    const session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish());
    const out = await session.run({ x: new ort.Tensor('float32', new Float32Array([1, 1, 1]), [1, 3]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([9, 12]);
  });

  it('builds and searches an HNSW index', () => {
    const index = new HierarchicalNSW('cosine', 2);
    index.initIndex(3);
    index.addPoint([1, 0], 0);
    index.addPoint([0, 1], 1);
    index.addPoint([0.9, 0.1], 2);
    expect(index.searchKnn([1, 0.05], 2).neighbors).toEqual([0, 2]);
  });
});
