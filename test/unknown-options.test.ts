// Misspelt or unknown option keys are refused everywhere: a ValueError that names the key and
// suggests the nearest valid one, thrown before anything changes. Fed the misspellings users
// make, and, for every entry point, each valid key with one letter changed.
import { describe, expect, it } from 'vitest';
import { MLP, ValueError } from '../src/index.js';
import { MLP as BuiltMLP } from '../dist/index.js';

const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const Y = [[0], [1], [1], [0]];
const CREATE = { layers: [2, 3, 1], activations: ['tanh', 'linear'], seed: 5 } as const;

/** A network with training state; from dist/ (as installed) where a worker must start from it. */
async function trainedNet(built = false): Promise<MLP> {
  const net = await (built ? BuiltMLP as unknown as typeof MLP : MLP).create({ ...CREATE, dropout: 0.1 });
  net.fit(X, Y, { epochs: 2, batchSize: 2, optimizer: { type: 'adam', learningRate: 0.01 } });
  return net;
}

/** A call with an options object, and the valid options it takes (each given a valid value). */
interface EntryPoint {
  name: string;
  valid: Record<string, unknown>;
  call: (net: MLP, options: Record<string, unknown>) => unknown;
  /** Runs the built package (fitAsync's worker script is compiled JavaScript). */
  built?: boolean;
}

const json = async () => (await trainedNet()).toJSON();
const checkpoint = async () => (await trainedNet()).save();
const safetensors = async () => (await trainedNet()).toSafetensors();
const fitValid = {
  epochs: 1, batchSize: 2, learningRate: 0.01, optimizer: { type: 'sgd' }, schedule: { type: 'exponential', gamma: 0.9 }, shuffle: false,
  validationSplit: 0.25, validationShuffle: true, metrics: ['mae'], earlyStopping: { patience: 1 }, errorThreshold: 0, onEpochEnd: () => {}, onBatchEnd: () => {},
  signal: new AbortController().signal, onDivergence: 'stop',
};
const validationData = { X, Y };

const ENTRY_POINTS: EntryPoint[] = [
  { name: 'MLP.create', valid: { ...CREATE, loss: 'mse', dtype: 'float64', backend: 'js', init: 'he-normal', threads: 1, dropout: 0 }, call: (_, o) => MLP.create(o as never) },
  { name: 'fit', valid: fitValid, call: (net, o) => net.fit(X, Y, o) },
  { name: 'fitAsync', valid: { ...fitValid, worker: false }, call: (net, o) => net.fitAsync(X, Y, o) },
  { name: 'fitDataset', valid: { epochs: 1, batchesPerEpoch: 1, learningRate: 0.01, metrics: ['mae'], validationData: { X, Y }, earlyStopping: { patience: 1 } },
    call: (net, o) => net.fitDataset(() => [{ x: X, y: Y }], o as never) },
  { name: 'step', valid: { learningRate: 0.1 }, call: (net, o) => net.step(X, Y, o) },
  { name: 'evaluate', valid: { metrics: ['mae'] }, call: (net, o) => net.evaluate(X, Y, o as never) },
  { name: 'toJSON', valid: { training: true }, call: (net, o) => net.toJSON(o) },
  { name: 'quantize', valid: { weights: 'int8', activations: 'dynamic' }, call: (net, o) => net.quantize(o as never) },
  { name: 'toOnnx', valid: { dtype: 'float32', name: 'model', quantize: 'int8' }, call: (net, o) => net.toOnnx(o as never) },
  { name: 'MLP.fromJSON', valid: { backend: 'js', threads: 1 }, call: async (_, o) => MLP.fromJSON(await json(), o as never) },
  { name: 'MLP.load', valid: { backend: 'js', threads: 1 }, call: async (_, o) => MLP.load(await checkpoint(), o as never) },
  { name: 'MLP.fromSafetensors', valid: { backend: 'js', threads: 1, activations: ['tanh', 'linear'], loss: 'mse' }, call: async (_, o) => MLP.fromSafetensors(await safetensors(), o as never) },
  { name: 'setOptimizer', valid: { type: 'adam', learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, amsgrad: false, clipNorm: 1, clipValue: 1 }, call: (net, o) => net.setOptimizer(o as never) },
  { name: 'fit options.optimizer', valid: { type: 'rmsprop', learningRate: 0.01, alpha: 0.9, epsilon: 1e-8, momentum: 0, centered: false, weightDecay: 0 }, call: (net, o) => net.fit(X, Y, { optimizer: o as never }) },
  { name: 'fit options.earlyStopping', valid: { monitor: 'loss', patience: 1, minDelta: 0, restoreBest: true }, call: (net, o) => net.fit(X, Y, { earlyStopping: o }) },
  { name: 'fit options.validationData', valid: validationData, call: (net, o) => net.fit(X, Y, { validationData: o as never }) },
  { name: 'fit options.schedule (step)', valid: { type: 'step', stepSize: 2, gamma: 0.5 }, call: (net, o) => net.fit(X, Y, { schedule: o as never }) },
  { name: 'fit options.schedule (cosine)', valid: { type: 'cosine', tMax: 5, etaMin: 0 }, call: (net, o) => net.fit(X, Y, { schedule: o as never }) },
  { name: 'fit options.schedule (reduce-on-plateau)', valid: { type: 'reduce-on-plateau', patience: 1, factor: 0.5, threshold: 0, cooldown: 0, minLr: 0, monitor: 'loss' }, call: (net, o) => net.fit(X, Y, { schedule: o as never }) },
  { name: 'fit options.schedule (warmup)', valid: { type: 'warmup', epochs: 2, startFactor: 0.5, then: { type: 'exponential', gamma: 0.9 } }, call: (net, o) => net.fit(X, Y, { schedule: o as never }) },
  { name: 'fitAsync options.earlyStopping', valid: { monitor: 'loss', patience: 1 }, call: (net, o) => net.fitAsync(X, Y, { worker: true, earlyStopping: o }), built: true },
];

/** Calls `call` and checks it refuses with a ValueError naming the key and suggesting `suggestion`, leaving `net` as it was. */
async function expectRefused(call: () => unknown, net: MLP, key: string, suggestion: string): Promise<void> {
  const before = net.save();
  let error: unknown;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  // By name: the built package (worker entry points) has its own ValueError class.
  expect(error, `no error for ${key}`).toBeInstanceOf(Error);
  expect((error as Error).name).toBe(ValueError.name);
  const message = (error as Error).message;
  expect(message).toContain(`.${key} is not an option`);
  expect(message).toMatch(new RegExp(`did you mean ('\\w+' or )*'${suggestion}'`));
  expect(net.save()).toEqual(before);
}

describe('the misspellings users make', () => {
  const cases: [string, (net: MLP) => unknown, string, string][] = [
    ['fit({ epoch })', (net) => net.fit(X, Y, { epoch: 3 } as never), 'epoch', 'epochs'],
    ['fit({ batch_size })', (net) => net.fit(X, Y, { batch_size: 2 } as never), 'batch_size', 'batchSize'],
    ['fit({ learningrate })', (net) => net.fit(X, Y, { learningrate: 0.1 } as never), 'learningrate', 'learningRate'],
    ['fit({ lr })', (net) => net.fit(X, Y, { lr: 0.1 } as never), 'lr', 'learningRate'],
    ['fit({ iterations }) (brain.js)', (net) => net.fit(X, Y, { iterations: 100 } as never), 'iterations', 'epochs'],
    ['fit({ validation_split }) (Keras)', (net) => net.fit(X, Y, { validation_split: 0.2 } as never), 'validation_split', 'validationSplit'],
    ['step({ lr })', (net) => net.step(X, Y, { lr: 0.1 } as never), 'lr', 'learningRate'],
    ['earlyStopping: { patiense }', (net) => net.fit(X, Y, { earlyStopping: { patiense: 3 } as never }), 'patiense', 'patience'],
    ['schedule: { eta_min }', (net) => net.fit(X, Y, { schedule: { type: 'cosine', tMax: 5, eta_min: 1e-3 } as never }), 'eta_min', 'etaMin'],
    ['schedule: { typ }', (net) => net.fit(X, Y, { schedule: { typ: 'cosine', tMax: 5 } as never }), 'typ', 'type'],
    ['fitDataset({ batchesPerEpok })', (net) => net.fitDataset(() => [{ x: X, y: Y }], { batchesPerEpok: 1 } as never), 'batchesPerEpok', 'batchesPerEpoch'],
    ['fitAsync({ workers })', (net) => net.fitAsync(X, Y, { workers: true } as never), 'workers', 'worker'],
    ['setOptimizer({ lr })', (net) => net.setOptimizer({ type: 'adam', lr: 0.1 } as never), 'lr', 'learningRate'],
    ['setOptimizer({ typ })', (net) => net.setOptimizer({ typ: 'adam' } as never), 'typ', 'type'],
    ['optimizer: { beta_1 }', (net) => net.fit(X, Y, { optimizer: { type: 'adam', beta_1: 0.8 } as never }), 'beta_1', 'beta1'],
    ['evaluate({ metric })', (net) => net.evaluate(X, Y, { metric: ['mae'] } as never), 'metric', 'metrics'],
    ['MLP.create({ lossFunction })', () => MLP.create({ ...CREATE, lossFunction: 'mse' } as never), 'lossFunction', 'loss'],
    ['MLP.create({ hiddenLayers })', () => MLP.create({ ...CREATE, hiddenLayers: [4] } as never), 'hiddenLayers', 'layers'],
    ['MLP.create({ activation })', () => MLP.create({ layers: [2, 1], activations: ['linear'], activation: 'relu' } as never), 'activation', 'activations'],
    ['MLP.load(bytes, { backed })', async (net) => MLP.load(net.save(), { backed: 'js' } as never), 'backed', 'backend'],
  ];
  it.each(cases)('%s', async (_, call, key, suggestion) => {
    const net = await trainedNet();
    await expectRefused(() => call(net), net, key, suggestion);
  });
});

/** Every way to change one letter of `key` into another letter (or digit), keeping its case, that is not itself valid. */
function oneLetterChanged(key: string, valid: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < key.length; i++) {
    const c = key[i];
    const next = /[a-y]/i.test(c) || /[0-8]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 1) : c === 'z' ? 'a' : c === 'Z' ? 'A' : c === '9' ? '0' : 'q';
    const changed = key.slice(0, i) + next + key.slice(i + 1);
    if (!valid.includes(changed)) out.push(changed);
  }
  return out;
}

describe.each(ENTRY_POINTS)('$name', ({ valid, call, built }) => {
  it('takes its valid options (the generated cases start from a call that works)', async () => {
    const net = await trainedNet(built);
    await call(net, valid);
  });

  it('refuses each valid key with one letter changed, suggesting the key, and changes nothing', async () => {
    const net = await trainedNet(built);
    const keys = Object.keys(valid);
    let cases = 0;
    for (const key of keys) {
      for (const wrong of oneLetterChanged(key, keys)) {
        const { [key]: value, ...rest } = valid;
        await expectRefused(() => call(net, { ...rest, [wrong]: value }), net, wrong, key);
        cases++;
      }
    }
    expect(cases).toBeGreaterThan(0);
  });
});

it('an unknown key with nothing near lists the options instead', async () => {
  const net = await trainedNet();
  expect(() => net.fit(X, Y, { verbose: 1 } as never)).toThrow(/^fit: options\.verbose is not an option \(its options: epochs, batchSize, /);
});

describe('misspelt names of activations, losses, metrics and monitors get a suggestion', () => {
  it.each([
    ['ReLU', () => MLP.create({ layers: [2, 1], activations: ['ReLU'] } as never), "activations[0] must be one of 'linear', 'relu', 'leaky-relu', 'sigmoid', 'tanh', 'softmax', 'gelu', 'gelu-tanh', 'silu', 'elu', 'selu', 'softplus', 'mish', 'hardswish', got \"ReLU\"; did you mean 'relu'?"],
    ['leaky_relu', () => MLP.create({ layers: [2, 1], activations: ['leaky_relu'] } as never), "did you mean 'leaky-relu'?"],
    ['crossentropy', () => MLP.create({ layers: [2, 2], activations: ['softmax'], loss: 'crossentropy' } as never), "did you mean 'cross-entropy'?"],
  ])('%s', async (_, call, message) => {
    await expect(call()).rejects.toThrow(message);
  });

  it.each([
    ['acc', { metrics: ['acc'] }, "options.metrics[0] must be one of 'accuracy', 'mae', 'mse', 'r2', 'precision', 'recall', 'f1', got \"acc\"; did you mean 'accuracy'?"],
    ['val_acc', { metrics: ['accuracy'], validationSplit: 0.25, earlyStopping: { monitor: 'val_acc' } }, "got \"val_acc\"; did you mean 'val_accuracy'?"],
    ['an unrelated name', { metrics: ['auc'] }, /got "auc"$/],
  ])('%s', async (_, options, message) => {
    const net = await MLP.create({ layers: [2, 2], activations: ['softmax'], loss: 'cross-entropy' });
    const before = net.save();
    expect(() => net.fit(X, [0, 1, 1, 0], options as never)).toThrow(message);
    expect(net.save()).toEqual(before);
  });
});
