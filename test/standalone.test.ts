// net.toFunction(): a dependency-free ES module whose predict matches the library's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MLP, type Activation, type DType, type Loss, type Normalization } from '../src/index.js';
import { Random } from '../src/core/random.js';
import { importSource as importInto } from './support/exports.js';

let dir = '';
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-standalone-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const importSource = (source: string) => importInto(dir, source);

const cases: [string, number[], Activation[], Loss, DType, (Normalization | null)[]?][] = [
  ['relu → softmax', [5, 8, 3], ['relu', 'softmax'], 'cross-entropy', 'float32'],
  ['tanh, leaky-relu → linear', [4, 6, 5, 2], ['tanh', 'leaky-relu', 'linear'], 'mse', 'float32'],
  ['sigmoid → sigmoid', [3, 7, 1], ['sigmoid', 'sigmoid'], 'binary-cross-entropy', 'float64'],
  ['linear → linear, float64', [2, 3, 2], ['linear', 'linear'], 'mse', 'float64'],
  ['gelu, gelu-tanh, silu → softmax, float64', [4, 6, 5, 4, 3], ['gelu', 'gelu-tanh', 'silu', 'softmax'], 'cross-entropy', 'float64'],
  ['elu, selu, softplus → mish', [4, 6, 5, 4, 2], ['elu', 'selu', 'softplus', 'mish'], 'mse', 'float32'],
  // Batch norm with its running statistics after training, layer norm, and a layer without.
  ['batch-norm, none, layer-norm, float64', [4, 6, 5, 4, 3], ['relu', 'tanh', 'gelu', 'softmax'], 'cross-entropy', 'float64', ['batch-norm', null, 'layer-norm']],
  ['layer-norm, batch-norm', [4, 6, 5, 2], ['silu', 'relu', 'linear'], 'mse', 'float32', ['layer-norm', 'batch-norm']],
];

describe.each(cases)('toFunction for %s', (_, layers, activations, loss, dtype, normalization) => {
  it('imports with no dependency and predicts what predict predicts', async () => {
    const net = await MLP.create({ layers, activations, loss, dtype, seed: 5, normalization });
    const random = new Random(9);
    // Train a little so the weights are not just the initialisation.
    const X = Array.from({ length: 40 }, () => Array.from({ length: layers[0] }, () => random.normal() * 2));
    const outputs = layers[layers.length - 1];
    const Y = X.map(() => Array.from({ length: outputs }, (_, j) => (loss === 'mse' ? random.normal() : loss === 'cross-entropy' ? 0 : random.next())));
    if (loss === 'cross-entropy') Y.forEach((row) => { row[random.int(outputs)] = 1; });
    net.fit(X, Y, { epochs: 5, learningRate: 0.05 });
    const source = net.toFunction();
    expect(source).not.toMatch(/\bimport\b|\brequire\(/);
    const mod = await importSource(source);
    expect(mod.layers).toEqual(layers);
    expect(mod.default).toBe(mod.predict);

    const expected = net.predict(X) as number[][];
    const got = mod.predict(X) as number[][];
    expect(got).toHaveLength(X.length);
    // float32 networks compute in float32 inside wasm: agreement to float32 rounding.
    const tolerance = dtype === 'float32' ? 2e-6 : 1e-12;
    got.forEach((row, i) => row.forEach((v, j) => {
      expect(Math.abs(v - expected[i][j])).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected[i][j])));
    }));

    // Flat typed arrays come back in the same form.
    const flat = new Float64Array(X.flat());
    const flatOut = mod.predict(flat) as Float64Array;
    expect(flatOut).toBeInstanceOf(Float64Array);
    expect(Array.from(flatOut)).toEqual(got.flat());
    net.dispose();
  });
});

describe('toFunction', () => {
  it('embeds θ bit-exactly and checks its input', async () => {
    const net = await MLP.create({ layers: [2, 1, 1], activations: ['relu', 'linear'], dtype: 'float64' });
    net.setParameters([1, 1, 0, 1, 0]);
    const mod = await importSource(net.toFunction());
    // The seed's network: ŷ(2, 1) = 3, ŷ(−3, 2) = 0.
    expect(mod.predict([[2, 1], [-3, 2]])).toEqual([[3], [0]]);
    expect(() => mod.predict([[1, 2, 3]])).toThrow('predict: X row 0 has 3 values, expected 2');
    expect(() => mod.predict(new Float32Array(3))).toThrow('not a whole number of rows of 2');
    net.dispose();
    expect(() => net.toFunction()).toThrow('toFunction: this network was disposed');
  });
});
