// Every bad argument at every entry point, on both backends: the error's class and exact
// message, and then a network exactly as before — parameters, generator state, and behaviour
// (its next step equals that of a copy saved before the error).
import { describe, expect, it } from 'vitest';
import { MLP, ShapeError, ValueError, FormatError, DisposedError, WasmMlpError, type CreateOptions, type Matrix, type Targets } from '../src/index.js';
import type { Engine } from '../src/engine/engine.js';
import { engineOf } from '../src/api/test-seam.js';

type ErrorClass = typeof WasmMlpError;
type Spec = Omit<CreateOptions, 'backend'>;

// Dropout and (below) Adam give the network generator and optimizer state that must survive errors too.
const BASE: Spec = { layers: [4, 3, 2], activations: ['tanh', 'linear'], dtype: 'float64', seed: 1, dropout: 0.25 };
const F32: Spec = { ...BASE, dtype: 'float32' };
const CE: Spec = { layers: [4, 3], activations: ['softmax'], loss: 'cross-entropy', dtype: 'float64', seed: 1 };
const BCE: Spec = { layers: [4, 1], activations: ['sigmoid'], loss: 'binary-cross-entropy', dtype: 'float64', seed: 1 };
/** Wide enough that a few thousand rows exceed 4 GiB, while each row is one shared array. */
const WIDE: Spec = { layers: [20_000, 2], activations: ['linear'], dtype: 'float64', seed: 1 };

const X: number[][] = [[1, 2, 3, 4], [0, 1, 0, 1]];
const Y: number[][] = [[0, 1], [1, 0]];
const GOOD: Record<string, Targets> = { mse: Y, 'cross-entropy': [2, 0], 'binary-cross-entropy': [[1], [0]] };

interface Case {
  name: string;
  spec?: Spec;
  call: (net: MLP) => unknown; // may return a promise (fitAsync), awaited
  error: ErrorClass;
  message: string;
}

const DATA_CALLS = ['loss', 'gradient', 'step', 'trace', 'fit', 'fitAsync', 'evaluate'] as const;
const ALL_CALLS = ['predict', ...DATA_CALLS] as const;
type DataCall = (typeof ALL_CALLS)[number];

function invoke(net: MLP, fn: DataCall, x: unknown, y: unknown): unknown {
  if (fn === 'predict') return net.predict(x as Matrix);
  if (fn === 'fit' || fn === 'fitAsync') return net[fn](x as Matrix, y as Targets, { epochs: 1 });
  if (fn === 'evaluate') return net.evaluate(x as Matrix, y as Targets);
  return net[fn](x as Matrix, y as Targets);
}

/** A bad X, tried at every call that takes X (with targets that fit it). */
function badX(name: string, x: unknown, error: ErrorClass, message: string, spec = BASE, calls: readonly DataCall[] = ALL_CALLS, y = GOOD[spec.loss ?? 'mse']): Case[] {
  return calls.map((fn) => ({ name: `${fn}: ${name}`, spec, error, message: message.replace('{fn}', fn), call: (net) => invoke(net, fn, x, y) }));
}

/** A bad Y, tried at every call that takes targets. */
function badY(name: string, y: unknown, error: ErrorClass, message: string, spec = BASE, x: unknown = X): Case[] {
  return DATA_CALLS.map((fn) => ({ name: `${fn}: ${name}`, spec, error, message: message.replace('{fn}', fn), call: (net) => invoke(net, fn, x, y) }));
}

const wideRow = new Float64Array(20_000);
const cases: Case[] = [
  // X: shapes
  ...badX('a row too short', [[1, 2, 3, 4], [1, 2, 3]], ShapeError, "{fn}: X row 1 has 3 values, expected 4 (the network's input size)"),
  ...badX('a row too long', [[1, 2, 3, 4, 5], [1, 2, 3, 4]], ShapeError, "{fn}: X row 0 has 5 values, expected 4 (the network's input size)"),
  ...badX('a flat array that is not whole rows', new Float64Array(7), ShapeError, "{fn}: X has 7 values, not a whole number of rows of 4 (the network's input size)"),
  ...badX('an empty batch', [], ShapeError, '{fn}: X is empty, expected at least one row'),
  ...badX('an empty typed array', new Float32Array(0), ShapeError, '{fn}: X is empty, expected at least one row of 4 values'),
  ...badX('a row that is not an array', [[1, 2, 3, 4], 'abcd'], ValueError, '{fn}: X row 1 must be an array of numbers, got "abcd"'),
  // predict takes a flat number[] as one sample (test/input-forms.test.ts); calls with targets take rows only.
  ...badX('a flat number[]', [1, 2, 3, 4], ValueError, '{fn}: X row 0 must be an array of numbers, got 1', BASE, DATA_CALLS),
  ...badX('one sample of the wrong width', [1, 2, 3], ShapeError, 'predict: X is one sample of 3 values, but the network takes 4 inputs; for several samples pass one row each, e.g. [[1, 2, …], …]', BASE, ['predict']),
  ...badX('null', null, ValueError, '{fn}: X must be number[][] (one row per sample) or a flat Float32Array/Float64Array, got null'),
  ...badX('undefined', undefined, ValueError, '{fn}: X must be number[][] (one row per sample) or a flat Float32Array/Float64Array, got undefined'),
  ...badX('a string', 'abc', ValueError, '{fn}: X must be number[][] (one row per sample) or a flat Float32Array/Float64Array, got "abc"'),
  ...badX('an Int32Array', new Int32Array(8), ValueError, '{fn}: X must be number[][] (one row per sample) or a flat Float32Array/Float64Array, got a Int32Array of length 8'),
  // X: values
  ...badX('NaN', [[1, 2, 3, 4], [0, 1, NaN, 1]], ValueError, '{fn}: X row 1, column 2 must be a finite number, got NaN'),
  ...badX('Infinity', [[Infinity, 2, 3, 4], [0, 1, 0, 1]], ValueError, '{fn}: X row 0, column 0 must be a finite number, got Infinity'),
  ...badX('-Infinity in a flat Float32Array', new Float32Array([1, 2, 3, 4, 0, -Infinity, 0, 1]), ValueError, '{fn}: X[5] (row 1, column 1) must be a finite number, got -Infinity'),
  ...badX('a string value', [[1, 2, '3', 4], [0, 1, 0, 1]], ValueError, '{fn}: X row 0, column 2 must be a finite number, got "3"'),
  ...badX('null value', [[1, 2, 3, 4], [0, null, 0, 1]], ValueError, '{fn}: X row 1, column 1 must be a finite number, got null'),
  ...badX('a hole', [[1, 2, 3, 4], [0, 1, 0, undefined]], ValueError, '{fn}: X row 1, column 3 must be a finite number, got undefined'),
  ...badX('an object value', [[1, 2, 3, {}], [0, 1, 0, 1]], ValueError, '{fn}: X row 0, column 3 must be a finite number, got an object (Object)'),
  ...badX('a boolean value', [[true, 2, 3, 4], [0, 1, 0, 1]], ValueError, '{fn}: X row 0, column 0 must be a finite number, got boolean true'),
  ...badX('a bigint value', [[1n, 2, 3, 4], [0, 1, 0, 1]], ValueError, '{fn}: X row 0, column 0 must be a finite number, got bigint 1'),
  ...badX('a value beyond float32', [[1e39, 2, 3, 4], [0, 1, 0, 1]], ValueError, '{fn}: X row 0, column 0 must be a finite float32 number (|v| ≤ 3.4028234663852886e38: the network computes in float32), got 1e+39', F32),
  // X: sizes beyond WebAssembly memory, refused before allocating
  ...badX('a batch beyond 4 GiB', new Array(30_000).fill(wideRow), ValueError, '{fn}: a batch of 30000 rows needs 4.5 GiB with the network, more than the 4 GiB of WebAssembly memory a network can use; at most 26831 rows fit, so split the batch', WIDE, ['predict', 'loss', 'gradient', 'step', 'trace'], new Array(30_000).fill([0, 0])),
  { name: 'evaluate: a data set beyond 4 GiB', spec: WIDE, error: ValueError, call: (net) => net.evaluate(new Array(30_000).fill(wideRow), new Array(30_000).fill([0, 0])),
    message: 'evaluate: a data set of 30000 samples needs 4.6 GiB with the network and its batches, more than the 4 GiB of WebAssembly memory a network can use; at most 25811 samples fit' },
  { name: 'fit: a training set beyond 4 GiB', spec: WIDE, error: ValueError, call: (net) => net.fit(new Array(30_000).fill(wideRow), new Array(30_000).fill([0, 0])),
    message: 'fit: a training set of 30000 samples needs 4.5 GiB with the network and its batches, more than the 4 GiB of WebAssembly memory a network can use; at most 26803 samples fit' },
  // Y
  ...badY('X/Y row-count mismatch', [[0, 1]], ShapeError, '{fn}: Y has 1 row, expected 2 (one per row of X)'),
  ...badY('a target row of the wrong width', [[0, 1, 2], [1, 0]], ShapeError, "{fn}: Y row 0 has 3 values, expected 2 (the network's output size)"),
  ...badY('NaN in Y', [[0, 1], [NaN, 0]], ValueError, '{fn}: Y row 1, column 0 must be a finite number, got NaN'),
  ...badY('Infinity in Y', new Float64Array([0, 1, 1, Infinity]), ValueError, '{fn}: Y[3] (row 1, column 1) must be a finite number, got Infinity'),
  ...badY('a string in Y', [[0, 1], [1, 'x']], ValueError, '{fn}: Y row 1, column 1 must be a finite number, got "x"'),
  ...badY('Y missing', undefined, ValueError, '{fn}: Y must be number[][] (one row per sample) or a flat Float32Array/Float64Array, got undefined'),
  ...badY('Y an object', { 0: [0, 1] }, ValueError, '{fn}: Y must be number[][] (one row per sample) or a flat Float32Array/Float64Array, got an object (Object)'),
  // class labels
  ...badY('a label out of range', [0, 3], ValueError, '{fn}: Y[1] must be a class label, an integer in [0, 2], got 3', CE),
  ...badY('a negative label', [-1, 0], ValueError, '{fn}: Y[0] must be a class label, an integer in [0, 2], got -1', CE),
  ...badY('a fractional label', [0.5, 1], ValueError, '{fn}: Y[0] must be a class label, an integer in [0, 2], got 0.5', CE),
  ...badY('a NaN label', [1, NaN], ValueError, '{fn}: Y[1] must be a class label, an integer in [0, 2], got NaN', CE),
  ...badY('a string label', ['1', 0], ValueError, '{fn}: Y[0] must be a class label, an integer in [0, 2], got "1"', CE),
  ...badY('an Int32Array label out of range', new Int32Array([0, 7]), ValueError, '{fn}: Y[1] must be a class label, an integer in [0, 2], got 7', CE),
  ...badY('too few labels', [1], ShapeError, '{fn}: Y has 1 row, expected 2 (one per row of X)', CE),
  ...badY('no labels', new Int32Array(0), ShapeError, '{fn}: Y is empty, expected one class label per row of X', CE),
  ...badY('a one-hot row outside [0, 1]', [[0, 2, 0], [1, 0, 0]], ValueError, '{fn}: Y row 0, column 1 must be a number in [0, 1], got 2', CE),
  // binary cross-entropy targets
  ...badY('a BCE target above 1', [[1.5], [0]], ValueError, '{fn}: Y row 0, column 0 must be a number in [0, 1], got 1.5', BCE),
  ...badY('a BCE target below 0', [[1], [-0.1]], ValueError, '{fn}: Y row 1, column 0 must be a number in [0, 1], got -0.1', BCE),
  ...badY('a NaN BCE target', [[NaN], [0]], ValueError, '{fn}: Y row 0, column 0 must be a number in [0, 1], got NaN', BCE),
  // step options
  ...([[-1, '-1'], [NaN, 'NaN'], [Infinity, 'Infinity'], ['0.1', '"0.1"'], [null, 'null']] as const).map(([rate, shown]): Case => ({
    name: `step: learningRate ${shown}`, error: ValueError, call: (net) => net.step(X, Y, { learningRate: rate as number }),
    message: `step: options.learningRate must be a number ≥ 0, got ${shown}`,
  })),
  { name: 'step: options not an object', error: ValueError, call: (net) => net.step(X, Y, 'fast' as never), message: 'step: options must be an options object, got "fast"' },
  // fit options
  ...([
    [{ batchSize: 0 }, 'options.batchSize must be an integer ≥ 1, got 0'],
    [{ batchSize: -4 }, 'options.batchSize must be an integer ≥ 1, got -4'],
    [{ batchSize: 1.5 }, 'options.batchSize must be an integer ≥ 1, got 1.5'],
    [{ batchSize: NaN }, 'options.batchSize must be an integer ≥ 1, got NaN'],
    [{ batchSize: '32' }, 'options.batchSize must be an integer ≥ 1, got "32"'],
    [{ epochs: 0 }, 'options.epochs must be an integer ≥ 1, got 0'],
    [{ epochs: 2.5 }, 'options.epochs must be an integer ≥ 1, got 2.5'],
    [{ epochs: Infinity }, 'options.epochs must be an integer ≥ 1, got Infinity'],
    [{ learningRate: -0.1 }, 'options.learningRate must be a number ≥ 0, got -0.1'],
    [{ learningRate: NaN }, 'options.learningRate must be a number ≥ 0, got NaN'],
    [{ shuffle: 'yes' }, 'options.shuffle must be true or false, got "yes"'],
    [{ onEpochEnd: 5 }, 'options.onEpochEnd must be a function, got 5'],
    [{ onDivergence: 'ignore' }, "options.onDivergence must be one of 'throw', 'stop', got \"ignore\""],
  ] as const).map(([options, message]): Case => ({
    name: `fit: ${JSON.stringify(options) ?? String(options)}`, error: ValueError, call: (net) => net.fit(X, Y, options as never), message: `fit: ${message}`,
  })),
  { name: 'fit: options not an object', error: ValueError, call: (net) => net.fit(X, Y, 5 as never), message: 'fit: options must be an options object, got 5' },
  // setParameters (the BASE network has 4·3 + 3 + 3·2 + 2 = 23 parameters)
  { name: 'setParameters: too few values', error: ShapeError, call: (net) => net.setParameters([1, 2]), message: "setParameters: theta has 2 values, expected 23 (the network's parameter count)" },
  { name: 'setParameters: too many values', error: ShapeError, call: (net) => net.setParameters(new Float64Array(24)), message: "setParameters: theta has 24 values, expected 23 (the network's parameter count)" },
  { name: 'setParameters: NaN', error: ValueError, call: (net) => net.setParameters(withAt(23, 3, NaN)), message: 'setParameters: theta[3] must be a finite number, got NaN' },
  { name: 'setParameters: -Infinity', error: ValueError, call: (net) => net.setParameters(withAt(23, 22, -Infinity)), message: 'setParameters: theta[22] must be a finite number, got -Infinity' },
  { name: 'setParameters: null value', error: ValueError, call: (net) => net.setParameters(withAt(23, 0, null)), message: 'setParameters: theta[0] must be a finite number, got null' },
  { name: 'setParameters: string value', error: ValueError, call: (net) => net.setParameters(withAt(23, 5, '1')), message: 'setParameters: theta[5] must be a finite number, got "1"' },
  { name: 'setParameters: a value beyond float32', spec: F32, error: ValueError, call: (net) => net.setParameters(withAt(23, 7, -1e39)),
    message: 'setParameters: theta[7] must be a finite float32 number (|v| ≤ 3.4028234663852886e38: the network computes in float32), got -1e+39' },
  ...([[undefined, 'undefined'], [null, 'null'], ['abc', '"abc"'], [{ length: 23 }, 'an object (Object)'], [23, '23']] as const).map(([theta, shown]): Case => ({
    name: `setParameters: theta ${shown}`, error: ValueError, call: (net) => net.setParameters(theta as never),
    message: `setParameters: theta must be an array or typed array of 23 numbers, got ${shown}`,
  })),
  // setOptimizer: a bad optimizer leaves the old one, with its state, in place
  ...([
    [{ type: 'adamax' }, "options.type must be one of 'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'nadam', got \"adamax\""],
    [{ type: 'adam', learningRate: -1 }, 'options.learningRate must be a number ≥ 0, got -1'],
    [{ type: 'adam', learningRate: NaN }, 'options.learningRate must be a number ≥ 0, got NaN'],
    [{ type: 'sgd', momentum: NaN }, 'options.momentum must be a number ≥ 0, got NaN'],
    [{ type: 'adam', beta1: 1 }, 'options.beta1 must be a number in [0, 1), got 1'],
    [null, 'options must be an options object, got null'],
    // A name alone is that optimizer ('adam' is { type: 'adam' }); an unknown name is an unknown type.
    ['adamax', "options.type must be one of 'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'nadam', got \"adamax\""],
  ] as const).map(([options, message]): Case => ({
    name: `setOptimizer: ${JSON.stringify(options)}`, error: ValueError, call: (net) => net.setOptimizer(options as never), message: `setOptimizer: ${message}`,
  })),
];

/** Everything that makes up a network's state, public or not: θ, both generators, the optimizer's configuration, buffers and step count. */
function snapshot(net: MLP) {
  return { json: net.toJSON({ training: true }), optimizer: internals(net).optimizerState(), epoch: net.epoch };
}

function internals(net: MLP): Engine {
  return engineOf(net);
}

function withAt(length: number, index: number, value: unknown): number[] {
  const theta: unknown[] = new Array(length).fill(0.5);
  theta[index] = value;
  return theta as number[];
}

describe.each(['wasm', 'js'] as const)('bad input on %s', (backend) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const spec = c.spec ?? BASE;
    const net = await MLP.create({ ...spec, backend });
    const goodY = GOOD[spec.loss ?? 'mse'];
    net.setOptimizer({ type: 'adam', learningRate: 0.01 });
    if (spec !== WIDE) net.fit(X, goodY, { epochs: 2, batchSize: 1 }); // a network with a history
    const before = snapshot(net);
    let thrown: unknown;
    try {
      await c.call(net);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(c.error);
    expect((thrown as Error).message).toBe(c.message);
    if (spec === WIDE) {
      // 600,000 numbers: compared as text, which a deep toEqual takes seconds to do.
      expect(JSON.stringify(snapshot(net)) === JSON.stringify(before)).toBe(true);
      return;
    }
    expect(snapshot(net)).toEqual(before);
    // Nothing hidden changed either: the next step and its shuffle match a copy made before the error.
    const twin = await MLP.fromJSON(before.json, { backend });
    internals(twin).setOptimizerState(before.optimizer);
    expect(net.step(X, goodY, { learningRate: 0.1 })).toBe(twin.step(X, goodY, { learningRate: 0.1 }));
    net.fit(X, goodY, { epochs: 2, batchSize: 1 });
    twin.fit(X, goodY, { epochs: 2, batchSize: 1 });
    expect(snapshot(net)).toEqual(snapshot(twin));
  });
});

const ACTIVATION_NAMES = "'linear', 'relu', 'leaky-relu', 'sigmoid', 'tanh', 'softmax', 'gelu', 'gelu-tanh', 'silu', 'elu', 'selu', 'softplus', 'mish', 'hardswish'";
const createCases: [string, unknown, ErrorClass, string][] = [
  ['no options', undefined, ValueError, 'MLP.create: options must be an options object, got undefined'],
  ['null options', null, ValueError, 'MLP.create: options must be an options object, got null'],
  ['layers missing', { activations: ['linear'] }, ShapeError, 'MLP.create: layers must be an array of at least 2 sizes (inputs, …, outputs), got undefined'],
  ['one layer', { layers: [4], activations: [] }, ShapeError, 'MLP.create: layers must be an array of at least 2 sizes (inputs, …, outputs), got an array of length 1'],
  ['a zero layer size', { layers: [4, 0], activations: ['linear'] }, ValueError, 'MLP.create: layers[1] must be an integer in [1, 16777216], got 0'],
  ['a negative layer size', { layers: [-4, 2], activations: ['linear'] }, ValueError, 'MLP.create: layers[0] must be an integer in [1, 16777216], got -4'],
  ['a fractional layer size', { layers: [4, 2.5, 1], activations: ['relu', 'linear'] }, ValueError, 'MLP.create: layers[1] must be an integer in [1, 16777216], got 2.5'],
  ['a NaN layer size', { layers: [4, NaN], activations: ['linear'] }, ValueError, 'MLP.create: layers[1] must be an integer in [1, 16777216], got NaN'],
  ['a string layer size', { layers: ['4', 2], activations: ['linear'] }, ValueError, 'MLP.create: layers[0] must be an integer in [1, 16777216], got "4"'],
  ['an absurd layer size', { layers: [4, 2 ** 30], activations: ['linear'] }, ValueError, 'MLP.create: layers[1] must be an integer in [1, 16777216], got 1073741824'],
  ['too many activations', { layers: [4, 2], activations: ['relu', 'linear'] }, ShapeError, 'MLP.create: activations must be an array of 1 names (one per weight layer), got an array of length 2'],
  ['activations missing', { layers: [4, 2] }, ShapeError, 'MLP.create: activations must be an array of 1 names (one per weight layer), got undefined'],
  ['an unknown activation', { layers: [4, 2], activations: ['swish'] }, ValueError, `MLP.create: activations[0] must be one of ${ACTIVATION_NAMES}, got "swish"`],
  ['a null activation', { layers: [4, 3, 2], activations: ['relu', null] }, ValueError, `MLP.create: activations[1] must be one of ${ACTIVATION_NAMES}, got null`],
  ['softmax on a hidden layer', { layers: [4, 3, 2], activations: ['softmax', 'linear'] }, ValueError, "MLP.create: activations[0] is 'softmax', which is allowed on the output layer only (activations[1])"],
  ['softmax with one output', { layers: [4, 1], activations: ['softmax'] }, ShapeError, 'MLP.create: a softmax output needs at least 2 outputs, got layers[1] = 1'],
  ['an unknown loss', { layers: [4, 2], activations: ['linear'], loss: 'hinge' }, ValueError, "MLP.create: loss must be one of 'mse', 'cross-entropy', 'binary-cross-entropy', 'l1', 'huber', 'smooth-l1', got \"hinge\""],
  ['cross-entropy without softmax', { layers: [4, 2], activations: ['sigmoid'], loss: 'cross-entropy' }, ValueError, "MLP.create: loss 'cross-entropy' needs the output activation 'softmax' (it is fused with it), got 'sigmoid'"],
  ['binary cross-entropy without sigmoid', { layers: [4, 2], activations: ['softmax'], loss: 'binary-cross-entropy' }, ValueError, "MLP.create: loss 'binary-cross-entropy' needs the output activation 'sigmoid' (it is fused with it), got 'softmax'"],
  ['an unknown dtype', { layers: [4, 2], activations: ['linear'], dtype: 'float16' }, ValueError, "MLP.create: dtype must be one of 'float32', 'float64', got \"float16\""],
  ['an unknown backend', { layers: [4, 2], activations: ['linear'], backend: 'gpu' }, ValueError, "MLP.create: backend must be one of 'wasm', 'js', 'webgpu', 'auto', got \"gpu\""],
  ['a negative seed', { layers: [4, 2], activations: ['linear'], seed: -1 }, ValueError, 'MLP.create: seed must be an integer in [0, 4294967295], got -1'],
  ['a fractional seed', { layers: [4, 2], activations: ['linear'], seed: 0.5 }, ValueError, 'MLP.create: seed must be an integer in [0, 4294967295], got 0.5'],
  ['an unknown init', { layers: [4, 2], activations: ['linear'], init: 'xavier' }, ValueError, "MLP.create: init must be one of 'he-normal', 'he-uniform', 'glorot-normal', 'glorot-uniform', 'lecun-normal', 'lecun-uniform', got \"xavier\""],
  ['a model beyond 4 GiB', { layers: [100_000, 100_000], activations: ['linear'] }, ValueError,
    'MLP.create: layers [100000, 100000] have 10000100000 parameters, which with their gradients need 74.5 GiB as float32, more than the 4 GiB of WebAssembly memory a network can use'],
  ['a deep model beyond 4 GiB in float64', { layers: [20_000, 20_000, 20_000], activations: ['relu', 'linear'], dtype: 'float64' }, ValueError,
    'MLP.create: layers [20000, 20000, 20000] have 800040000 parameters, which with their gradients need 11.9 GiB as float64, more than the 4 GiB of WebAssembly memory a network can use'],
];

describe.each(['wasm', 'js'] as const)('MLP.create on %s', (backend) => {
  it.each(createCases)('refuses %s', async (_, options, error, message) => {
    const withBackend = options && typeof options === 'object' && !('backend' in options) ? { ...options, backend } : options;
    const attempt = MLP.create(withBackend as CreateOptions);
    await expect(attempt).rejects.toThrow(error);
    await expect(attempt).rejects.toThrow(message);
    await attempt.catch((e: Error) => expect(e.message).toBe(message));
  });
});

describe.each(['wasm', 'js'] as const)('after dispose on %s', (backend) => {
  const calls: [string, (net: MLP) => unknown][] = [
    ['predict', (net) => net.predict(X)], ['loss', (net) => net.loss(X, Y)], ['gradient', (net) => net.gradient(X, Y)],
    ['step', (net) => net.step(X, Y)], ['trace', (net) => net.trace(X, Y)], ['fit', (net) => net.fit(X, Y)],
    ['setParameters', (net) => net.setParameters(new Array(23).fill(0))], ['getParameters', (net) => net.getParameters()],
    ['toJSON', (net) => net.toJSON()], ['layout', (net) => net.layout], ['backend', (net) => net.backend],
  ];
  it.each(calls)('%s throws DisposedError', async (name, call) => {
    const net = await MLP.create({ ...BASE, backend });
    net.dispose();
    expect(() => call(net)).toThrow(DisposedError);
    expect(() => call(net)).toThrow(`${name}: this network was disposed; create or load a new one`);
  });
});

describe.each(['wasm', 'js'] as const)('loading on %s', (backend) => {
  const good = async () => MLP.create({ ...BASE, backend });
  const cases: [string, () => Promise<unknown>, ErrorClass, string | RegExp][] = [
    ['fromJSON: an unknown backend', async () => MLP.fromJSON((await good()).toJSON(), { backend: 'gpu' as never }), ValueError, "MLP.fromJSON: options.backend must be one of 'wasm', 'js', 'webgpu', 'auto', got \"gpu\""],
    ['fromJSON: undefined', () => MLP.fromJSON(undefined as never), FormatError, 'MLP.fromJSON: expected a model object or its JSON text, got undefined'],
    ['fromJSON: text that is not JSON', () => MLP.fromJSON('{"format": "wasm-mlp",'), FormatError, /^MLP\.fromJSON: the text is not valid JSON/],
    ['load: a string', () => MLP.load('abc' as never), ValueError, 'MLP.load: bytes must be a Uint8Array or ArrayBuffer of a model file (a checkpoint, JSON or safetensors), got "abc"'],
    ['load: null', () => MLP.load(null as never), ValueError, 'MLP.load: bytes must be a Uint8Array or ArrayBuffer of a model file (a checkpoint, JSON or safetensors), got null'],
    ['load: empty bytes', () => MLP.load(new Uint8Array(0)), FormatError, /^MLP\.load: /],
    ['load: JSON bytes of another program', async () => MLP.load(new TextEncoder().encode('{"weights": [1, 2]}')), FormatError, /^MLP\.load: the bytes are JSON but not a wasm-mlp model/],
    ['load: an unknown backend', async () => MLP.load((await good()).save(), { backend: 'gpu' as never }), ValueError, /^MLP\.load: options\.backend must be one of 'wasm', 'js'/],
    ['fromSafetensors: a checkpoint', async () => MLP.fromSafetensors((await good()).save()), FormatError, /^MLP\.fromSafetensors: /],
    ['fromSafetensors: undefined', () => MLP.fromSafetensors(undefined as never), ValueError, 'MLP.fromSafetensors: bytes must be a Uint8Array or ArrayBuffer of a .safetensors file, got undefined'],
  ];
  it.each(cases)('%s', async (_, attempt, error, message) => {
    const result = attempt();
    await expect(result).rejects.toThrow(error);
    await expect(result).rejects.toThrow(message);
  });
});

describe('the finiteness scan of a typed X', () => {
  // fit copies a typed X into the engine's dataset and scans the copy there: the wasm builds with
  // assembly/health.ts' firstNonFinite (a vector of 2 or 4 lanes at a time, then lane by lane),
  // the js backend with src/js/health.ts'; predict's small inputs and other callers scan in
  // src/model/data.ts (v × 0 summed over blocks of 1,024 values, four sums at a time). A refused
  // value anywhere (first, last, at a block's, a vector's or a four's edge, in the tail) is found,
  // and the first of two is named, whichever scan it is.
  const rows = 701; // 2,103 values of width 3: two whole blocks and a tail of 55 (13 fours and 3)
  const positions = [0, 1, 3, 4, 1023, 1024, 1027, 2047, 2048, 2051, 2099, 2100, 2102];
  const engines = [{ backend: 'wasm', dtype: 'float32' }, { backend: 'wasm', dtype: 'float64' }, { backend: 'js', dtype: 'float32' }] as const;
  it.each(engines.flatMap((e) => positions.map((at) => [at, e.backend, e.dtype] as const)))('names X[%i] in a fit (%s, %s)', async (at, backend, dtype) => {
    const net = await MLP.create({ layers: [3, 2, 1], activations: ['tanh', 'linear'], loss: 'mse', seed: 1, backend, dtype });
    const theta = net.getParameters();
    const y = new Float32Array(rows);
    for (const [bad, got] of [[Number.NaN, 'NaN'], [Number.NEGATIVE_INFINITY, '-Infinity']] as const) {
      const x = new Float32Array(rows * 3).fill(-0);
      x[at] = bad;
      if (at + 5 < x.length) x[at + 5] = Number.NaN;
      expect(() => net.fit(x, y, { epochs: 1 })).toThrow(`fit: X[${at}] (row ${Math.floor(at / 3)}, column ${at % 3}) must be a finite number, got ${got}`);
    }
    // Finite in float64, infinite in the float32 network's copy.
    if (dtype === 'float32') {
      const wide = new Float64Array(rows * 3).fill(1e38);
      wide[at] = -1e39;
      expect(() => net.fit(wide, y, { epochs: 1 })).toThrow(new RegExp(`^fit: X\\[${at}\\] \\(row ${Math.floor(at / 3)}, column ${at % 3}\\) .*float32.*got -1e\\+39$`));
    }
    expect(net.getParameters()).toEqual(theta);
  });
});
