// Layer and batch normalization against PyTorch (test/fixtures/make-normalization-fixtures.py):
// predictions in eval mode (running statistics) before and after training, the loss and ∇θ at
// θ₀ in train mode (batch statistics), the loss and θ over 6 steps of SGD with momentum or
// Adam, and batch norm's running mean, variance and count after them, on both backends.
// float64 agrees to 1e-9 relative; float32 within its rounding (inputs and θ start rounded to
// float32, ~6e-8 per operation compounding over the steps). One float32 exception, explained in
// the fixture script: under Adam, a Linear's bias ahead of a batch norm has a gradient that is
// zero in exact arithmetic, so it moves by float32 rounding noise × η/eps each step (eps 1e-3
// in those cases), up to ~2e-5 per step, and the running mean and predictions inherit it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MLP, type Normalization } from '../src/index.js';
import { maxRelativeError } from './helpers.js';
import { relative, type TorchCase } from './torch-fixtures.js';

/** A torch-fixtures case with normalization layers, and what batch norm keeps after the steps. */
interface Case extends Omit<TorchCase, 'network' | 'sampleWeight'> {
  network: TorchCase['network'] & { normalization: (Normalization | null)[] };
  running: number[];
  batchesTracked: number[];
  predictionsAfter: number[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/normalization.json', import.meta.url), 'utf8')) as { cases: Case[] };
const tolerance = { float64: 1e-9, float32: 2e-5 };

describe.each(['wasm', 'js'] as const)('PyTorch normalization fixtures on %s', (backend) => {
  describe.each(['float64', 'float32'] as const)('%s', (dtype) => {
    it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
      const net = await MLP.create({ ...c.network, backend, dtype });
      net.setParameters(c.theta);
      net.setOptimizer(c.optimizer);
      const limit = tolerance[dtype];
      // The values float32 rounding noise drives under Adam (see the header): biases ahead of a
      // batch norm, and what follows them, the running means and the predictions after training.
      const noisy = dtype === 'float32' && c.optimizer.type === 'adam' && c.network.normalization.includes('batch-norm');
      const noiseLimit = noisy ? 1e-3 : limit;
      const aheadOfBatchNorm = new Set(net.layout.layers.flatMap((l) => (l.normalization === 'batch-norm' ? Array.from({ length: l.outputs }, (_, j) => l.biasOffset + j) : [])));
      const apart = (values: ArrayLike<number>, expected: number[], inSet: boolean) => maxRelativeError(...[values, expected].map((v) => Array.from(v).filter((_, i) => aheadOfBatchNorm.has(i) === inSet)) as [number[], number[]]);
      expect(maxRelativeError(net.predict(c.X).flat(), c.predictions)).toBeLessThan(limit);
      expect(relative(net.loss(c.X, c.Y), c.loss)).toBeLessThan(limit);
      expect(maxRelativeError(net.gradient(c.X, c.Y), c.gradient)).toBeLessThan(limit);
      c.thetas.forEach((expected, s) => {
        expect(relative(net.step(c.X, c.Y), c.losses[s])).toBeLessThan(limit);
        const theta = net.getParameters();
        expect(apart(theta, expected, false)).toBeLessThan(limit);
        expect(apart(theta, expected, true)).toBeLessThan(noiseLimit);
      });
      const stats = net.getRunningStatistics();
      expect(stats.map((s) => s.batchesTracked)).toEqual(c.batchesTracked);
      let at = 0;
      for (const s of stats) {
        expect(maxRelativeError(s.runningMean, c.running.slice(at, at + s.runningMean.length))).toBeLessThan(noiseLimit);
        expect(maxRelativeError(s.runningVar, c.running.slice(at + s.runningMean.length, at + 2 * s.runningMean.length))).toBeLessThan(limit);
        at += 2 * s.runningMean.length;
      }
      expect(at).toBe(c.running.length);
      expect(maxRelativeError(net.predict(c.X).flat(), c.predictionsAfter)).toBeLessThan(noiseLimit);
      net.dispose();
    });
  });
});

it('the fixtures cover each normalization alone and mixed with none, on 1 to 3 hidden layers and both optimizer families', () => {
  const kinds = new Set(fixture.cases.map((c) => c.network.normalization.map(String).join()));
  for (const k of ['layer-norm', 'batch-norm', 'layer-norm,layer-norm,layer-norm', 'batch-norm,batch-norm,batch-norm', 'batch-norm,null,layer-norm', 'null,batch-norm']) expect(kinds).toContain(k);
  expect(new Set(fixture.cases.map((c) => c.optimizer.type))).toEqual(new Set(['sgd', 'adam']));
  // Batch norm's running statistics moved away from their start (mean 0, variance 1).
  expect(fixture.cases.flatMap((c) => c.running).some((v) => Math.abs(v) > 0.05 && Math.abs(v - 1) > 0.05)).toBe(true);
});

it.each(['wasm', 'js'] as const)('on %s in float64, the gradient of a bias ahead of a batch norm is zero to rounding, as in PyTorch', async (backend) => {
  for (const c of fixture.cases.filter((f) => f.network.normalization.includes('batch-norm'))) {
    const net = await MLP.create({ ...c.network, backend, dtype: 'float64' });
    net.setParameters(c.theta);
    const gradient = net.gradient(c.X, c.Y);
    const scale = Math.max(...gradient.map(Math.abs));
    for (const layer of net.layout.layers.filter((l) => l.normalization === 'batch-norm')) {
      for (let j = 0; j < layer.outputs; j++) {
        expect(Math.abs(gradient[layer.biasOffset + j])).toBeLessThan(1e-13 * scale);
        expect(Math.abs(c.gradient[layer.biasOffset + j])).toBeLessThan(1e-13 * scale);
      }
    }
    net.dispose();
  }
});
