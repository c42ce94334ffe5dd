// The registries' two additions, hardswish (nn.Hardswish) and nadam (torch.optim.NAdam), against
// the fixtures of test/fixtures/make-hardswish-nadam-fixtures.py (its "generator" field says
// whether torch or its float64 NumPy transcription of torch's algorithms produced them), on both
// backends and dtypes; hardswish's slope at its kinks as torch defines it; nadam's gradient-free
// behaviours: its defaults, its checks, threads and checkpoints.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MLP, ValueError } from '../src/index.js';
import { checkTorchCase, type TorchCase } from './torch-fixtures.js';
import { hardswish, hardswishSlope } from '../src/registry/smooth.js';

const fixture = JSON.parse(readFileSync(new URL('./fixtures/hardswish-nadam.json', import.meta.url), 'utf8')) as { generator: string; cases: TorchCase[] };

describe.each(['wasm', 'js'] as const)('hardswish and nadam fixtures on %s', (backend) => {
  describe.each(['float64', 'float32'] as const)('%s', (dtype) => {
    it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_, c) => checkTorchCase(c, backend, dtype));
  });
});

it('the fixtures say what produced them, and cover both additions', () => {
  expect(fixture.generator).toMatch(/with (torch \d|NumPy .* transcription of torch)/);
  expect(fixture.cases.some((c) => c.network.activations.includes('hardswish'))).toBe(true);
  expect(fixture.cases.filter((c) => c.optimizer.type === 'nadam').map((c) => c.thetas.length)).toEqual([12, 12, 12, 12, 12]);
});

describe('hardswish', () => {
  it('is z·relu6(z + 3)/6, with torch\'s slope at the kinks: z/3 + ½ on [−3, 3] (−½ at −3, 1.5 at 3), 0 below, 1 above', () => {
    expect([-4, -3, -1.5, 0, 1, 3, 4].map(hardswish)).toEqual([-0, -0, -0.375, 0, 2 / 3, 3, 4]);
    expect([-3.0001, -3, 0, 3, 3.0001].map(hardswishSlope)).toEqual([0, -0.5, 0.5, 1.5, 1]);
  });

  it.each(['wasm', 'js'] as const)('%s: a one-unit network backpropagates those slopes, kinks included', async (backend) => {
    const net = await MLP.create({ layers: [1, 1], activations: ['hardswish'], dtype: 'float64', backend });
    net.setParameters([1, 0]);
    const points = [-5, -3, -1, 0, 2, 3, 5];
    // Loss ½·mean((a − y)²)·2 = mean((a − y)²) with y = a − 1: ∂L/∂a = 2·(a − y)/n = 2/n per row, so ∂L/∂w = Σ 2/n · slope · z.
    const X = points.map((p) => [p]);
    const Y = points.map((p) => [hardswish(p) - 1]);
    const [dw, db] = net.gradient(X, Y);
    const slopes = points.map(hardswishSlope);
    expect(db).toBeCloseTo(slopes.reduce((s, v) => s + (2 / points.length) * v, 0), 14);
    expect(dw).toBeCloseTo(slopes.reduce((s, v, i) => s + (2 / points.length) * v * points[i], 0), 14);
    net.dispose();
  });

  it('matches finite differences of the loss away from the kinks (float64, both backends)', async () => {
    for (const backend of ['wasm', 'js'] as const) {
      const net = await MLP.create({ layers: [3, 6, 4, 2], activations: ['hardswish', 'hardswish', 'linear'], dtype: 'float64', seed: 3, backend });
      // Scaled so that pre-activations fall on all three pieces (below −3, between, above 3).
      const theta = Array.from(net.getParameters(), (v) => 2 * v);
      net.setParameters(theta);
      const X = [[1.2, -2.5, 3.1], [-4, 0.5, 2.2], [0.3, 3.3, -1.7], [5, -5, 1]];
      const Y = [[0.5, -1], [1, 0.2], [-0.3, 0.4], [2, -2]];
      const analytic = net.gradient(X, Y);
      const h = 1e-6;
      for (let i = 0; i < theta.length; i++) {
        const at = (d: number) => { const t = theta.slice(); t[i] += d; net.setParameters(t); return net.loss(X, Y); };
        const numeric = (at(h) - at(-h)) / (2 * h);
        // Central differences are exact on each quadratic piece but for rounding: ~1e-16·L/h.
        expect(Math.abs(numeric - analytic[i]), `θ[${i}]`).toBeLessThan(1e-6 * Math.max(1, Math.abs(analytic[i])));
      }
      net.dispose();
    }
  });
});

describe('nadam', () => {
  it("fills in torch.optim.NAdam's defaults and checks its options by name", async () => {
    const net = await MLP.create({ layers: [2, 1], activations: ['linear'] });
    net.setOptimizer({ type: 'nadam' });
    expect(net.optimizer).toEqual({ type: 'nadam', learningRate: 2e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false, clipNorm: null, clipValue: null });
    expect(() => net.setOptimizer({ type: 'nadam', momentumDecay: -1 })).toThrow(new ValueError('setOptimizer: options.momentumDecay must be a number ≥ 0, got -1'));
    expect(() => net.setOptimizer({ type: 'nadam', beta1: 1 })).toThrow(new ValueError('setOptimizer: options.beta1 must be a number in [0, 1), got 1'));
    expect(() => net.setOptimizer({ type: 'nadam', decoupledWeightDecay: 1 } as never)).toThrow(/options\.decoupledWeightDecay must be/);
    expect(() => net.setOptimizer({ type: 'nadam', amsgrad: true } as never)).toThrow(/amsgrad/);
    net.dispose();
  });

  it('gives the same bits on 1, 2 and 3 threads, and after a checkpoint as without one', async () => {
    const spec = { layers: [6, 24, 16, 3], activations: ['hardswish', 'tanh', 'softmax'] as const, loss: 'cross-entropy' as const, seed: 7 };
    const X = Array.from({ length: 64 }, (_, r) => Array.from({ length: 6 }, (_, c) => Math.sin(r * 0.7 + c * 1.3)));
    const Y = X.map((row) => [0, 1, 2].map((k) => (k === (row[0] > 0.3 ? 0 : row[1] > 0 ? 1 : 2) ? 1 : 0)));
    const train = async (threads: number, checkpointAt: number | null, backend: 'wasm' | 'js' = 'wasm') => {
      let net = await MLP.create({ ...spec, activations: [...spec.activations], threads, backend });
      net.setOptimizer({ type: 'nadam', learningRate: 0.01, weightDecay: 0.01, decoupledWeightDecay: true });
      for (let s = 0; s < 9; s++) {
        if (s === checkpointAt) {
          const bytes = net.save();
          net.dispose();
          net = await MLP.load(bytes, { threads, backend });
        }
        net.step(X, Y);
      }
      const theta = Array.from(net.getParameters());
      net.dispose();
      return theta;
    };
    const one = await train(1, null);
    expect(await train(2, null)).toEqual(one);
    expect(await train(3, null)).toEqual(one);
    expect(await train(1, 4)).toEqual(one);
    expect(await train(2, 5)).toEqual(one);
    // The js backend keeps its own product of μ: continuous and resumed runs agree there too.
    const js = await train(1, null, 'js');
    expect(await train(1, 4, 'js')).toEqual(js);
  });
});
