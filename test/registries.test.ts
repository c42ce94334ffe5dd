// The loss and normalization records drive the library: for every record `listLosses()` and
// `listNormalizations()` give, its js reference (the function the record holds) computes what the
// wasm kernels compute and is the gradient of itself by finite differences; the js engine built
// on it agrees with the wasm engine and with finite differences of the loss; a normalization's
// ONNX nodes run in onnxruntime-web, its `toFunction` source and its float16 quantized model
// predict as `predict` does; and
// the guide's tables list exactly the records, with their PyTorch names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MLP, listActivations, listLosses, listNormalizations, type Activation, type DType, type Loss, type LossOptions, type Normalization } from '../src/index.js';
import { Predictor } from '../src/inference/index.js';
import { lossRecord } from '../src/registry/losses.js';
import { normalizationRecord } from '../src/registry/normalizations.js';
import * as math from '../src/js/math.js';
import { Random } from '../src/core/random.js';
import { centralDifferences, engineOf, maxRelativeError, randomData, type NetSpec } from './helpers.js';
import { importSource, runOnnx } from './support/exports.js';

let dir = '';
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-registries-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A kernel parameter (huber's δ, smooth-l1's β) off its default. */
const PARAMETER = 0.7;

/** A loss's network: its fused output activation, else tanh (so δ goes through the activation), and its parameter at PARAMETER. */
function lossSpec(loss: Loss): NetSpec {
  const record = lossRecord(loss);
  const lossOptions: LossOptions | undefined = record.parameter && { [record.parameter.option]: PARAMETER };
  return { layers: [3, 5, 3], activations: ['tanh', record.fusedWith ?? 'tanh'], loss, ...(lossOptions && { lossOptions }) };
}

describe.each(listLosses().map((info) => [info.name] as const))('loss %s', (loss) => {
  const record = lossRecord(loss);
  const spec = lossSpec(loss);
  const rows = 12;
  const cols = spec.layers[spec.layers.length - 1];
  const { X, Y } = randomData(spec, rows, 5);
  const parameter = record.parameter ? PARAMETER : 0;

  it.each(['js', 'wasm'] as const)("its record's reference value is the %s engine's loss", async (backend) => {
    const net = await MLP.create({ ...spec, dtype: 'float64', seed: 3, backend });
    const value = net.loss(X, Y);
    const engine = engineOf(net);
    const own = record.reference.value(engine.preActivation(1, rows), engine.activation(1, rows), Y, rows, cols, parameter);
    // The js engine calls this very function; the kernels compute it in the same order.
    if (backend === 'js') expect(own).toBe(value);
    else expect(Math.abs(own - value)).toBeLessThanOrEqual(1e-13 * Math.abs(value));
    net.dispose();
  });

  it("its record's reference gradient is the derivative of its value (∂/∂z through the activation it is fused with, else ∂/∂a)", () => {
    const random = new Random(11);
    const z = Float64Array.from({ length: rows * cols }, () => 2 * random.normal());
    const a = new Float64Array(z.length);
    const activation: Activation = record.fusedWith ?? 'linear';
    const value = (zs: Float64Array) => {
      math.activate(activation, a, zs, rows, cols);
      return record.reference.value(zs, a, Y, rows, cols, parameter);
    };
    value(z);
    const analytic = new Float64Array(z.length);
    record.reference.gradient(analytic, a, Y, rows, cols, parameter);
    const h = 1e-6;
    const numeric = Float64Array.from(z, (_, i) => {
      const at = (d: number) => { const t = z.slice(); t[i] += d; return value(t); };
      return (at(h) - at(-h)) / (2 * h);
    });
    expect(maxRelativeError(analytic, numeric)).toBeLessThan(1e-7);
  });

  it('the js engine built on it agrees with the wasm engine and with finite differences of the loss', async () => {
    const wasm = await MLP.create({ ...spec, dtype: 'float64', seed: 3 });
    const js = await MLP.create({ ...spec, dtype: 'float64', seed: 3, backend: 'js' });
    const gradient = wasm.gradient(X, Y);
    expect(maxRelativeError(js.gradient(X, Y), gradient)).toBeLessThan(1e-12);
    expect(maxRelativeError(gradient, centralDifferences(wasm, X, Y))).toBeLessThan(1e-7);
    wasm.dispose();
    js.dispose();
  });
});

/** A network with the normalization on both hidden layers. */
const normSpec = (normalization: Normalization) => ({
  layers: [4, 6, 5, 3], activations: ['tanh', 'silu', 'linear'] as Activation[], loss: 'mse' as Loss, normalization: [normalization, normalization],
});

/** `net`'s first layer with its normalization applied by `normalization`'s record: z from the batch X. */
function firstLayerByRecord(net: MLP, normalization: Normalization, X: Float64Array, rows: number, batchStatistics: boolean): Float64Array {
  const layer = net.layout.layers[0];
  const theta = net.getParameters();
  const n = layer.outputs;
  const h = new Float64Array(rows * n);
  math.denseForward(h, X, theta.subarray(layer.weightOffset, layer.biasOffset), theta.subarray(layer.biasOffset, layer.biasOffset + n), rows, n, layer.inputs);
  const running = net.getRunningStatistics()[0];
  const buffers = {
    z: new Float64Array(rows * n), h, xhat: new Float64Array(rows * n), rowInvStd: new Float64Array(rows),
    batch: { mean: new Float64Array(n), invStd: new Float64Array(n), unbiasedVar: new Float64Array(n) },
    runningMean: Float64Array.from(running?.runningMean ?? []), runningVar: Float64Array.from(running?.runningVar ?? []),
    gamma: theta.subarray(layer.normOffset, layer.normOffset + n), beta: theta.subarray(layer.normOffset + n, layer.normOffset + 2 * n),
    gradGamma: new Float64Array(n), gradBeta: new Float64Array(n),
  };
  normalizationRecord(normalization).reference.forward(buffers, rows, n, batchStatistics);
  return buffers.z;
}

describe.each(listNormalizations().map((info) => [info.name, info] as const))('normalization %s', (normalization, info) => {
  const spec = normSpec(normalization);
  const rows = 10;
  const { X, Y } = randomData(spec, rows, 8);

  it("its record's reference computes the kernels' z, on a training batch and, after training, in inference", async () => {
    const net = await MLP.create({ ...spec, dtype: 'float64', seed: 2 });
    const engine = engineOf(net);
    net.loss(X, Y);
    expect(maxRelativeError(firstLayerByRecord(net, normalization, X, rows, true), engine.preActivation(0, rows))).toBeLessThan(1e-13);
    net.fit(X, Y, { epochs: 4, batchSize: 5, learningRate: 0.05 });
    net.predict(X);
    expect(maxRelativeError(firstLayerByRecord(net, normalization, X, rows, false), engine.preActivation(0, rows))).toBeLessThan(1e-13);
    net.dispose();
  });

  it('keeps running statistics exactly where its kernel flag says (listNormalizations().runningStatistics)', async () => {
    const net = await MLP.create({ ...spec, seed: 2 });
    expect(net.getRunningStatistics().map((s) => s.layer)).toEqual(info.runningStatistics ? [0, 1] : []);
    expect(net.toJSON().runningStatistics?.length ?? 0).toBe(info.runningStatistics ? 2 * (6 + 5) : 0);
    net.dispose();
  });

  it('the js engine built on its record agrees with the wasm engine and with finite differences of the loss', async () => {
    const wasm = await MLP.create({ ...spec, dtype: 'float64', seed: 2 });
    const js = await MLP.create({ ...spec, dtype: 'float64', seed: 2, backend: 'js' });
    // γ and β off their initial 1 and 0, so that their gradients' paths matter.
    const theta = Array.from(wasm.getParameters(), (v, i) => v + 0.3 * Math.sin(i));
    wasm.setParameters(theta);
    js.setParameters(theta);
    const gradient = wasm.gradient(X, Y);
    expect(maxRelativeError(js.gradient(X, Y), gradient)).toBeLessThan(1e-12);
    expect(maxRelativeError(gradient, centralDifferences(wasm, X, Y))).toBeLessThan(1e-7);
    wasm.dispose();
    js.dispose();
  });

  it.each(['float32', 'float64'] as DType[])("%s: its record's ONNX nodes in onnxruntime-web and its toFunction source predict what predict does", async (dtype) => {
    const net = await MLP.create({ ...spec, dtype, seed: 2 });
    net.fit(X, Y, { epochs: 4, batchSize: 5, learningRate: 0.05 });
    const input = dtype === 'float32' ? Float32Array.from(X) : X;
    const expected = net.predict(input) as Float32Array | Float64Array;
    const tolerance = dtype === 'float32' ? 2e-6 : 1e-12;
    expect(maxRelativeError(await runOnnx(net.toOnnx(), input, spec.layers[0]), expected)).toBeLessThan(tolerance);
    const module = await importSource(dir, net.toFunction());
    expect(maxRelativeError(module.predict(Float64Array.from(X)) as Float64Array, expected)).toBeLessThan(tolerance);
    net.dispose();
  });

  it('a float16 quantized model of it (folded into its Linear, or kept in float32) predicts what predict does, within float16 rounding', async () => {
    const net = await MLP.create({ ...spec, seed: 2 });
    net.fit(X, Y, { epochs: 4, batchSize: 5, learningRate: 0.05 });
    const input = Float32Array.from(X);
    const expected = net.predict(input) as Float32Array;
    const predictor = await Predictor.load(net.quantize({ weights: 'float16' }));
    expect(maxRelativeError(predictor.predict(input) as Float32Array, expected)).toBeLessThan(5e-3);
    predictor.dispose();
    net.dispose();
  });
});

/** The rows of the first table under `heading` in a guide page: its first two cells, backticks dropped. */
function tableRows(page: string, heading: string): [string, string][] {
  const text = readFileSync(new URL(`../docs/guide/${page}`, import.meta.url), 'utf8');
  const section = text.slice(text.indexOf(heading));
  const table = section.slice(section.search(/^\|/m)).split('\n\n')[0];
  // Past the header and its separator.
  return table.split('\n').slice(2).map((line) => line.split('|').slice(1, 3).map((cell) => cell.trim().replace(/`|'/g, '')) as [string, string]);
}
/** A PyTorch name without its arguments: nn.HuberLoss(delta=δ) → nn.HuberLoss. */
const module = (torch: string) => torch.replace(/\(.*$/, '');

describe("the guide's tables list the records, in their order, with their PyTorch modules", () => {
  it.each([
    ['losses.md', '## Losses', listLosses()],
    ['normalization.md', '## Normalization layers', listNormalizations()],
    ['networks.md', '| Activation |', listActivations()],
  ] as const)('%s', (page, heading, records) => {
    const rows = tableRows(page, heading);
    expect(rows.map(([name]) => name)).toEqual(records.map((r) => r.name));
    expect(rows.map(([, torch]) => module(torch))).toEqual(records.map((r) => module(r.torch)));
  });
});
