// fit's defaults: with no options it learns small data (brain.js's XOR "hello world") — Adam at
// η = 0.01 on a network without an optimizer of its own, and at least 1,000 steps — while `step`
// keeps plain SGD at η = 0.01, the worked example's update.
import { describe, expect, it } from 'vitest';
import { MLP } from '../src/index.js';
// Workers load the built package (dist/), as a user's do.
import { MLP as BuiltMLP } from '../dist/index.js';

const XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const XOR_Y = [[0], [1], [1], [0]];
const xorNet = (seed: number, backend: 'wasm' | 'js' = 'wasm') =>
  MLP.create({ layers: [2, 4, 1], activations: ['tanh', 'sigmoid'], loss: 'binary-cross-entropy', seed, backend });

describe('fit(X, Y) with no options learns XOR', () => {
  it.each(['wasm', 'js'] as const)('for each of 20 seeds (%s): accuracy 1, loss below 0.02', async (backend) => {
    for (let seed = 0; seed < 20; seed++) {
      const net = await xorNet(seed, backend);
      const history = net.fit(XOR_X, XOR_Y);
      expect(history.epochs, `seed ${seed}`).toBe(1000);
      expect(net.predict(XOR_X).map(([p]) => Math.round(p)), `seed ${seed}`).toEqual([0, 1, 1, 0]);
      const { loss, metrics } = net.evaluate(XOR_X, XOR_Y, { metrics: ['accuracy'] });
      expect(metrics.accuracy, `seed ${seed}`).toBe(1);
      expect(loss, `seed ${seed}`).toBeLessThan(0.02);
      net.dispose();
    }
  }, 60_000);

  it('plain SGD at η = 0.01 (step\'s default) would not: the default is what learns', async () => {
    const net = await xorNet(0);
    net.fit(XOR_X, XOR_Y, { optimizer: { type: 'sgd' } });
    expect(net.evaluate(XOR_X, XOR_Y).loss).toBeGreaterThan(0.6); // ≈ ln 2: still guessing
  });
});

describe("fit's default optimizer", () => {
  it('is Adam at η = 0.01 on a new network, installed by the fit, bit-identical to asking for it', async () => {
    const a = await xorNet(5);
    const b = await xorNet(5);
    expect(a.optimizer.type).toBe('sgd'); // step's default until a fit or setOptimizer
    a.fit(XOR_X, XOR_Y, { epochs: 30 });
    b.fit(XOR_X, XOR_Y, { epochs: 30, optimizer: { type: 'adam', learningRate: 0.01 } });
    expect(a.optimizer).toEqual(b.optimizer);
    expect(a.getParameters()).toEqual(b.getParameters());
    // The next fit carries the same Adam state on, as a resumed run.
    a.fit(XOR_X, XOR_Y, { epochs: 5 });
    b.fit(XOR_X, XOR_Y, { epochs: 5 });
    expect(a.getParameters()).toEqual(b.getParameters());
  });

  it('takes options.learningRate as Adam\'s η', async () => {
    const a = await xorNet(2);
    const b = await xorNet(2);
    a.fit(XOR_X, XOR_Y, { epochs: 20, learningRate: 0.05 });
    b.fit(XOR_X, XOR_Y, { epochs: 20, optimizer: { type: 'adam', learningRate: 0.05 } });
    expect(a.getParameters()).toEqual(b.getParameters());
  });

  it('gives way to an optimizer chosen with setOptimizer, plain SGD included', async () => {
    const a = await xorNet(3);
    const b = await xorNet(3);
    a.setOptimizer({ type: 'sgd' });
    a.fit(XOR_X, XOR_Y, { epochs: 20 });
    b.fit(XOR_X, XOR_Y, { epochs: 20, optimizer: { type: 'sgd' } });
    expect(a.optimizer.type).toBe('sgd');
    expect(a.getParameters()).toEqual(b.getParameters());
  });

  it('gives way to the optimizer of a trained checkpoint, even plain SGD', async () => {
    const net = await xorNet(4);
    net.fit(XOR_X, XOR_Y, { epochs: 3, optimizer: { type: 'sgd' } });
    const loaded = await MLP.load(net.save());
    loaded.fit(XOR_X, XOR_Y, { epochs: 3 });
    net.fit(XOR_X, XOR_Y, { epochs: 3 });
    expect(loaded.optimizer.type).toBe('sgd');
    expect(loaded.getParameters()).toEqual(net.getParameters());
  });

  it('leaves step() plain SGD at η = 0.01: the worked example still gives 3.25, then 2.855 rounded per sample', async () => {
    const net = await MLP.create({ layers: [2, 1, 1], activations: ['relu', 'linear'], loss: 'mse', dtype: 'float64', seed: 1 });
    const X = [[2, 1], [-3, 2]];
    const Y = [[1.3], [1.9]];
    net.setParameters([1, 1, 0, 1, 0]);
    expect(net.step(X, Y)).toBeCloseTo(3.25, 12);
    const theta = net.getParameters();
    [0.966, 0.983, -0.017, 0.949, 0.002].forEach((v, i) => expect(theta[i]).toBeCloseTo(v, 12));
    expect(net.loss(X, Y)).toBeCloseTo(2.8556473244, 9);
    expect(net.optimizer.type).toBe('sgd');
  });

  it('is the same in fitAsync, on this thread and in a worker', async () => {
    const reference = await xorNet(6);
    reference.fit(XOR_X, XOR_Y);
    for (const worker of [false, true]) {
      const net = await BuiltMLP.create({ layers: [2, 4, 1], activations: ['tanh', 'sigmoid'], loss: 'binary-cross-entropy', seed: 6 });
      const history = await net.fitAsync(XOR_X, XOR_Y, { worker });
      expect(history.epochs).toBe(1000);
      expect(net.optimizer).toEqual(reference.optimizer);
      expect(net.getParameters()).toEqual(reference.getParameters());
    }
  }, 60_000);
});

describe("fit's default epoch count", () => {
  const rows = (n: number) => ({ X: Array.from({ length: n }, (_, i) => [Math.sin(i), Math.cos(i)]), Y: Array.from({ length: n }, (_, i) => [i % 2]) });

  it.each([
    // rows, options, epochs: at least 1,000 steps of min(batchSize ?? 32, rows) rows, and never fewer than 10
    [4, {}, 1000],
    [4, { batchSize: 1 }, 250],
    [1280, {}, 25],                          // 40 batches of 32
    [1280, { validationSplit: 0.5 }, 50],    // trains on 640: 20 batches
    [1280, { batchSize: 10 }, 10],           // 128 batches: 1,280 steps in 10 epochs
    [33, {}, 500],                            // a partial batch counts: 2 batches
  ] as const)('%i rows with %o: %i epochs', async (n, options, epochs) => {
    const { X, Y } = rows(n);
    const net = await MLP.create({ layers: [2, 3, 1], activations: ['tanh', 'sigmoid'], loss: 'binary-cross-entropy', seed: 1 });
    expect(net.fit(X, Y, options).epochs).toBe(epochs);
  });

  it('given epochs win', async () => {
    const net = await xorNet(1);
    expect(net.fit(XOR_X, XOR_Y, { epochs: 3 }).epochs).toBe(3);
  });
});
