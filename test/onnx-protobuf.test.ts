// The hand-written protobuf writer (src/io/protobuf.ts) against protobufjs, the reference
// implementation of protobuf in JS: for the same object and descriptor both give the same bytes,
// and every exported ONNX file is exactly what protobufjs writes for the model it decodes to.
import { describe, expect, it } from 'vitest';
import protobuf from 'protobufjs/light.js';
import { MLP, type Activation } from '../src/index.js';
import { ONNX_SCHEMA } from '../src/io/onnx-schema.js';
import { encodeMessage } from '../src/io/protobuf.js';

const root = protobuf.Root.fromJSON(ONNX_SCHEMA);

function reference(typeName: string, message: object): Uint8Array {
  const type = root.lookupType(typeName);
  return Uint8Array.from(type.encode(type.fromObject(message)).finish());
}

describe('encodeMessage', () => {
  it('writes the bytes protobufjs writes: negative int64, enums, packed dims, oneofs, nested types, strings and bytes', () => {
    const attribute = { name: 'axis', type: 2, i: -1 };
    expect(encodeMessage(ONNX_SCHEMA, 'onnx.AttributeProto', attribute)).toEqual(reference('onnx.AttributeProto', attribute));
    // −1 is ten bytes of two's complement after the tag (field 3, varint): 0x18 ff×9 01.
    expect([...encodeMessage(ONNX_SCHEMA, 'onnx.AttributeProto', { i: -1 })]).toEqual([0x18, ...Array(9).fill(0xff), 0x01]);
    const ints = { name: 'axes', type: 'INTS', ints: [1, 300, 2 ** 40] };
    expect(encodeMessage(ONNX_SCHEMA, 'onnx.AttributeProto', ints)).toEqual(reference('onnx.AttributeProto', ints));
    const tensor = { name: 'wé', dims: [3, 150], dataType: 11, rawData: new Uint8Array([0, 1, 255, 128]) };
    expect(encodeMessage(ONNX_SCHEMA, 'onnx.TensorProto', tensor)).toEqual(reference('onnx.TensorProto', tensor));
    const value = { name: 'input', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'batch' }, { dimValue: 784 }] } } } };
    expect(encodeMessage(ONNX_SCHEMA, 'onnx.ValueInfoProto', value)).toEqual(reference('onnx.ValueInfoProto', value));
    const float = { name: 'alpha', f: 0.1 };
    expect(encodeMessage(ONNX_SCHEMA, 'onnx.AttributeProto', float)).toEqual(reference('onnx.AttributeProto', float));
  });

  it("leaves out proto3 defaults (0, '', undefined, null) but writes a oneof member even when 0, and packs repeated scalars", () => {
    const message = { name: '', i: 0, type: 0, s: undefined, f: null };
    expect([...encodeMessage(ONNX_SCHEMA, 'onnx.AttributeProto', message)]).toEqual([]);
    expect(reference('onnx.AttributeProto', message)).toEqual(new Uint8Array());
    // Dimension.dimValue is in the oneof 'value': field 1, varint 0.
    expect([...encodeMessage(ONNX_SCHEMA, 'onnx.TensorShapeProto.Dimension', { dimValue: 0 })]).toEqual([0x08, 0x00]);
    expect(reference('onnx.TensorShapeProto.Dimension', { dimValue: 0 })).toEqual(new Uint8Array([0x08, 0x00]));
    // AttributeProto.ints (field 8): one tag, wire type 2, length 2, then the varints 1 and 2.
    expect([...encodeMessage(ONNX_SCHEMA, 'onnx.AttributeProto', { ints: [1, 2] })]).toEqual([0x42, 0x02, 0x01, 0x02]);
  });

  it('throws on a key the descriptor lacks instead of dropping it', () => {
    expect(() => encodeMessage(ONNX_SCHEMA, 'onnx.AttributeProto', { nmae: 'x' })).toThrow(/no field 'nmae'/);
    expect(() => encodeMessage(ONNX_SCHEMA, 'onnx.NoSuchProto', {})).toThrow(/no type 'onnx.NoSuchProto'/);
  });
});

describe('toOnnx bytes', () => {
  const activations: Activation[] = ['relu', 'leaky-relu', 'tanh', 'gelu', 'gelu-tanh', 'silu', 'elu', 'selu', 'softplus', 'mish', 'sigmoid'];
  for (const dtype of ['float32', 'float64'] as const) {
    it(`are protobufjs's encoding of the model they decode to (${dtype}, every activation, both normalizations)`, async () => {
      const layers = [3, ...activations.map(() => 4), 2];
      const net = await MLP.create({
        layers, activations: [...activations, 'softmax'], loss: 'cross-entropy', dtype, seed: 5,
        normalization: activations.map((_, i) => (i % 3 === 0 ? 'batch-norm' : i % 3 === 1 ? 'layer-norm' : null)),
      });
      const bytes = net.toOnnx();
      const type = root.lookupType('onnx.ModelProto');
      const decoded = type.decode(bytes);
      expect(Uint8Array.from(type.encode(decoded).finish())).toEqual(bytes);
      expect((decoded as unknown as { graph: { node: unknown[] } }).graph.node.length).toBeGreaterThan(activations.length * 2);
      net.dispose();
    });
  }
});
