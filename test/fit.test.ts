// Training end to end: fit learns XOR and a softmax classifier, on both backends and dtypes.
import { describe, expect, it } from 'vitest';
import { MLP } from '../src/index.js';

const XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const XOR_Y = [[0], [1], [1], [0]];

describe.each([['wasm', 'float32'], ['wasm', 'float64'], ['js', 'float32'], ['js', 'float64']] as const)('fit on %s / %s', (backend, dtype) => {
  it('learns XOR with tanh to a mean squared error below 1e-3', async () => {
    const net = await MLP.create({ layers: [2, 8, 1], activations: ['tanh', 'linear'], loss: 'mse', backend, dtype, seed: 3 });
    const start = net.loss(XOR_X, XOR_Y);
    const history = net.fit(XOR_X, XOR_Y, { epochs: 2000, batchSize: 4, learningRate: 0.1 });
    expect(history.epochs).toBe(2000);
    expect(history.stopReason).toBe('epochs');
    expect(history.loss[0]).toBeCloseTo(start, 5); // the first epoch reports the loss before its step
    expect(net.loss(XOR_X, XOR_Y)).toBeLessThan(1e-3);
    const out = net.predict(XOR_X) as number[][];
    out.forEach((row, i) => expect(Math.abs(row[0] - XOR_Y[i][0])).toBeLessThan(0.1));
  });

  it('learns a 3-class problem with softmax + cross-entropy from integer labels', async () => {
    // Three well-separated blobs.
    const X: number[][] = [];
    const labels: number[] = [];
    const centres = [[2, 0], [-1, 1.7], [-1, -1.7]];
    for (let i = 0; i < 90; i++) {
      const c = i % 3;
      X.push([centres[c][0] + Math.sin(i * 12.9898) * 0.5, centres[c][1] + Math.cos(i * 78.233) * 0.5]);
      labels.push(c);
    }
    const net = await MLP.create({ layers: [2, 16, 3], activations: ['relu', 'softmax'], loss: 'cross-entropy', backend, dtype, seed: 9 });
    const history = net.fit(X, labels, { epochs: 60, batchSize: 16, learningRate: 0.2 });
    expect(history.loss[59]).toBeLessThan(history.loss[0] / 10);
    const probabilities = net.predict(X) as number[][];
    const correct = probabilities.filter((p, i) => p.indexOf(Math.max(...p)) === labels[i]).length;
    expect(correct).toBe(90);
    probabilities.forEach((p) => expect(p.reduce((a, b) => a + b)).toBeCloseTo(1, 5));
  });

  it('stops when onEpochEnd returns false, after that epoch', async () => {
    const net = await MLP.create({ layers: [2, 4, 1], activations: ['tanh', 'linear'], backend, dtype });
    const seen: number[] = [];
    const history = net.fit(XOR_X, XOR_Y, { epochs: 50, onEpochEnd: (epoch) => (seen.push(epoch), epoch < 4) });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(history.epochs).toBe(5);
    expect(history.stopReason).toBe('callback');
  });

  it('reads a typed-array X of its dtype in place, yet a callback that changes X changes nothing of that fit', async () => {
    const Float = dtype === 'float32' ? Float32Array : Float64Array;
    const X = Float.from({ length: 40 }, (_, i) => Math.sin(i * 1.7));
    const Y = Float.from({ length: 20 }, (_, i) => Math.cos(i));
    const options = { epochs: 3, batchSize: 4, learningRate: 0.05, validationSplit: 0.25 };
    const make = () => MLP.create({ layers: [2, 3, 1], activations: ['tanh', 'linear'], loss: 'mse' as const, backend, dtype, seed: 4 });
    const untouched = (await make()).fit(X.slice(), Y, options);
    const changed = X.slice();
    const history = (await make()).fit(changed, Y, { ...options, onEpochEnd: () => void changed.fill(1e6) });
    expect(changed[0]).toBe(1e6);
    expect(history.loss).toEqual(untouched.loss);
    expect(history.valLoss).toEqual(untouched.valLoss);
  });
});

describe('fit determinism', () => {
  it('same seed, same data, same options give bit-identical parameters', async () => {
    const run = async () => {
      const net = await MLP.create({ layers: [2, 8, 1], activations: ['tanh', 'linear'], seed: 42 });
      net.fit(XOR_X, XOR_Y, { epochs: 30, batchSize: 3, learningRate: 0.1, shuffle: true });
      return Array.from(net.getParameters());
    };
    expect(await run()).toEqual(await run());
  });

  it('the last partial batch is trained on: 5 samples in batches of 2 equal three steps by hand', async () => {
    const X = [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]];
    const Y = [[1], [2], [3], [4], [5]];
    const a = await MLP.create({ layers: [2, 1], activations: ['linear'], dtype: 'float64', seed: 1 });
    const b = await MLP.create({ layers: [2, 1], activations: ['linear'], dtype: 'float64', seed: 1 });
    a.fit(X, Y, { epochs: 1, batchSize: 2, optimizer: { type: 'sgd' }, learningRate: 0.001, shuffle: false });
    b.step(X.slice(0, 2), Y.slice(0, 2), { learningRate: 0.001 });
    b.step(X.slice(2, 4), Y.slice(2, 4), { learningRate: 0.001 });
    b.step(X.slice(4), Y.slice(4), { learningRate: 0.001 });
    expect(Array.from(a.getParameters())).toEqual(Array.from(b.getParameters()));
  });
});
