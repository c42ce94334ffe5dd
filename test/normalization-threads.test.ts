// Normalization layers on 2 and 3 threads compute bit for bit what they compute on one: θ,
// losses, predictions and batch norm's running statistics, through step, fit and fitAsync,
// with dropout and clipping; and each batch-norm layer adds exactly the README's barriers per
// step, layer norm none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLP, type DType, type Normalization } from '../src/index.js';
import type { OptimizerOptions } from '../src/registry/optimizers.js';
import { setWorkPerThread } from '../src/wasm/shared-engine.js';
import { randomData, type NetSpec } from './helpers.js';
import { threadingOf } from '../src/api/test-seam.js';

const threading = threadingOf;
const bits = (a: ArrayLike<number>) => Array.from(new Uint8Array(Float64Array.from(a).buffer));

interface Setup {
  spec: NetSpec;
  normalization: (Normalization | null)[];
  optimizer: OptimizerOptions;
  dropout?: number;
}

async function runAll({ spec, normalization, optimizer, dropout }: Setup, dtype: DType, threads: number) {
  const net = await MLP.create({ ...spec, normalization, dtype, threads, seed: 4, dropout });
  net.setOptimizer(optimizer);
  const { X, Y } = randomData(spec, 14, 8);
  const running = () => bits(net.getRunningStatistics().flatMap((s) => [...s.runningMean, ...s.runningVar, s.batchesTracked]));
  const out = {
    predict: bits(net.predict(X) as Float64Array),
    loss: bits([net.loss(X, Y)]),
    gradient: bits(net.gradient(X, Y)),
    steps: bits([0, 1, 2].map(() => net.step(X, Y))),
    afterSteps: bits(net.getParameters()),
    runningAfterSteps: running(),
    // Batches of 5, 5 and 4 rows: shares of fewer rows than threads × 4, some empty.
    fit: bits(net.fit(X, Y, { epochs: 3, batchSize: 5 }).loss),
    afterFit: bits(net.getParameters()),
    runningAfterFit: running(),
    fitAsync: bits((await net.fitAsync(X, Y, { epochs: 2, batchSize: 6 })).loss),
    afterFitAsync: bits(net.getParameters()),
    runningAfterFitAsync: running(),
    predictAfter: bits(net.predict(X) as Float64Array),
    parallelCalls: threading(net).parallelCalls,
  };
  net.dispose();
  return out;
}

const setups: [string, Setup][] = [
  ['batch-norm, none, layer-norm; adam', { spec: { layers: [5, 9, 7, 6, 3], activations: ['relu', 'tanh', 'gelu', 'softmax'], loss: 'cross-entropy' }, normalization: ['batch-norm', null, 'layer-norm'], optimizer: { type: 'adam', learningRate: 0.01 } }],
  ['layer-norm, batch-norm with dropout 0.3; sgd momentum, clipNorm', { spec: { layers: [5, 10, 6, 2], activations: ['silu', 'relu', 'linear'], loss: 'mse' }, normalization: ['layer-norm', 'batch-norm'], optimizer: { type: 'sgd', learningRate: 0.05, momentum: 0.9, clipNorm: 0.5 }, dropout: 0.3 }],
  // Layers wider than the batch, split by units between the threads, next to normalized ones (split by rows).
  ['none (split), batch-norm, none (split); adam, clipNorm', { spec: { layers: [5, 64, 50, 48, 3], activations: ['relu', 'tanh', 'gelu', 'softmax'], loss: 'cross-entropy' }, normalization: [null, 'batch-norm', null], optimizer: { type: 'adam', learningRate: 0.01, clipNorm: 1 } }],
  ['layer-norm, none (split) with dropout 0.2; sgd', { spec: { layers: [5, 48, 64, 2], activations: ['silu', 'relu', 'linear'], loss: 'mse' }, normalization: ['layer-norm', null], optimizer: { type: 'sgd', learningRate: 0.05 }, dropout: 0.2 }],
  ['batch-norm twice; rmsprop, clipValue', { spec: { layers: [5, 13, 9, 2], activations: ['tanh', 'elu', 'sigmoid'], loss: 'binary-cross-entropy' }, normalization: ['batch-norm', 'batch-norm'], optimizer: { type: 'rmsprop', learningRate: 0.01, clipValue: 0.05 } }],
];

describe('normalization: bit-identical to one thread, with every call run on every thread', () => {
  beforeAll(() => setWorkPerThread(0));
  afterAll(() => setWorkPerThread());
  describe.each(['float64', 'float32'] as const)('%s', (dtype) => {
    it.each(setups)('%s', async (_, setup) => {
      const { parallelCalls: none, ...one } = await runAll(setup, dtype, 1);
      expect(none).toBe(0);
      for (const threads of [2, 3]) {
        const { parallelCalls, ...many } = await runAll(setup, dtype, threads);
        expect(parallelCalls).toBeGreaterThan(5);
        expect(many).toEqual(one);
      }
    });
  });
});

describe('normalization: barriers per training step', () => {
  beforeAll(() => setWorkPerThread(0));
  afterAll(() => setWorkPerThread());
  // The README's formula: L + 2 for L layers, + 3 per batch-norm layer (2 on the first, which
  // passes no gradient down), layer norm none.
  it.each([
    [['layer-norm', 'layer-norm'], 0],
    [['batch-norm', null], 2],
    [[null, 'batch-norm'], 3],
    [['batch-norm', 'layer-norm'], 2],
    [['batch-norm', 'batch-norm'], 5],
  ] as const)('%j', async (normalization, extra) => {
    const spec: NetSpec = { layers: [6, 8, 8, 3], activations: ['tanh', 'relu', 'softmax'], loss: 'cross-entropy' };
    for (const threads of [2, 3]) {
      const net = await MLP.create({ ...spec, threads, seed: 3, normalization: [...normalization] });
      const { X, Y } = randomData(spec, 24, 2);
      const before = threading(net).barriers;
      net.step(X, Y, { learningRate: 0.1 });
      expect(threading(net).barriers - before).toBe(3 + 2 + extra);
      net.dispose();
    }
  });
});
