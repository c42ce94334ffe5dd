// The inference-only entry: Predictor loads what save() and toSafetensors() write and predicts
// bit-identically to MLP.predict with the same kernel variant, on its forward-only builds.
import { afterAll, describe, expect, it } from 'vitest';
import { MLP, setKernelVariant, supportedKernelVariants, type Activation, type DType, type Loss } from '../src/index.js';
import { DisposedError, FormatError, Predictor, ShapeError, ValueError } from '../src/inference/index.js';
import { randomData } from './helpers.js';
import { readFileSync } from 'node:fs';

afterAll(() => setKernelVariant('auto'));

const SPEC = { layers: [6, 12, 8, 3], activations: ['leaky-relu', 'tanh', 'softmax'] as Activation[], loss: 'cross-entropy' as Loss };
const bits = (a: Float32Array | Float64Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.byteLength / 4));

async function trained(dtype: DType, activations = SPEC.activations, loss = SPEC.loss): Promise<MLP> {
  const net = await MLP.create({ ...SPEC, activations, loss, dtype, seed: 4, dropout: [0.2, 0] });
  const { X, Y } = randomData({ ...SPEC, activations, loss }, 64, 8);
  net.fit(X, Y, { epochs: 2, batchSize: 16, learningRate: 0.05 });
  return net;
}

describe('Predictor', () => {
  const cases = supportedKernelVariants().flatMap((variant) => (['float32', 'float64'] as const).map((dtype) => ({ variant, dtype })));
  it.each(cases)('$variant $dtype: from save() and from toSafetensors(), predictions bit-identical to MLP.predict', async ({ variant, dtype }) => {
    setKernelVariant(variant);
    const net = await trained(dtype);
    const { X } = randomData(SPEC, 37, 2);
    const input = dtype === 'float32' ? Float32Array.from(X) : X;
    const expected = net.predict(input) as Float32Array | Float64Array;
    for (const bytes of [net.save(), net.save().slice().buffer, net.toSafetensors()]) {
      const predictor = await Predictor.load(bytes);
      expect(predictor.architecture).toEqual(net.architecture);
      expect(bits(predictor.predict(input) as Float32Array)).toEqual(bits(expected));
      const out = new (expected.constructor as typeof Float64Array)(expected.length);
      expect(bits(predictor.predictInto(input, out))).toEqual(bits(expected));
      const rows = Array.from({ length: 37 }, (_, i) => Array.from(X.subarray(i * 6, (i + 1) * 6)));
      expect(predictor.predict(rows)).toEqual(net.predict(rows));
      predictor.dispose();
    }
    setKernelVariant('auto');
    net.dispose();
  });

  it.each(cases)('$variant $dtype: batch norm (running statistics) and layer norm layers, predictions bit-identical to MLP.predict', async ({ variant, dtype }) => {
    setKernelVariant(variant);
    const spec = { layers: [6, 9, 7, 3], activations: ['gelu', 'relu', 'softmax'], normalization: ['batch-norm', 'layer-norm'], loss: 'cross-entropy' } as const;
    const net = await MLP.create({ ...spec, dtype, seed: 7 });
    const { X, Y } = randomData({ layers: [...spec.layers], activations: [...spec.activations], loss: spec.loss }, 40, 3);
    net.fit(X, Y, { epochs: 3, batchSize: 8, learningRate: 0.05 });
    // Trained, so the running statistics differ from their starting 0 and 1.
    expect(net.getRunningStatistics()[0].runningVar.some((v) => v !== 1)).toBe(true);
    const input = dtype === 'float32' ? Float32Array.from(X) : X;
    const expected = net.predict(input) as Float32Array | Float64Array;
    for (const bytes of [net.save(), net.toSafetensors()]) {
      const predictor = await Predictor.load(bytes);
      expect(bits(predictor.predict(input) as Float32Array)).toEqual(bits(expected));
      expect(bits(predictor.predict(input.subarray(0, 12)) as Float32Array)).toEqual(bits(expected.subarray(0, 6)));
      // A batch larger than any before: its buffers are laid out again.
      const twice = dtype === 'float32' ? new Float32Array(2 * input.length) : new Float64Array(2 * input.length);
      twice.set(input);
      twice.set(input, input.length);
      expect(bits((predictor.predict(twice) as Float32Array).subarray(expected.length))).toEqual(bits(expected));
      predictor.dispose();
    }
    setKernelVariant('auto');
    net.dispose();
  });

  it('reads PyTorch-style safetensors with the architecture given, and refuses what is not a model', async () => {
    const net = await trained('float32', ['relu', 'relu', 'linear'], 'mse');
    // Strip wasm-mlp's metadata: what a PyTorch state_dict saved as safetensors looks like.
    const file = net.toSafetensors();
    const n = Number(new DataView(file.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + n)));
    delete header.__metadata__;
    let json = JSON.stringify(header);
    json += ' '.repeat((8 - (json.length % 8)) % 8);
    const bare = new Uint8Array(8 + json.length + file.length - 8 - n);
    new DataView(bare.buffer).setBigUint64(0, BigInt(json.length), true);
    bare.set(new TextEncoder().encode(json), 8);
    bare.set(file.subarray(8 + n), 8 + json.length);
    await expect(Predictor.load(bare)).rejects.toThrow(/Predictor\.load: .*activations/);
    const predictor = await Predictor.load(bare, { activations: ['relu', 'relu', 'linear'], loss: 'mse' });
    const X = new Float32Array(12).fill(0.3);
    expect(predictor.predict(X)).toEqual(net.predict(X));
    await expect(Predictor.load('model.wmlp' as never)).rejects.toThrow(new ValueError('Predictor.load: bytes must be a Uint8Array or ArrayBuffer holding a model file (a checkpoint, JSON or safetensors), got "model.wmlp"'));
    const corrupt = net.save();
    corrupt[corrupt.length - 10] ^= 1;
    await expect(Predictor.load(corrupt)).rejects.toThrow(FormatError);
    await expect(Predictor.load(new Uint8Array([1, 2, 3]))).rejects.toThrow(FormatError);
    net.dispose();
  });

  it('the forward-only builds export the forward pass and nothing of training, at under half the size of the full builds', () => {
    for (const name of ['f32.scalar', 'f32.simd', 'f64.simd']) {
      const read = (file: string) => readFileSync(new URL(`../src/wasm/build/${file}.${name}.wasm`, import.meta.url));
      const functions = WebAssembly.Module.exports(new WebAssembly.Module(read('inference'))).filter((e) => e.kind === 'function').map((e) => e.name);
      // …and the int8 forward pass of quantized models (assembly/inference-int8.ts).
      expect(functions.sort()).toEqual(['firstNonFinite', 'floatBytes', 'forward', 'heapBase', 'int8Epilogue', 'int8Gemm', 'int8RelaxedBuild', 'quantizeRows']);
      expect(read('inference').length).toBeLessThan(read('mlp').length / 2);
    }
  });

  it('checks X and out as MLP does, and refuses every call after dispose', async () => {
    const predictor = await Predictor.load((await trained('float32')).save());
    expect([predictor.inputSize, predictor.outputSize, predictor.dtype]).toEqual([6, 3, 'float32']);
    expect(() => predictor.predict(new Float32Array(7))).toThrow(new ShapeError("predict: X has 7 values, not a whole number of rows of 6 (the network's input size)"));
    expect(() => predictor.predict([[1, 2, 3, 4, 5, NaN]])).toThrow(new ValueError('predict: X row 0, column 5 must be a finite number, got NaN'));
    expect(() => predictor.predictInto(new Float32Array(6), new Float32Array(2))).toThrow(new ShapeError('predictInto: out has 2 values, expected 3 (1 row of X × 3 outputs)'));
    predictor.dispose();
    predictor.dispose();
    expect(predictor.disposed).toBe(true);
    expect(() => predictor.predict(new Float32Array(6))).toThrow(DisposedError);
  });
});
