// Checkpoints: a run resumed from save()/load() continues bit-identically, and every kind of
// damage to the bytes is a FormatError raised before anything is built.
import { describe, expect, it } from 'vitest';
import { FormatError, MLP, ValueError, type Backend, type DType, type FitOptions } from '../src/index.js';
import { crc32 } from '../src/io/crc32.js';
import { Random } from '../src/core/random.js';

function data(rows: number, seed: number) {
  const r = new Random(seed);
  const X = Array.from({ length: rows }, () => [r.normal(), r.normal(), r.normal()]);
  const labels = X.map(([a, b, c]) => (a + b > 0 ? (c > 0 ? 0 : 1) : 2));
  return { X, labels };
}

const create = (backend: Backend, dtype: DType) =>
  MLP.create({ layers: [3, 12, 8, 3], activations: ['relu', 'tanh', 'softmax'], loss: 'cross-entropy', dropout: 0.2, backend, dtype, seed: 17 });

const bits = (a: ArrayLike<number>) => Array.from(new Uint8Array(Float64Array.from(a).buffer));

describe.each([['wasm', 'float32'], ['wasm', 'float64'], ['js', 'float32'], ['js', 'float64']] as const)('resume on %s / %s', (backend, dtype) => {
  const { X, labels } = data(37, 3);
  const schedules: [string, FitOptions][] = [
    ['adam, warmup → cosine', { optimizer: { type: 'adam', learningRate: 0.01 }, schedule: { type: 'warmup', epochs: 2, then: { type: 'cosine', tMax: 4, etaMin: 0.001 } } }],
    ['sgd momentum, reduce-on-plateau on validation loss', { optimizer: { type: 'sgd', learningRate: 0.5, momentum: 0.9, nesterov: true }, schedule: { type: 'reduce-on-plateau', patience: 0, factor: 0.5 }, validationSplit: 0.2 }],
    ['rmsprop centered with clipping', { optimizer: { type: 'rmsprop', learningRate: 0.01, centered: true, momentum: 0.5, clipNorm: 0.5 } }],
  ];
  it.each(schedules)('fit 6 epochs = fit 3, save, load, fit 3 (%s), bit for bit', async (_, extra) => {
    const options: FitOptions = { batchSize: 5, shuffle: true, ...extra };
    const straight = await create(backend, dtype);
    const full = straight.fit(X, labels, { ...options, epochs: 6 });

    const first = await create(backend, dtype);
    const head = first.fit(X, labels, { ...options, epochs: 3 });
    const bytes = first.save();
    first.dispose();
    const resumed = await MLP.load(bytes);
    expect(resumed.backend).toBe(backend);
    expect(resumed.epoch).toBe(3);
    const tail = resumed.fit(X, labels, { ...options, epochs: 3 });

    expect([...head.loss, ...tail.loss]).toEqual(full.loss);
    expect([...head.learningRate, ...tail.learningRate]).toEqual(full.learningRate);
    expect([...head.valLoss, ...tail.valLoss]).toEqual(full.valLoss);
    expect(bits(resumed.getParameters())).toEqual(bits(straight.getParameters()));
    expect(resumed.save()).toEqual(straight.save());
    if (extra.schedule && 'type' in extra.schedule && extra.schedule.type === 'reduce-on-plateau') {
      expect(new Set(full.learningRate).size).toBeGreaterThan(1); // the plateau state really mattered
    }
  });
});

describe('checkpoint contents', () => {
  it('round-trips the optimizer state, step count, generators and counters exactly', async () => {
    const net = await create('wasm', 'float64');
    const { X, labels } = data(20, 4);
    net.fit(X, labels, { epochs: 2, batchSize: 6, optimizer: { type: 'adam', amsgrad: true } });
    const copy = await MLP.load(net.save(), { backend: 'js' });
    expect(copy.backend).toBe('js');
    expect(copy.optimizer).toEqual(net.optimizer);
    expect(copy.epoch).toBe(2);
    expect(Array.from(copy.getParameters())).toEqual(Array.from(net.getParameters()));
    expect(copy.toJSON()).toEqual({ ...net.toJSON(), backend: 'js' });
  });

  it('has the documented layout: magic, version, lengths, JSON header, CRC-32 over everything before it', async () => {
    const net = await MLP.create({ layers: [2, 3, 1], activations: ['tanh', 'linear'], dtype: 'float32', seed: 1 });
    const bytes = net.save();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('WMLPCKPT');
    expect(view.getUint32(8, true)).toBe(1);
    const headerLength = view.getUint32(12, true);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(24, 24 + headerLength)));
    expect(header.tensors).toEqual([{ name: 'parameters', dtype: 'float32', length: 13 }]);
    const dataStart = Math.ceil((24 + headerLength) / 8) * 8;
    expect(Number(view.getBigUint64(16, true))).toBe(bytes.length - dataStart - 4);
    expect(Array.from(new Float32Array(bytes.slice(dataStart, dataStart + 52).buffer))).toEqual(Array.from(net.getParameters()));
    expect(view.getUint32(bytes.length - 4, true)).toBe(crc32(bytes, 0, bytes.length - 4));
  });

  it('crc32 is the IEEE CRC-32 (check value of "123456789")', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});

describe('corrupt checkpoints are FormatErrors', () => {
  async function saved() {
    const net = await MLP.create({ layers: [2, 3, 2], activations: ['relu', 'softmax'], loss: 'cross-entropy', seed: 5 });
    net.setOptimizer({ type: 'adam' });
    net.step([[1, 2]], [1]);
    return net.save();
  }
  /** Rewrites the JSON header and fixes up lengths and checksum, to test the semantic checks behind the CRC. */
  function withHeader(bytes: Uint8Array, edit: (h: any) => void, dataLength?: number): Uint8Array {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const headerLength = view.getUint32(12, true);
    const dataStart = Math.ceil((24 + headerLength) / 8) * 8;
    const data = bytes.slice(dataStart, bytes.length - 4);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(24, 24 + headerLength)));
    edit(header);
    const json = new TextEncoder().encode(JSON.stringify(header));
    const start = Math.ceil((24 + json.length) / 8) * 8;
    const out = new Uint8Array(start + data.length + 4);
    out.set(bytes.subarray(0, 12));
    const v = new DataView(out.buffer);
    v.setUint32(12, json.length, true);
    v.setBigUint64(16, BigInt(dataLength ?? data.length), true);
    out.set(json, 24);
    out.set(data, start);
    v.setUint32(out.length - 4, crc32(out, 0, out.length - 4), true);
    return out;
  }
  const cases: [string, (b: Uint8Array) => Uint8Array, RegExp][] = [
    ['empty', () => new Uint8Array(0), /the bytes are empty, not a model file wasm-mlp reads/],
    ['truncated', (b) => b.slice(0, b.length - 9), /add up to \d+ bytes but it has \d+ \(truncated\?\)/],
    ['trailing bytes', (b) => Uint8Array.from([...b, 0]), /add up to \d+ bytes but it has/],
    ['bad magic', (b) => { const c = b.slice(); c[0] = 0x58; return c; }, /a file of unknown kind \(it starts with 58 4d 4c 50 43 4b 50 54; a checkpoint starts with "WMLPCKPT"\)/],
    ['future version', (b) => { const c = b.slice(); c[8] = 4; return c; }, /format version 4 is not supported \(this library reads versions 1, 2 and 3\)/],
    ['flipped data bit', (b) => { const c = b.slice(); c[c.length - 10] ^= 4; return c; }, /checksum mismatch/],
    ['flipped header byte', (b) => { const c = b.slice(); c[30] ^= 1; return c; }, /checksum mismatch/],
    ['absurd dimensions', (b) => withHeader(b, (h) => { h.architecture.layers = [16777216, 16777216, 2]; }), /layers \[16777216, 16777216, 2\] have 281475027042306 parameters, .*more than the 4 GiB/],
    ['wrong tensor length', (b) => withHeader(b, (h) => { h.tensors[1].length = 3; }), /tensor 1 must be optimizer\.m/],
    ['declared data length off', (b) => withHeader(b, () => {}, 8), /add up to/],
    ['unknown optimizer', (b) => withHeader(b, (h) => { h.optimizer.config.type = 'lion'; }), /optimizer\.config\.type must be one of/],
    ['bad activation', (b) => withHeader(b, (h) => { h.architecture.activations[0] = 'swish'; }), /activations\[0\] must be one of/],
    ['negative epoch', (b) => withHeader(b, (h) => { h.training.epoch = -1; }), /training must hold integer epoch/],
    ['zero generator', (b) => withHeader(b, (h) => { h.random = [0, 0, 0, 0]; }), /random must be 4 unsigned 32-bit integers/],
  ];
  it.each(cases)('%s', async (_, damage, message) => {
    const bytes = damage(await saved());
    await expect(MLP.load(bytes)).rejects.toThrow(FormatError);
    await expect(MLP.load(bytes)).rejects.toThrow(message);
  });
  it('a non-byte argument is a ValueError', async () => {
    await expect(MLP.load('checkpoint' as never)).rejects.toThrow(ValueError);
    await expect(MLP.load(await saved(), { backend: 'gpu' as never })).rejects.toThrow(/options\.backend must be one of/);
  });
});

describe('toJSON({ training: true })', () => {
  it('carries the optimizer state and counters: a JSON round trip resumes bit-identically too', async () => {
    const { X, labels } = data(30, 8);
    const options: FitOptions = { batchSize: 4, optimizer: { type: 'adamw', learningRate: 0.02 }, schedule: { type: 'exponential', gamma: 0.8 } };
    const straight = await create('wasm', 'float32');
    straight.fit(X, labels, { ...options, epochs: 4 });
    const first = await create('wasm', 'float32');
    first.fit(X, labels, { ...options, epochs: 2 });
    const json = JSON.stringify(first.toJSON({ training: true }));
    const resumed = await MLP.fromJSON(json);
    expect(resumed.epoch).toBe(2);
    resumed.fit(X, labels, { ...options, epochs: 2 });
    expect(Array.from(resumed.getParameters())).toEqual(Array.from(straight.getParameters()));
  });

  it('is off by default and JSON.stringify(net) still gives the plain model', async () => {
    const net = await create('js', 'float64');
    expect(net.toJSON().training).toBeUndefined();
    expect(JSON.parse(JSON.stringify(net))).toEqual(net.toJSON());
    expect(() => net.toJSON({ training: 1 as never })).toThrow(/options\.training must be true or false/);
  });

  it('rejects a training part that does not fit the network', async () => {
    const net = await create('js', 'float64');
    net.setOptimizer({ type: 'adam' });
    const json = net.toJSON({ training: true });
    await expect(MLP.fromJSON({ ...json, training: { ...json.training!, optimizer: { ...json.training!.optimizer, buffers: [[1, 2]] } } })).rejects.toThrow(FormatError);
    await expect(MLP.fromJSON({ ...json, training: { ...json.training!, state: { epoch: 1.5, steps: 0, plateau: null } } })).rejects.toThrow(/training\.state must hold integer epoch/);
  });
});
