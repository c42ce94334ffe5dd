// Normalization layers in a network's files: checkpoints (version 2), JSON and safetensors carry
// γ, β and batch norm's running statistics bit-exactly, training resumes bit-identically, older
// files still load, bad stored statistics are FormatErrors, the inference entry predicts in eval
// mode, and safetensors move both ways between wasm-mlp and PyTorch (files and outputs frozen by
// test/fixtures/make-normalization-fixtures.py, loading into nn.Linear subclasses with `norm`).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FormatError, MLP, type Activation, type CreateOptions, type ModelJSON } from '../src/index.js';
import { Predictor } from '../src/inference/index.js';
import { MLP as BuiltMLP } from '../dist/index.js';
import { maxRelativeError } from './helpers.js';
import { crc32 } from '../src/io/crc32.js';

const bits = (a: ArrayLike<number>) => Array.from(new Uint8Array(Float64Array.from(a).buffer));
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/safetensors/${name}`, import.meta.url)));
const outputs = JSON.parse(new TextDecoder().decode(fixture('normalization-outputs.json')));
const spec = { layers: [3, 6, 5, 2], activations: ['tanh', 'relu', 'linear'], normalization: ['batch-norm', 'layer-norm'], seed: 5 } as const satisfies CreateOptions;
const X = Array.from({ length: 8 }, (_, r) => [0, 1, 2].map((c) => Math.sin(1.3 * r + c)));
const Y = X.map(([a, b, c]) => [a + b, b * c]);
const running = (net: MLP) => bits(net.getRunningStatistics().flatMap((s) => [...s.runningMean, ...s.runningVar, s.batchesTracked]));

async function trained(backend: 'wasm' | 'js', dtype: 'float32' | 'float64') {
  const net = await MLP.create({ ...spec, backend, dtype });
  net.setOptimizer({ type: 'adam', learningRate: 0.01 });
  net.fit(X, Y, { epochs: 3, batchSize: 4 });
  return net;
}

/** Everything a restored network must share with the original, then 2 more epochs of training. */
async function sameFuture(a: MLP, b: MLP) {
  expect(bits(b.getParameters())).toEqual(bits(a.getParameters()));
  expect(running(b)).toEqual(running(a));
  expect(bits((b.predict(X) as number[][]).flat())).toEqual(bits((a.predict(X) as number[][]).flat()));
  expect(bits(b.fit(X, Y, { epochs: 2, batchSize: 4 }).loss)).toEqual(bits(a.fit(X, Y, { epochs: 2, batchSize: 4 }).loss));
  expect(running(b)).toEqual(running(a));
}

describe.each(['wasm', 'js'] as const)('on %s', (backend) => {
  describe.each(['float64', 'float32'] as const)('%s', (dtype) => {
    it('save → load restores θ, γ, β and the running statistics; training resumes bit-identically', async () => {
      const net = await trained(backend, dtype);
      const bytes = net.save();
      // Version 2: the format that holds normalization layers.
      expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true)).toBe(2);
      await sameFuture(net, await MLP.load(bytes));
    });

    it('toJSON → fromJSON, as text, restores them as well', async () => {
      const net = await trained(backend, dtype);
      const json = net.toJSON({ training: true });
      expect(json.normalization).toEqual(['batch-norm', 'layer-norm']);
      expect(json.runningStatistics).toHaveLength(12);
      expect(json.batchesTracked).toBe(6);
      await sameFuture(net, await MLP.fromJSON(JSON.stringify(json)));
    });

    it('toSafetensors → fromSafetensors and Predictor.load predict as the network does', async () => {
      const net = await trained(backend, dtype);
      const copy = await MLP.fromSafetensors(net.toSafetensors(), { backend });
      expect(bits(copy.getParameters())).toEqual(bits(net.getParameters()));
      expect(running(copy)).toEqual(running(net));
      const expected = (net.predict(X) as number[][]).flat();
      expect(bits((copy.predict(X) as number[][]).flat())).toEqual(bits(expected));
      for (const file of [net.save(), net.toSafetensors()]) {
        const predictor = await Predictor.load(file);
        // The inference build's kernels: the wasm backend's numbers (to its SIMD's rounding for js).
        expect(maxRelativeError((predictor.predict(X) as number[][]).flat(), expected)).toBeLessThan(dtype === 'float64' ? 1e-12 : 1e-5);
        predictor.dispose();
      }
    });
  });
});

it('a network without normalization still writes version 1 checkpoints and JSON without the new fields', async () => {
  const net = await MLP.create({ layers: [3, 4, 2], activations: ['relu', 'linear'], seed: 1 });
  const bytes = net.save();
  expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true)).toBe(1);
  const json = net.toJSON();
  expect(Object.keys(json)).not.toContain('normalization');
  expect(Object.keys(json)).not.toContain('runningStatistics');
  expect(bits((await MLP.load(bytes)).getParameters())).toEqual(bits(net.getParameters()));
});

describe('stored running statistics are checked', () => {
  const json = async () => (await trained('js', 'float64')).toJSON() as ModelJSON & Record<string, unknown>;
  it.each([
    ['missing', (j: ModelJSON) => delete j.runningStatistics, /MLP\.fromJSON: runningStatistics must be 12 numbers \(each batch-norm layer's running mean, then its running variance\), got undefined/],
    ['short', (j: ModelJSON) => j.runningStatistics!.pop(), /runningStatistics must be 12 numbers/],
    ['a negative variance', (j: ModelJSON) => (j.runningStatistics![7] = -1), /runningStatistics\[7\] \(the running variance of layer 0\) must be a finite number ≥ 0, got -1/],
    ['a count that is not whole', (j: ModelJSON) => (j.batchesTracked = 1.5), /batchesTracked must be an integer ≥ 0/],
    ['statistics without batch norm', (j: ModelJSON) => (j.normalization = ['layer-norm', 'layer-norm']), /runningStatistics belong to batch-norm layers, and this network has none/],
  ] as const)('%s: FormatError', async (_, corrupt, message) => {
    const j = await json();
    corrupt(j);
    await expect(MLP.fromJSON(j)).rejects.toThrow(FormatError);
    await expect(MLP.fromJSON(j)).rejects.toThrow(message);
  });

  it('a checkpoint whose version 1 header lists normalization layers is refused', async () => {
    const net = await MLP.create({ layers: [3, 4, 2], activations: ['relu', 'linear'], normalization: ['layer-norm'], seed: 1 });
    const bytes = net.save();
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    view.setUint32(8, 1, true);
    view.setUint32(bytes.length - 4, crc32(bytes, 0, bytes.length - 4), true);
    await expect(MLP.load(bytes)).rejects.toThrow(/version 1 checkpoint has no normalization layers/);
  });
});

describe('safetensors with PyTorch', () => {
  it('wasm-mlp → PyTorch: today\'s file is the one PyTorch loaded with load_state_dict(strict=True), and its outputs agree (1e-12)', async () => {
    const net = await MLP.create({ ...spec, dtype: 'float64' });
    net.setOptimizer({ type: 'sgd', learningRate: 0.1, momentum: 0.9 });
    for (let i = 0; i < 4; i++) net.step(X, Y);
    // The same header byte for byte; the same tensors to 1e-12 (kernels with fused multiply-add,
    // as Node 22+ and browsers run, round the trained values' last bits differently).
    const [got, want] = [net.toSafetensors(), fixture('wasm-mlp-norm.safetensors')];
    const data = 8 + Number(new DataView(want.buffer, want.byteOffset).getBigUint64(0, true));
    expect(got.length).toBe(want.length);
    expect(got.subarray(0, data)).toEqual(want.subarray(0, data));
    const words = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset + data, bytes.length - data);
    const [g, w] = [words(got), words(want)];
    for (let at = 0; at < w.byteLength; at += 8) {
      if (g.getBigUint64(at, true) === w.getBigUint64(at, true)) continue; // identical (and the I64 count must be)
      const [a, b] = [g.getFloat64(at, true), w.getFloat64(at, true)];
      // Absolute near 0: the bias before a batch norm has a zero gradient up to rounding (~1e-17).
      expect(Math.abs(a - b), `data byte ${at}: ${a} against ${b}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));
    }
    const { X: probe, outputs: expected, numBatchesTracked } = outputs.fromWasmMlp;
    expect(numBatchesTracked).toBe(4);
    expect(maxRelativeError((net.predict(probe) as number[][]).flat(), expected.flat())).toBeLessThan(1e-12);
  });

  it('PyTorch → wasm-mlp: a trained module\'s state_dict (int64 num_batches_tracked, no metadata) loads, normalizations from the tensor names', async () => {
    const { file, activations, X: probe, outputs: expected } = outputs.fromTorch;
    for (const backend of ['wasm', 'js'] as const) {
      const net = await MLP.fromSafetensors(fixture(file), { activations: activations as Activation[], backend });
      expect(net.layout.layers.map((l) => l.normalization)).toEqual(['layer-norm', 'batch-norm', null]);
      expect(net.getRunningStatistics()[0].batchesTracked).toBe(3);
      expect(maxRelativeError((net.predict(probe) as number[][]).flat(), expected.flat())).toBeLessThan(1e-12);
    }
  });
});

it('fitAsync in a worker carries the running statistics there and back: the same bits as fit', async () => {
  const make = () => BuiltMLP.create({ ...spec, dtype: 'float64' });
  const [a, b] = [await make(), await make()];
  const inline = a.fit(X, Y, { epochs: 3, batchSize: 3 });
  const inWorker = await b.fitAsync(X, Y, { epochs: 3, batchSize: 3, worker: true });
  expect(bits(inWorker.loss)).toEqual(bits(inline.loss));
  expect(bits(b.getParameters())).toEqual(bits(a.getParameters()));
  expect(running(b as unknown as MLP)).toEqual(running(a as unknown as MLP));
  expect(b.getRunningStatistics()[0].batchesTracked).toBe(9);
});
