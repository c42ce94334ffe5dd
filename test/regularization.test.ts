// Gradient clipping against hand-computed values, and inverted dropout: its statistics, its
// gradient (finite differences under a fixed mask), its absence outside training, and
// identical masks on both backends.
import { describe, expect, it } from 'vitest';
import { MLP, type Backend } from '../src/index.js';
import { createNet, engineOf, maxRelativeError, randomData } from './helpers.js';
import { Random } from '../src/core/random.js';

describe.each(['wasm', 'js'] as const)('gradient clipping on %s', (backend) => {
  // y = w₁x₁ + w₂x₂ + b at x = (1, 2), target 0, θ = (0.5, 0.25, 0): output 1, loss 1,
  // ∇θ = 2·1·(1, 2, 1) = (2, 4, 2) with ‖∇θ‖ = √24.
  const X = [[1, 2]];
  const Y = [[0]];
  async function stepWith(clip: { clipNorm?: number; clipValue?: number }): Promise<number[]> {
    const net = await MLP.create({ layers: [2, 1], activations: ['linear'], backend, dtype: 'float64' });
    net.setParameters([0.5, 0.25, 0]);
    net.setOptimizer({ type: 'sgd', learningRate: 1, ...clip });
    expect(net.step(X, Y)).toBe(1);
    const theta = Array.from(net.getParameters());
    net.dispose();
    return theta;
  }

  it('clipNorm scales the gradient to the given global norm', async () => {
    const c = 1 / (Math.sqrt(24) + 1e-6);
    expect(maxRelativeError(await stepWith({ clipNorm: 1 }), [0.5 - 2 * c, 0.25 - 4 * c, -2 * c])).toBeLessThan(1e-15);
  });

  it('clipNorm above the norm leaves the gradient alone', async () => {
    expect(await stepWith({ clipNorm: 5 })).toEqual([0.5 - 2, 0.25 - 4, -2]);
  });

  it('clipValue clamps each component', async () => {
    expect(await stepWith({ clipValue: 3 })).toEqual([-1.5, -2.75, -2]);
  });

  it('clipValue applies before clipNorm', async () => {
    const c = 1 / (Math.sqrt(17) + 1e-6); // clamped (2, 3, 2) has norm √17
    expect(maxRelativeError(await stepWith({ clipValue: 3, clipNorm: 1 }), [0.5 - 2 * c, 0.25 - 3 * c, -2 * c])).toBeLessThan(1e-15);
  });
});

/** [1, H, 1], linear: W₁ = 1, W₂ = 1/H, so the output is the mean of the (dropped-out) hidden units. */
async function averagingNet(backend: Backend, hidden: number, rate: number, seed = 0): Promise<MLP> {
  const net = await MLP.create({ layers: [1, hidden, 1], activations: ['linear', 'linear'], dropout: rate, backend, dtype: 'float64', seed });
  net.setParameters([...new Array(hidden).fill(1), ...new Array(hidden).fill(0), ...new Array(hidden).fill(1 / hidden), 0]);
  return net;
}

/** Indices of hidden units dropped in one SGD step on the averaging net: their W₁ rows got no gradient. */
function droppedUnits(net: MLP, hidden: number): number[] {
  net.step([[1]], [[0]], { learningRate: 0.5 });
  const theta = net.getParameters();
  return Array.from({ length: hidden }, (_, j) => j).filter((j) => theta[j] === 1);
}

describe('dropout', () => {
  it.each(['wasm', 'js'] as const)('drops a fraction ≈ rate and scales kept units by 1/(1 − rate) (%s)', async (backend) => {
    const hidden = 4000;
    const rate = 0.3;
    const net = await averagingNet(backend, hidden, rate);
    expect(net.loss([[1]], [[0]])).toBeCloseTo(1, 12); // evaluation: no dropout, output exactly the mean 1
    const trainingLoss = net.step([[1]], [[0]], { learningRate: 0 }); // loss under the training mask
    const theta = net.getParameters();
    expect(Array.from(theta.subarray(0, hidden)).every((w) => w === 1)).toBe(true); // η = 0 changed nothing
    const net2 = await averagingNet(backend, hidden, rate);
    const dropped = droppedUnits(net2, hidden);
    // Same seed, same first mask: the output is (kept / H) / (1 − rate), and loss = output².
    expect(Math.sqrt(trainingLoss)).toBeCloseTo((hidden - dropped.length) / hidden / (1 - rate), 12);
    // Binomial(4000, 0.3): σ ≈ 0.0072 of the fraction; 5σ.
    expect(Math.abs(dropped.length / hidden - rate)).toBeLessThan(0.036);
    net.dispose();
    net2.dispose();
  });

  it('wasm and js drop exactly the same units, step after step', async () => {
    const wasm = await averagingNet('wasm', 300, 0.5, 42);
    const js = await averagingNet('js', 300, 0.5, 42);
    const start = js.getParameters();
    let previous: number[] = [];
    for (let s = 0; s < 3; s++) {
      wasm.setParameters(start);
      js.setParameters(start);
      const a = droppedUnits(wasm, 300);
      expect(a).toEqual(droppedUnits(js, 300));
      expect(a.length).toBeGreaterThan(100);
      expect(a).not.toEqual(previous);
      previous = a;
    }
    expect(engineOf(wasm).dropoutRandomState()).toEqual(engineOf(js).dropoutRandomState());
  });

  it('masks depend on the seed', async () => {
    const a = await averagingNet('wasm', 200, 0.5, 1);
    const b = await averagingNet('wasm', 200, 0.5, 2);
    expect(droppedUnits(a, 200)).not.toEqual(droppedUnits(b, 200));
  });

  it.each(['wasm', 'js'] as const)('predict, loss and gradient ignore dropout (%s)', async (backend) => {
    const spec = { layers: [4, 6, 5, 3], activations: ['relu', 'tanh', 'softmax'] as const, loss: 'cross-entropy' as const };
    const plain = await MLP.create({ ...spec, activations: [...spec.activations], backend, dtype: 'float64', seed: 3 });
    const dropped = await MLP.create({ ...spec, activations: [...spec.activations], backend, dtype: 'float64', seed: 3, dropout: [0.5, 0.2] });
    const { X, Y } = randomData({ ...spec, activations: [...spec.activations] }, 8, 4);
    expect(Array.from(dropped.predict(X) as Float64Array)).toEqual(Array.from(plain.predict(X) as Float64Array));
    expect(dropped.loss(X, Y)).toBe(plain.loss(X, Y));
    expect(Array.from(dropped.gradient(X, Y))).toEqual(Array.from(plain.gradient(X, Y)));
  });

  it.each(['wasm', 'js'] as const)('the training gradient matches finite differences under a fixed mask (%s)', async (backend) => {
    const spec = { layers: [3, 6, 5, 2], activations: ['tanh', 'sigmoid', 'linear'], loss: 'mse' } as const;
    const net = await MLP.create({ ...spec, activations: [...spec.activations], backend, dtype: 'float64', seed: 5, dropout: [0.4, 0.3] });
    const { X, Y } = randomData({ ...spec, activations: [...spec.activations] }, 4, 8);
    const engine = engineOf(net);
    const maskState = engine.dropoutRandomState();
    // η = 0: the step computes loss and gradient under the mask and leaves θ as it was.
    const lossAt = (theta: Float64Array) => {
      net.setParameters(theta);
      engine.setDropoutRandomState(maskState);
      return net.step(X, Y, { learningRate: 0 });
    };
    const theta = net.getParameters() as Float64Array;
    lossAt(theta);
    const analytic = engine.gradient().slice();
    expect(maxRelativeError(analytic, net.gradient(X, Y))).toBeGreaterThan(1e-3); // dropout really changed it
    const h = 1e-5;
    for (let i = 0; i < theta.length; i++) {
      const probe = theta.slice();
      probe[i] = theta[i] + h;
      const up = lossAt(probe);
      probe[i] = theta[i] - h;
      const down = lossAt(probe);
      expect(Math.abs(analytic[i] - (up - down) / (2 * h))).toBeLessThan(1e-7);
    }
  });

  it('training with dropout agrees between backends in float64 (same masks, 1e-12)', async () => {
    const spec = { layers: [4, 7, 6, 3], activations: ['relu', 'sigmoid', 'softmax'], loss: 'cross-entropy' } as const;
    const make = (backend: Backend) => MLP.create({ ...spec, activations: [...spec.activations], backend, dtype: 'float64', seed: 11, dropout: [0.25, 0.5] });
    const wasm = await make('wasm');
    const js = await make('js');
    for (const net of [wasm, js]) net.setOptimizer({ type: 'adam', learningRate: 0.01 });
    const { X, Y } = randomData({ ...spec, activations: [...spec.activations] }, 20, 2);
    const hw = wasm.fit(X, Y, { epochs: 5, batchSize: 6 });
    const hj = js.fit(X, Y, { epochs: 5, batchSize: 6 });
    expect(maxRelativeError(hw.loss, hj.loss)).toBeLessThan(1e-12);
    expect(maxRelativeError(wasm.getParameters(), js.getParameters())).toBeLessThan(1e-12);
  });

  it('same seed, same data: bit-identical parameters after fit with dropout', async () => {
    const spec = { layers: [4, 8, 3], activations: ['tanh', 'linear'], loss: 'mse' } as const;
    const run = async () => {
      const net = await createNet({ ...spec, activations: [...spec.activations] }, 'wasm', 'float32', 21);
      const withDropout = await MLP.fromJSON({ ...net.toJSON(), dropout: [0.3] });
      engineOf(withDropout).setDropoutRandomState(new Random(99).getState());
      const { X, Y } = randomData({ ...spec, activations: [...spec.activations] }, 16, 1);
      withDropout.fit(X, Y, { epochs: 4, batchSize: 5 });
      return Array.from(withDropout.getParameters());
    };
    expect(await run()).toEqual(await run());
  });
});
