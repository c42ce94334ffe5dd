// Races, re-entrancy and absurd sizes: each case ends in the documented result or a
// WasmMlpError that leaves the network exactly as it was. Worker cases run the compiled
// package (dist/, built by `npm test`'s pretest), whose worker script sits beside it.
import { describe, expect, it } from 'vitest';
import * as source from '../src/index.js';
import * as built from '../dist/index.js';
import { Random } from '../src/core/random.js';
import { engineOf } from '../src/api/test-seam.js';

type Lib = typeof source;
type Net = source.MLP;

const spec = { layers: [3, 6, 2], activations: ['tanh', 'softmax'], loss: 'cross-entropy' } as const;

function data(rows: number, seed = 2) {
  const random = new Random(seed);
  const X = Float64Array.from({ length: rows * 3 }, () => random.normal());
  const Y = Int32Array.from({ length: rows }, (_, i) => (X[i * 3] + X[i * 3 + 1] > 0 ? 1 : 0));
  return { X, Y };
}

/** Everything training changes, as bytes: θ, optimizer state, step count, generators, counters. */
const state = (net: Net) => Array.from(net.save());

const paths = [
  ['fit', source, 'fit'],
  ['fitAsync', source, 'async'],
  ['fitAsync({ worker: true })', built as unknown as Lib, 'worker'],
] as const;

type Path = (typeof paths)[number][2];

function train(net: Net, path: Path, X: Float64Array, Y: Int32Array, options: source.FitOptions): Promise<source.FitHistory> {
  if (path === 'fit') return Promise.resolve().then(() => net.fit(X, Y, options));
  return net.fitAsync(X, Y, { ...options, worker: path === 'worker' });
}

describe('an abort in the same tick as fitAsync', () => {
  it.each([[false], [true]])('worker %s: nothing trains, the network is exactly as it was', async (worker) => {
    const lib = worker ? (built as unknown as Lib) : source;
    const net = await lib.MLP.create({ ...spec, seed: 1 });
    net.setOptimizer({ type: 'adam' });
    const { X, Y } = data(40);
    net.fit(X, Y, { epochs: 1 });
    const before = state(net);
    const controller = new AbortController();
    const epochs: number[] = [];
    const running = net.fitAsync(X, Y, { worker, epochs: 20, signal: controller.signal, onEpochEnd: (e) => void epochs.push(e) });
    // fitAsync has returned its promise and trained nothing yet.
    expect(state(net)).toEqual(before);
    controller.abort();
    const history = await running;
    expect([history.stopReason, history.epochs, history.loss, epochs]).toEqual(['aborted', 0, [], []]);
    expect(state(net)).toEqual(before);
    expect(net.epoch).toBe(1);
    net.dispose();
  });
});

describe('memory does not grow with options.epochs', () => {
  it.each(paths)('%s with 1e9 epochs and an aborted signal returns at once', async (_, lib, path) => {
    const net = await lib.MLP.create({ ...spec, seed: 1 });
    const { X, Y } = data(10);
    const before = state(net);
    const heap = process.memoryUsage().heapUsed;
    for (const schedule of [undefined, { type: 'exponential', gamma: 0.9 } as const, (e: number) => 0.01 / (1 + e)]) {
      if (path === 'worker' && typeof schedule === 'function') continue; // refused: see the next test
      const history = await train(net, path, X, Y, { epochs: 1e9, signal: AbortSignal.abort(), schedule });
      expect([history.stopReason, history.epochs]).toEqual(['aborted', 0]);
    }
    expect(state(net)).toEqual(before);
    // 1e9 preallocated rates would be 8 GB; the rates of one chunk of epochs are 0.5 MB.
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(64 * 2 ** 20);
    net.dispose();
  });

  it('fit with MAX_SAFE_INTEGER epochs trains until a stop condition', async () => {
    const net = await source.MLP.create({ ...spec, seed: 1 });
    const { X, Y } = data(10);
    const history = net.fit(X, Y, { epochs: Number.MAX_SAFE_INTEGER, schedule: { type: 'step', stepSize: 2 }, onEpochEnd: (e) => e < 4 });
    expect([history.stopReason, history.epochs]).toEqual(['callback', 5]);
    [0.01, 0.01, 0.001, 0.001, 0.0001].forEach((rate, i) => expect(history.learningRate[i]).toBeCloseTo(rate, 15));
    net.dispose();
  });

  it('a worker refuses a schedule function over more than 65536 epochs, before anything starts', async () => {
    const net = await built.MLP.create({ ...spec, seed: 1 });
    const { X, Y } = data(10);
    const before = state(net as unknown as Net);
    await expect(net.fitAsync(X, Y, { worker: true, epochs: 65537, schedule: () => 0.1 })).rejects.toThrow(
      /^fitAsync: with \{ worker: true \} a schedule function is evaluated before training for every epoch, so options\.epochs must be at most 65536, got 65537/,
    );
    expect(state(net as unknown as Net)).toEqual(before);
    net.dispose();
  });

  it('a schedule is checked a chunk of epochs at a time: a bad rate past the first chunk throws when reached', async () => {
    const net = await source.MLP.create({ ...spec, seed: 1 });
    const { X, Y } = data(4);
    const calls: number[] = [];
    const schedule = (epoch: number) => (calls.push(epoch), epoch === 65540 ? -1 : 0.01);
    expect(() => net.fit(X, Y, { epochs: 65541, batchSize: 4, schedule })).toThrow(
      new source.ValueError('fit: options.schedule returned -1 for epoch 65540, expected a finite learning rate ≥ 0'),
    );
    // The first chunk was checked up front, the second when epoch 65536 began.
    expect(calls.length).toBe(65541);
    expect(net.epoch).toBe(65536);
    net.dispose();
  });
});

describe('dispose() inside a callback', () => {
  const cases = paths.flatMap(([name, lib, path]) => (['wasm', 'js'] as const).flatMap((backend) => [1, 2].flatMap((threads) =>
    (['onBatchEnd', 'onEpochEnd'] as const).map((callback) => [`${name}, ${backend}, ${threads} thread(s), ${callback}`, lib, path, backend, threads, callback] as const))))
    .filter(([, , , backend, threads]) => backend === 'wasm' || threads === 1); // the js backend runs on one thread

  it.each(cases)('%s: DisposedError, training stops', async (_, lib, path, backend, threads, callback) => {
    const net = await lib.MLP.create({ ...spec, seed: 1, backend, threads });
    const { X, Y } = data(64);
    let calls = 0;
    const dispose = () => {
      calls++;
      net.dispose();
    };
    const fn = path === 'fit' ? 'fit' : 'fitAsync';
    const error = await train(net, path, X, Y, { epochs: 5, batchSize: 16, [callback]: dispose }).then(() => null, (e: Error) => e);
    expect(error?.name).toBe('DisposedError');
    expect(error?.message).toBe(`${fn}: this network was disposed while training; training stopped there (create or load a new network)`);
    expect(calls).toBe(1);
    expect(net.disposed).toBe(true);
    expect(() => net.getParameters()).toThrow('getParameters: this network was disposed; create or load a new one');
  });
});

describe('calls that change the network while it trains are refused', () => {
  it.each(paths)('%s: step, setParameters, setOptimizer, resetOptimizer throw ValueError and change nothing', async (_, lib, path) => {
    const net = await lib.MLP.create({ ...spec, seed: 1 });
    const { X, Y } = data(32);
    const reference = await lib.MLP.create({ ...spec, seed: 1 });
    const refused: string[] = [];
    const attempt = () => {
      for (const [name, call] of [
        ['step', () => net.step(X, Y)],
        ['setParameters', () => net.setParameters(new Float64Array(net.parameterCount))],
        ['setOptimizer', () => net.setOptimizer({ type: 'rmsprop' })],
        ['resetOptimizer', () => net.resetOptimizer()],
      ] as const) {
        try {
          call();
        } catch (error) {
          expect((error as Error).name).toBe('ValueError');
          expect((error as Error).message).toBe(`${name}: this network is training (a fit or fitAsync has not returned), and training would overwrite the change; call it after training ends, or stop training first (options.signal, or a callback returning false)`);
          refused.push(name);
        }
      }
    };
    const options = { epochs: 3, batchSize: 8, onEpochEnd: attempt, onBatchEnd: (b: number) => void (b === 1 && attempt()) };
    const running = train(net, path, X, Y, options);
    // fitAsync has returned but not started: refused already (fit runs later here, in a microtask).
    if (path !== 'fit') attempt();
    const history = await running;
    // Four calls in each of 3 onEpochEnd and 3 onBatchEnd calls, and once more before fitAsync starts.
    expect(refused.length).toBe(path === 'fit' ? 24 : 28);
    expect(history.epochs).toBe(3);
    // Training went on as if nothing had been tried.
    reference.fit(X, Y, { epochs: 3, batchSize: 8 });
    expect(Array.from(net.getParameters())).toEqual(Array.from(reference.getParameters()));
    expect(net.optimizer).toEqual(reference.optimizer); // fit's default (Adam), not the refused RMSprop
    expect(net.optimizer.type).toBe('adam');
    net.dispose();
    reference.dispose();
  });

  it('a worker fitAsync refuses them from other code while it runs, and they work after', async () => {
    const net = await built.MLP.create({ ...spec, seed: 1 });
    const { X, Y } = data(32);
    const running = net.fitAsync(X, Y, { worker: true, epochs: 2 });
    expect(() => net.setOptimizer({ type: 'adam' })).toThrow(/^setOptimizer: this network is training/);
    expect(() => net.step(X, Y)).toThrow(/^step: this network is training/);
    await running;
    net.setOptimizer({ type: 'adam' });
    expect(net.optimizer.type).toBe('adam');
    net.dispose();
  });
});

describe('early stopping with restoreBest', () => {
  // A learning rate so large that the loss rises after its first epochs: the best epoch is early.
  const options = { epochs: 8, batchSize: 4, learningRate: 3, earlyStopping: { monitor: 'loss', patience: 10, restoreBest: true } } as const;

  it.each(paths)('%s, stopped by a callback: the best epoch’s θ and bestEpoch', async (_, lib, path) => {
    const { X, Y } = data(24);
    const reference = await source.MLP.create({ ...spec, seed: 5 });
    const expected = reference.fit(X, Y, { ...options, onEpochEnd: (e) => e < 5 });
    expect(expected.stopReason).toBe('callback');
    expect(expected.bestEpoch).toBeDefined();
    expect(expected.bestEpoch).toBeLessThan(5);
    const net = await lib.MLP.create({ ...spec, seed: 5 });
    const history = await train(net, path, X, Y, { ...options, onEpochEnd: (e) => e < 5 });
    expect([history.stopReason, history.bestEpoch, history.loss]).toEqual([expected.stopReason, expected.bestEpoch, expected.loss]);
    expect(Array.from(net.getParameters())).toEqual(Array.from(reference.getParameters()));
    net.dispose();
    reference.dispose();
  });

  it.each(paths.slice(1))('%s, aborted mid-epoch: the interrupted epoch is undone and bestEpoch is among the kept ones', async (_, lib, path) => {
    const { X, Y } = data(24);
    const reference = await source.MLP.create({ ...spec, seed: 5 });
    const expected = reference.fit(X, Y, { ...options, epochs: 5 });
    const net = await lib.MLP.create({ ...spec, seed: 5 });
    const controller = new AbortController();
    const history = await train(net, path, X, Y, { ...options, signal: controller.signal, onBatchEnd: (b, logs) => void (logs.epoch === 5 && b === 2 && controller.abort()) });
    expect([history.stopReason, history.epochs, history.loss, history.bestEpoch]).toEqual(['aborted', 5, expected.loss, expected.bestEpoch]);
    expect(Array.from(net.getParameters())).toEqual(Array.from(reference.getParameters()));
    expect(state(net)).toEqual(state(reference));
    expect(net.epoch).toBe(5);
    net.dispose();
    reference.dispose();
  });
});

describe('float32 finiteness is the same on both backends', () => {
  it.each(['wasm', 'js'] as const)('%s: targets of 1e30 make the float32 MSE loss Infinity and the step is refused', async (backend) => {
    const net = await source.MLP.create({ layers: [2, 3, 1], activations: ['tanh', 'linear'], dtype: 'float32', backend, seed: 1 });
    const X = [[1, 2], [3, 4]];
    const Y = [[1e30], [-1e30]];
    const before = state(net);
    // (1e30)² overflows float32 (max 3.4e38), as the wasm kernels compute it.
    expect(net.loss(X, Y)).toBe(Infinity);
    expect(net.loss([[1, 2]], [[1e19]])).toBeCloseTo(1e38, -32);
    expect(net.loss([[1, 2]], [[2e19]])).toBe(Infinity);
    let error: source.DivergenceError | undefined;
    try {
      net.step(X, Y);
    } catch (e) {
      error = e as source.DivergenceError;
    }
    expect(error).toBeInstanceOf(source.DivergenceError);
    expect(error!.divergence).toEqual({ step: 0, layer: 1, phase: 'loss' });
    expect(state(net)).toEqual(before);
    net.dispose();
  });
});

describe('a refused step with dropout', () => {
  const cases = [['wasm', 1], ['wasm', 2], ['js', 1]] as const;
  it.each(cases)('%s, %i thread(s): the dropout generator is as before, and the next step draws the masks it would have drawn', async (backend, threads) => {
    const create = () => source.MLP.create({ ...spec, activations: ['relu', 'softmax'], dropout: 0.5, backend, threads, dtype: 'float32', seed: 4 });
    const { X, Y } = data(16);
    const [refusedFirst, direct] = await Promise.all([create(), create()]);
    const before = state(refusedFirst);
    // Inputs of 1e3 and η = 1e38 overflow the float32 update θ − η·∇θ: the guard refuses the step
    // after the masks were drawn.
    const large = X.map((v) => v * 1e3);
    expect(() => refusedFirst.step(large, Y, { learningRate: 1e38 })).toThrow(/the update θ − η·∇θ of layer 0/);
    expect(state(refusedFirst)).toEqual(before);
    refusedFirst.step(X, Y, { learningRate: 0.1 });
    direct.step(X, Y, { learningRate: 0.1 });
    expect(state(refusedFirst)).toEqual(state(direct));
    refusedFirst.dispose();
    direct.dispose();
  });
});

describe('text exports refuse networks past their documented size, before allocating', () => {
  it.each(['toFunction', 'toJSON'] as const)('%s on 16 785 409 parameters (2^24 is the limit)', async (call) => {
    const net = await source.MLP.create({ layers: [4096, 4097], activations: ['linear'], dtype: 'float32', seed: 1 });
    const heap = process.memoryUsage().heapUsed;
    const started = performance.now();
    expect(() => net[call]()).toThrow(new source.ValueError(`${call}: this network has 16785409 parameters, more than the 16777216 (2^24) ${call} exports as text (beyond that the text nears the length JavaScript allows a string); use save() or toSafetensors(), which are binary`));
    // Refused before writing: building the text takes seconds and ~100 MB. The time bound is loose
    // (a shared machine pauses for tens of ms at times); the heap bound is the sharp one.
    expect(performance.now() - started).toBeLessThan(500);
    expect(process.memoryUsage().heapUsed - heap).toBeLessThan(2 ** 20);
    net.dispose();
  });
});

describe('messages and round trips', () => {
  it('setOptimizer refused for memory says setOptimizer:, and keeps the old optimizer', async () => {
    const net = await source.MLP.create({ ...spec, seed: 1 });
    // The arena's own refusal, as a network too large for Adam's two extra vectors meets it.
    const engine = engineOf(net);
    engine.setOptimizer = () => {
      throw new source.ValueError("the 'adam' optimizer's state needs 2 GiB, more than fits in WebAssembly memory (4 GiB in all, 2.5 GiB already used)");
    };
    expect(() => net.setOptimizer({ type: 'adam' })).toThrow(new source.ValueError("setOptimizer: the 'adam' optimizer's state needs 2 GiB, more than fits in WebAssembly memory (4 GiB in all, 2.5 GiB already used)"));
    expect(net.optimizer.type).toBe('sgd');
    net.dispose();
  });

  it('MLP.fromJSON keeps the backend the network was saved from, as MLP.load does', async () => {
    const { X, Y } = data(30);
    const original = await source.MLP.create({ ...spec, seed: 3, backend: 'js' });
    original.setOptimizer({ type: 'adam' });
    original.fit(X, Y, { epochs: 2, batchSize: 8 });
    const json = original.toJSON({ training: true });
    expect(json.backend).toBe('js');
    const restored = await source.MLP.fromJSON(JSON.stringify(json));
    const loaded = await source.MLP.load(original.save());
    expect([restored.backend, loaded.backend]).toEqual(['js', 'js']);
    expect((await source.MLP.fromJSON(json, { backend: 'wasm' })).backend).toBe('wasm');
    // Older JSON without a backend builds on wasm, as before.
    expect((await source.MLP.fromJSON({ ...json, backend: undefined })).backend).toBe('wasm');
    await expect(source.MLP.fromJSON({ ...json, backend: 'gpu' as 'js' })).rejects.toThrow(new source.FormatError("MLP.fromJSON: backend must be one of 'wasm', 'js', 'webgpu', got \"gpu\""));
    for (const net of [original, restored, loaded]) net.fit(X, Y, { epochs: 2, batchSize: 8 });
    expect(Array.from(restored.getParameters())).toEqual(Array.from(original.getParameters()));
    expect(Array.from(loaded.getParameters())).toEqual(Array.from(original.getParameters()));
  });

  it('a typed array whose buffer was transferred is named as detached', async () => {
    const net = await source.MLP.create({ ...spec, seed: 1 });
    const { X, Y } = data(8);
    const before = state(net);
    const gone = <T extends ArrayBufferView>(array: T): T => {
      structuredClone(array.buffer, { transfer: [array.buffer as ArrayBuffer] });
      return array;
    };
    const detachedX = gone(X.slice());
    const message = (fn: string, name: string, type: string) =>
      new source.ValueError(`${fn}: ${name} is a ${type} whose buffer was detached (transferred with postMessage, or to a worker), so its data is gone; pass a copy instead`);
    expect(() => net.predict(detachedX)).toThrow(message('predict', 'X', 'Float64Array'));
    expect(() => net.fit(detachedX, Y)).toThrow(message('fit', 'X', 'Float64Array'));
    expect(() => net.fit(X, gone(Y.slice()))).toThrow(message('fit', 'Y', 'Int32Array'));
    expect(() => net.setParameters(gone(new Float64Array(net.parameterCount)))).toThrow(message('setParameters', 'theta', 'Float64Array'));
    await expect(source.MLP.load(gone(net.save()))).rejects.toThrow(message('MLP.load', 'bytes', 'Uint8Array'));
    await expect(source.MLP.fromSafetensors(gone(net.toSafetensors()))).rejects.toThrow(message('MLP.fromSafetensors', 'bytes', 'Uint8Array'));
    expect(state(net)).toEqual(before);
    net.dispose();
  });

  it('a worker fitAsync handles options that cannot be cloned as fitAsync on this thread does', async () => {
    const { X, Y } = data(20);
    const results: unknown[] = [];
    for (const [lib, worker] of [[source, false], [built as unknown as Lib, true]] as const) {
      const net = await lib.MLP.create({ ...spec, seed: 2 });
      // An unknown option is refused (did-you-mean) on both paths alike; a function value never reaches a worker.
      const extra = { epochs: 2, batchSize: 5, worker, somethingElse: () => 1 } as source.FitOptions;
      const outcome = await net.fitAsync(X, Y, extra).then((h) => ({ loss: h.loss, theta: Array.from(net.getParameters()) }), (e: Error) => `${e.name}: ${e.message}`);
      const symbol = await net.fitAsync(X, Y, { worker, epochs: 2, schedule: () => Symbol('rate') as unknown as number }).then(() => 'trained', (e: Error) => `${e.name}: ${e.message}`);
      results.push([outcome, symbol]);
      net.dispose();
    }
    expect(results[1]).toEqual(results[0]);
    expect((results[0] as unknown[])[1]).toBe('ValueError: fitAsync: options.schedule returned a symbol (rate) for epoch 0, expected a finite learning rate ≥ 0');
  });
});
