// Six steps of every optimizer configuration against trajectories frozen from torch.optim
// (test/fixtures/make-optimizer-fixtures.py): float64 to 1e-9 relative on both backends,
// float32 within 1e-5 (θ itself starts rounded to float32; measured worst 7.5e-7 with scalar
// kernels, about 2e-6 with SIMD GEMM kernels that sum in another order).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MLP, type Activation, type OptimizerOptions } from '../src/index.js';
import { engineOf, maxRelativeError } from './helpers.js';

interface Fixture {
  network: { layers: number[]; activations: Activation[]; loss: 'mse' };
  theta: number[];
  X: number[][];
  Y: number[][];
  cases: { name: string; optimizer: OptimizerOptions; losses: number[]; thetas: number[][] }[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/optimizers.json', import.meta.url), 'utf8')) as Fixture;
const tolerance = { float64: 1e-9, float32: 1e-5 };

async function start(backend: 'wasm' | 'js', dtype: 'float32' | 'float64'): Promise<MLP> {
  const net = await MLP.create({ ...fixture.network, backend, dtype });
  net.setParameters(fixture.theta);
  return net;
}

describe.each(['wasm', 'js'] as const)('torch.optim fixtures on %s', (backend) => {
  describe.each(['float64', 'float32'] as const)('%s', (dtype) => {
    it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
      const net = await start(backend, dtype);
      net.setOptimizer(c.optimizer);
      c.thetas.forEach((expected, s) => {
        const loss = net.step(fixture.X, fixture.Y);
        expect(Math.abs(loss - c.losses[s]) / Math.abs(c.losses[s])).toBeLessThan(tolerance[dtype]);
        expect(maxRelativeError(net.getParameters(), expected)).toBeLessThan(tolerance[dtype]);
      });
      net.dispose();
    });
  });
});

describe('wasm matches js step by step', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    for (const [dtype, limit] of [['float64', 1e-12], ['float32', 1e-5]] as const) {
      const wasm = await start('wasm', dtype);
      const js = await start('js', dtype);
      wasm.setOptimizer(c.optimizer);
      js.setOptimizer(c.optimizer);
      for (let s = 0; s < c.thetas.length; s++) {
        wasm.step(fixture.X, fixture.Y);
        js.step(fixture.X, fixture.Y);
        expect(maxRelativeError(wasm.getParameters(), js.getParameters())).toBeLessThan(limit);
      }
      wasm.dispose();
      js.dispose();
    }
  });
});

describe('optimizer state', () => {
  const adam = fixture.cases.find((c) => c.name === 'adam weight decay amsgrad')!;

  it.each(['wasm', 'js'] as const)('resetOptimizer restarts the trajectory from step 1 (%s)', async (backend) => {
    const net = await start(backend, 'float64');
    net.setOptimizer(adam.optimizer);
    for (let s = 0; s < 3; s++) net.step(fixture.X, fixture.Y);
    net.setParameters(fixture.theta);
    net.resetOptimizer();
    net.step(fixture.X, fixture.Y);
    expect(maxRelativeError(net.getParameters(), adam.thetas[0])).toBeLessThan(1e-9);
    net.dispose();
  });

  it.each(['wasm', 'js'] as const)('optimizerState/setOptimizerState continue bit-identically (%s)', async (backend) => {
    const a = await start(backend, 'float32');
    a.setOptimizer(adam.optimizer);
    for (let s = 0; s < 3; s++) a.step(fixture.X, fixture.Y);
    const saved = engineOf(a).optimizerState();
    expect(saved.step).toBe(3);
    expect(saved.buffers).toHaveLength(3); // m, v, vMax
    const b = await start(backend, 'float32');
    b.setParameters(a.getParameters());
    engineOf(b).setOptimizerState(saved);
    for (let s = 0; s < 3; s++) expect(b.step(fixture.X, fixture.Y)).toBe(a.step(fixture.X, fixture.Y));
    expect(Array.from(b.getParameters())).toEqual(Array.from(a.getParameters()));
    expect(engineOf(b).optimizerState().step).toBe(6);
    a.dispose();
    b.dispose();
  });

  it('a per-step learning rate overrides the optimizer\'s for that step only', async () => {
    const sgd = fixture.cases.find((c) => c.name === 'sgd')!; // lr 0.1
    const net = await start('wasm', 'float64');
    net.setOptimizer({ type: 'sgd', learningRate: 0.5 });
    net.step(fixture.X, fixture.Y, { learningRate: 0.1 });
    expect(maxRelativeError(net.getParameters(), sgd.thetas[0])).toBeLessThan(1e-9);
    expect(net.optimizer.learningRate).toBe(0.5);
    net.dispose();
  });

  it('with no optimizer set, step is plain SGD at 0.01', async () => {
    const a = await start('wasm', 'float64');
    const b = await start('wasm', 'float64');
    b.setOptimizer({ type: 'sgd', learningRate: 0.01 });
    a.step(fixture.X, fixture.Y);
    b.step(fixture.X, fixture.Y);
    expect(Array.from(a.getParameters())).toEqual(Array.from(b.getParameters()));
    a.dispose();
    b.dispose();
  });
});
