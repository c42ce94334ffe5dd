// fitAsync: the same training as fit, without blocking, in a worker or yielding between batches.
// Worker mode runs the compiled package (dist/, built by `npm test`'s pretest): the worker script
// is dist/async/worker.js, found beside the code that starts it, as in an installed package.
import { describe, expect, it } from 'vitest';
import { MLP as SourceMLP } from '../src/index.js';
import { MLP as BuiltMLP } from '../dist/index.js';
import { Random } from '../src/core/random.js';

type Net = SourceMLP | BuiltMLP;
const spec = { layers: [6, 16, 3], activations: ['tanh', 'softmax'], loss: 'cross-entropy', dtype: 'float64' } as const;

function data(rows: number, inputs: number, classes: number, seed = 4) {
  const random = new Random(seed);
  const X = Float64Array.from({ length: rows * inputs }, () => random.normal());
  const labels = Int32Array.from({ length: rows }, (_, i) => (X[i * inputs] > 0 ? 1 : 0) + (X[i * inputs + 1] > 0.5 ? 1 : 0));
  return { X, labels: classes > 2 ? labels : labels.map((l) => Math.min(l, 1)) };
}

describe.each([
  ['on this thread', SourceMLP, false],
  ['in a worker', BuiltMLP, true],
] as const)('fitAsync %s', (_, MLP, worker) => {
  const create = (seed = 3) => (MLP as typeof SourceMLP).create({ ...spec, seed }) as Promise<Net>;

  it('trains exactly as fit does: same shuffles, same batches, same θ', async () => {
    const { X, labels } = data(100, 6, 3);
    const a = await create();
    const b = await create();
    const options = { epochs: 4, batchSize: 16, learningRate: 0.1 };
    const sync = a.fit(X, labels, options);
    const batches: number[] = [];
    const asyncHistory = await b.fitAsync(X, labels, { ...options, worker, onBatchEnd: (batch) => batches.push(batch) });
    expect(asyncHistory.epochs).toBe(4);
    expect(asyncHistory.stopReason).toBe('epochs');
    // 100 rows in batches of 16: 7 batches per epoch, the last of 4 samples.
    expect(batches).toEqual([0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6]);
    asyncHistory.loss.forEach((loss, i) => expect(loss).toBeCloseTo(sync.loss[i], 12));
    expect(Array.from(b.getParameters())).toEqual(Array.from(a.getParameters()));
    // The generator moved on identically: the next shuffles agree too.
    a.fit(X, labels, { epochs: 1 });
    b.fit(X, labels, { epochs: 1 });
    expect(Array.from(b.getParameters())).toEqual(Array.from(a.getParameters()));
    a.dispose();
    b.dispose();
  });

  it('carries the optimizer’s state and dropout across, as fit does', async () => {
    const { X, labels } = data(90, 6, 3);
    const make = async () => {
      const net = await (MLP as typeof SourceMLP).create({ ...spec, seed: 8, dropout: 0.25 }) as Net;
      net.setOptimizer({ type: 'adam', learningRate: 0.01 });
      net.fit(X, labels, { epochs: 1, batchSize: 30 }); // Adam's moments are non-zero before fitAsync starts
      return net;
    };
    const a = await make();
    const b = await make();
    a.fit(X, labels, { epochs: 3, batchSize: 16 });
    await b.fitAsync(X, labels, { epochs: 3, batchSize: 16, worker });
    expect(Array.from(b.getParameters())).toEqual(Array.from(a.getParameters()));
    expect(b.optimizer).toEqual(a.optimizer);
    a.fit(X, labels, { epochs: 1 });
    b.fit(X, labels, { epochs: 1 });
    expect(Array.from(b.getParameters())).toEqual(Array.from(a.getParameters()));
    a.dispose();
    b.dispose();
  });

  it('takes fit’s other options: validation, metrics, a schedule function, early stopping', async () => {
    const { X, labels } = data(120, 6, 3);
    const a = await create(5);
    const b = await create(5);
    const options = {
      epochs: 6, batchSize: 16, learningRate: 0.2, validationSplit: 0.25, metrics: ['accuracy'] as const,
      schedule: (epoch: number) => 0.2 / (1 + epoch), earlyStopping: { patience: 10, restoreBest: true },
    };
    const sync = a.fit(X, labels, { ...options, metrics: [...options.metrics] });
    const seen: number[] = [];
    const asyncHistory = await b.fitAsync(X, labels, { ...options, metrics: [...options.metrics], worker, onEpochEnd: (epoch) => { seen.push(epoch); } });
    expect(seen).toEqual([0, 1, 2, 3, 4, 5]);
    expect(asyncHistory.learningRate).toEqual(sync.learningRate);
    expect(asyncHistory.valLoss).toEqual(sync.valLoss);
    expect(asyncHistory.metrics).toEqual(sync.metrics);
    expect(asyncHistory.bestEpoch).toBe(sync.bestEpoch);
    expect(Array.from(b.getParameters())).toEqual(Array.from(a.getParameters()));
    expect(b.epoch).toBe(a.epoch);
    a.dispose();
    b.dispose();
  });

  it('reports each batch’s loss and lets onEpochEnd stop training', async () => {
    const { X, labels } = data(64, 6, 3);
    const net = await create();
    const logs: { loss: number; size: number; epoch: number }[] = [];
    const history = await net.fitAsync(X, labels, { epochs: 10, batchSize: 20, worker, onBatchEnd: (_, l) => logs.push(l), onEpochEnd: (epoch) => epoch < 1 });
    expect(history).toMatchObject({ epochs: 2, stopReason: 'callback' });
    expect(logs.map((l) => l.size)).toEqual([20, 20, 20, 4, 20, 20, 20, 4]);
    expect(logs.map((l) => l.epoch)).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    // The epoch's loss is the batches' losses weighted by their sizes.
    const first = logs.slice(0, 4).reduce((s, l) => s + l.loss * l.size, 0) / 64;
    expect(history.loss[0]).toBeCloseTo(first, 12);
    net.dispose();
  });

  it('on abort keeps the weights of the last completed epoch', async () => {
    const { X, labels } = data(200, 6, 3);
    const net = await create();
    const controller = new AbortController();
    const afterEpoch: number[][] = [];
    const history = await net.fitAsync(X, labels, {
      epochs: 50, batchSize: 10, worker, signal: controller.signal,
      onEpochEnd: () => { afterEpoch.push(Array.from(net.getParameters())); },
      onBatchEnd: (batch, { epoch }) => { if (epoch === 2 && batch === 5) controller.abort(); },
    });
    expect(history.stopReason).toBe('aborted');
    expect(history.epochs).toBe(afterEpoch.length);
    expect(history.epochs).toBeGreaterThanOrEqual(2);
    expect(Array.from(net.getParameters())).toEqual(afterEpoch[afterEpoch.length - 1]);
    // The network is usable afterwards.
    expect(net.loss(X, labels)).toBeGreaterThan(0);
    net.dispose();
  });

  it('checks its options before training', async () => {
    const net = await create();
    const { X, labels } = data(8, 6, 3);
    const before = Array.from(net.getParameters());
    await expect(net.fitAsync(X, labels, { worker: 'yes' as unknown as boolean })).rejects.toThrow('fitAsync: options.worker must be true or false, got "yes"');
    await expect(net.fitAsync(X, labels, { worker, signal: {} as AbortSignal })).rejects.toThrow('fitAsync: options.signal must be an AbortSignal');
    await expect(net.fitAsync(X, labels, { worker, epochs: 0 })).rejects.toThrow('fitAsync: options.epochs must be an integer ≥ 1, got 0');
    await expect(net.fitAsync(X.subarray(0, 7), labels, { worker })).rejects.toThrow(/fitAsync: X has 7 values/);
    expect(Array.from(net.getParameters())).toEqual(before);
    net.dispose();
  });
});

describe('fitAsync keeps the calling thread responsive', () => {
  /** Runs `work` while a 10 ms interval timer records how late each tick fires. */
  async function timerLateness(work: () => Promise<unknown>): Promise<{ worst: number; ticks: number; seconds: number }> {
    let last = performance.now();
    let worst = 0;
    let ticks = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last - 10);
      last = now;
      ticks++;
    }, 10);
    const started = performance.now();
    await work();
    const seconds = (performance.now() - started) / 1000;
    clearInterval(timer);
    return { worst, ticks, seconds };
  }

  const { X, labels } = data(3000, 64, 2, 9);
  const big = { layers: [64, 256, 256, 2], activations: ['relu', 'relu', 'softmax'], loss: 'cross-entropy', seed: 1 } as const;

  it('in a worker: main-thread timers keep firing on time', async () => {
    const net = await BuiltMLP.create(big);
    const { worst, ticks, seconds } = await timerLateness(() => net.fitAsync(X, labels, { epochs: 16, worker: true }));
    // A blocking fit of the same size would delay a timer by the whole training time. The bound
    // is relative to that time, so a machine slowed by other work slows both sides alike.
    expect(seconds, 'training must last long enough to measure').toBeGreaterThan(0.5);
    expect(worst, `worst lateness ${worst.toFixed(0)} ms over ${seconds.toFixed(2)} s`).toBeLessThan(seconds * 1000 / 4);
    expect(ticks).toBeGreaterThan(seconds * 100 * 0.5);
    net.dispose();
  });

  it('on this thread: timers run between batches', async () => {
    const net = await SourceMLP.create(big);
    const { worst, ticks, seconds } = await timerLateness(() => net.fitAsync(X, labels, { epochs: 20, batchSize: 32 }));
    // Each batch takes milliseconds and fitAsync yields every ~16 ms, so no timer waits for an epoch.
    expect(seconds, 'training must last long enough to measure').toBeGreaterThan(0.5);
    expect(worst, `worst lateness ${worst.toFixed(0)} ms over ${seconds.toFixed(2)} s`).toBeLessThan(seconds * 1000 / 4);
    expect(ticks).toBeGreaterThan(3);
    net.dispose();
  });
});
