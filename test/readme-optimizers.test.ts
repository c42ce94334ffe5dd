// The README's Optimizers examples, run as written, with the values it shows.
import { expect, it } from 'vitest';
import { MLP } from '../src/index.js';

const X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const Y = [[0], [1], [1], [0]];
/** Within 2% of the README's rounded figure (kernel changes may move the last digits). */
const near = (actual: number, shown: number) => expect(Math.abs(actual / shown - 1)).toBeLessThan(0.02);
const xor = () => MLP.create({ layers: [2, 8, 1], activations: ['tanh', 'linear'], seed: 3, dtype: 'float64' });

it('Adam, a one-step rate override, reset', async () => {
  const net = await xor();
  net.setOptimizer({ type: 'adam', learningRate: 0.05 });
  expect(net.optimizer).toEqual({ type: 'adam', learningRate: 0.05, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, amsgrad: false, clipNorm: null, clipValue: null });
  for (let i = 0; i < 200; i++) net.step(X, Y);
  near(net.loss(X, Y), 3.55e-9);
  net.step(X, Y, { learningRate: 0.001 });
  expect(net.optimizer.learningRate).toBe(0.05);
  net.resetOptimizer();
});

it('SGD with Nesterov momentum through fit', async () => {
  const sgd = await xor();
  sgd.setOptimizer({ type: 'sgd', learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 1e-4 });
  near(sgd.fit(X, Y, { epochs: 300, batchSize: 4 }).loss[299], 3.62e-7);
});

it('clipping with RMSprop and Adagrad', async () => {
  const rms = await xor();
  rms.setOptimizer({ type: 'rmsprop', learningRate: 0.01, centered: true, momentum: 0.5, clipNorm: 1 });
  for (let i = 0; i < 200; i++) rms.step(X, Y);
  near(rms.loss(X, Y), 3.58e-6);
  const ada = await xor();
  ada.setOptimizer({ type: 'adagrad', learningRate: 0.5, clipValue: 0.5 });
  for (let i = 0; i < 200; i++) ada.step(X, Y);
  near(ada.loss(X, Y), 9.18e-9);
});

it('dropout with AdamW', async () => {
  const dropped = await MLP.create({ layers: [2, 32, 32, 1], activations: ['relu', 'relu', 'linear'], dropout: [0.2, 0.1], seed: 3, dtype: 'float64' });
  dropped.setOptimizer({ type: 'adamw', learningRate: 0.01 });
  dropped.fit(X, Y, { epochs: 500, batchSize: 4 });
  const out = (dropped.predict(X) as number[][]).map((r) => r[0]);
  [0.035, 0.795, 0.751, -0.016].forEach((v, i) => expect(Math.abs(out[i] - v)).toBeLessThan(0.005));
});
