// Divergence: a non-finite loss, gradient or update stops training with a DivergenceError (or
// stopReason 'diverged') that says where, and the failing step is never applied.
import { describe, expect, it } from 'vitest';
import { DivergenceError, MLP, type Divergence } from '../src/index.js';
import { engineOf } from '../src/api/test-seam.js';

const XOR_X = [[0, 0], [0, 1], [1, 0], [1, 1]];
const XOR_Y = [[0], [1], [1], [0]];

function catchDivergence(run: () => unknown): DivergenceError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DivergenceError);
    return error as DivergenceError;
  }
  throw new Error('expected a DivergenceError');
}

const allFinite = (values: ArrayLike<number>) => Array.from(values).every(Number.isFinite);

describe.each([['wasm', 'float32'], ['wasm', 'float64'], ['js', 'float32'], ['js', 'float64']] as const)('on %s / %s', (backend, dtype) => {
  const create = () => MLP.create({ layers: [2, 8, 1], activations: ['tanh', 'linear'], backend, dtype, seed: 3 });

  it('fit with a learning rate of 1e6 on XOR throws, with θ finite and equal to θ before the failing step', async () => {
    const net = await create();
    const start = net.toJSON();
    const options = { epochs: 200, batchSize: 1, optimizer: { type: 'sgd' as const }, learningRate: 1e6, shuffle: false };
    const error = catchDivergence(() => net.fit(XOR_X, XOR_Y, options));
    const { epoch, step, layer, phase } = error.divergence;
    expect(epoch).toBeGreaterThanOrEqual(0);
    expect(step).toBeGreaterThanOrEqual(0);
    expect(step).toBeLessThan(4);
    expect([0, 1]).toContain(layer);
    expect(error.message).toMatch(new RegExp(`^fit: training diverged at epoch ${epoch}, step ${step} of the epoch: .*layer ${layer} .*The step was not applied`));
    expect(allFinite(net.getParameters())).toBe(true);
    // Replay on a copy, step by step, up to the failing step: θ must be exactly that state.
    const twin = await MLP.fromJSON(start, { backend });
    if (epoch! > 0) twin.fit(XOR_X, XOR_Y, { ...options, epochs: epoch });
    for (let b = 0; b < step; b++) twin.step([XOR_X[b]], [XOR_Y[b]], { learningRate: 1e6 });
    expect(Array.from(net.getParameters())).toEqual(Array.from(twin.getParameters()));
    // And the failing step fails the same way there.
    const again = catchDivergence(() => twin.step([XOR_X[step]], [XOR_Y[step]], { learningRate: 1e6 }));
    expect({ layer: again.divergence.layer, phase: again.divergence.phase }).toEqual({ layer, phase });
    expect(Array.from(twin.getParameters())).toEqual(Array.from(net.getParameters()));
  });

  it("onDivergence 'stop' returns the history with stopReason 'diverged', at the same place", async () => {
    const options = { epochs: 200, batchSize: 2, optimizer: { type: 'sgd' as const }, learningRate: 1e6, shuffle: true };
    const thrower = await create();
    const error = catchDivergence(() => thrower.fit(XOR_X, XOR_Y, options));
    const net = await create();
    const history = net.fit(XOR_X, XOR_Y, { ...options, onDivergence: 'stop' });
    expect(history.stopReason).toBe('diverged');
    expect(history.divergence).toEqual({ ...error.divergence, message: error.message });
    expect(history.epochs).toBe(error.divergence.epoch);
    expect(history.loss).toHaveLength(history.epochs);
    expect(history.loss.every(Number.isFinite)).toBe(true);
    expect(net.toJSON()).toEqual(thrower.toJSON());
    expect(allFinite(net.getParameters())).toBe(true);
  });

  it('fit one batch per call (onBatchEnd) and fitAsync stop at the same place as whole-epoch calls', async () => {
    const options = { epochs: 200, batchSize: 2, optimizer: { type: 'sgd' as const }, learningRate: 1e6, onDivergence: 'stop' as const };
    const whole = await create();
    const expected = whole.fit(XOR_X, XOR_Y, options);
    const perBatch = await create();
    const batches: number[] = [];
    const history = perBatch.fit(XOR_X, XOR_Y, { ...options, onBatchEnd: (b) => void batches.push(b) });
    expect(history.divergence).toEqual(expected.divergence);
    expect(perBatch.toJSON()).toEqual(whole.toJSON());
    expect(batches.length).toBe(2 * expected.divergence!.epoch! + expected.divergence!.step); // the failing batch is not reported as trained
    const asyncNet = await create();
    await expect(asyncNet.fitAsync(XOR_X, XOR_Y, { ...options, onDivergence: 'throw' })).rejects.toThrow(/^fitAsync: training diverged at epoch/);
    expect(asyncNet.toJSON()).toEqual(whole.toJSON());
  });

  it('step with a learning rate of 1e6 throws before changing θ', async () => {
    const net = await create();
    let before = net.getParameters();
    let error: DivergenceError | undefined;
    for (let i = 0; i < 100 && !error; i++) {
      before = net.getParameters();
      try {
        net.step(XOR_X, XOR_Y, { learningRate: 1e6 });
      } catch (e) {
        error = e as DivergenceError;
      }
    }
    expect(error).toBeInstanceOf(DivergenceError);
    expect(error!.divergence.epoch).toBeUndefined();
    expect(error!.message).toMatch(/^step: training diverged at this step: /);
    expect(Array.from(net.getParameters())).toEqual(Array.from(before));
    expect(allFinite(before)).toBe(true);
  });

  it('with momentum, a diverging step leaves θ, the momentum buffer and the step count as they were', async () => {
    const net = await create();
    net.setOptimizer({ type: 'sgd', momentum: 0.9, learningRate: 1e6 });
    const engine = engineOf(net);
    let before = engine.optimizerState();
    let theta = net.getParameters();
    let error: unknown;
    for (let i = 0; i < 100 && !error; i++) {
      before = engine.optimizerState();
      theta = net.getParameters();
      try {
        net.step(XOR_X, XOR_Y);
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(DivergenceError);
    expect(before.step).toBeGreaterThan(0);
    expect(engine.optimizerState()).toEqual(before);
    expect(Array.from(net.getParameters())).toEqual(Array.from(theta));
  });

  // Hand-made failures, one per phase, with the layer they must be reported in.
  // Magnitudes where a value, its square or a product just overflow the dtype (max ≈ 1.8e308 or 3.4e38).
  const [big, output, hidden] = dtype === 'float64' ? [1e200, 1e150, 1e200] : [1e30, 1e18, 1e30];
  const cases: [string, number[], number[], number[][], number[][], number, Divergence['phase'], number, string][] = [
    ['activations overflow in layer 0', [1, 1, 1], [big, 0, 1, 0], [[big]], [[0]], 0.1, 'forward', 0,
      'step: training diverged at this step: the activations of layer 0 (1→1, linear) became non-finite in the forward pass.'],
    ['the loss overflows while every output is finite', [1, 1, 1], [1, 0, Math.sqrt(big), 0], [[Math.sqrt(big)]], [[0]], 0.1, 'loss', 1,
      'step: training diverged at this step: the loss became non-finite (the outputs of layer 1 (1→1, linear) were finite).'],
    ['the last layer\'s gradient overflows first', [1, 1, 1], [1, 0, output / hidden, 0], [[hidden]], [[0]], 0.1, 'backward', 1,
      'step: training diverged at this step: the gradient of layer 1 (1→1, linear) became non-finite.'],
    ['the update overflows though the gradient is finite', [1, 1, 1], [1, 0, 1, 0], [[1]], [[3]], dtype === 'float64' ? 1e308 : 1e38, 'update', 0,
      'step: training diverged at this step: the update θ − η·∇θ of layer 0 (1→1, linear) overflowed.'],
  ];
  it.each(cases)('locates it: %s', async (_, layers, theta, x, y, learningRate, phase, layer, message) => {
    const net = await MLP.create({ layers, activations: ['linear', 'linear'], backend, dtype });
    net.setParameters(theta);
    const error = catchDivergence(() => net.step(x, y, { learningRate }));
    // Both backends square a float32 error in float32, so both see the loss overflow.
    expect(error.divergence).toEqual({ step: 0, layer, phase });
    expect(error.message.startsWith(message)).toBe(true);
    expect(Array.from(net.getParameters())).toEqual(Array.from(new (dtype === 'float64' ? Float64Array : Float32Array)(theta)));
  });
});

describe('fitAsync in a worker (the built package)', () => {
  it('rejects with a DivergenceError carrying where, and leaves θ as before the failing step', async () => {
    const { MLP: BuiltMLP, DivergenceError: BuiltDivergenceError } = await import('../dist/index.js');
    const options = { epochs: 200, batchSize: 1, optimizer: { type: 'sgd' as const }, learningRate: 1e6, shuffle: false };
    const here = await BuiltMLP.create({ layers: [2, 8, 1], activations: ['tanh', 'linear'], seed: 3 });
    let expected: unknown;
    try {
      here.fit(XOR_X, XOR_Y, options);
    } catch (error) {
      expected = error;
    }
    const net = await BuiltMLP.create({ layers: [2, 8, 1], activations: ['tanh', 'linear'], seed: 3 });
    const error = await net.fitAsync(XOR_X, XOR_Y, { ...options, worker: true }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(BuiltDivergenceError);
    expect((error as DivergenceError).divergence).toEqual((expected as DivergenceError).divergence);
    expect(Array.from(net.getParameters())).toEqual(Array.from(here.getParameters()));
    net.dispose();
    here.dispose();
  });
});

describe('on several threads', () => {
  it('a diverging fit stops at the same step with the same θ as on one thread', async () => {
    // Above the work threshold, so the step really runs on two threads.
    const spec = { layers: [128, 160, 33, 10], activations: ['relu', 'relu', 'linear'], loss: 'mse', seed: 6 } as const;
    const X = Float32Array.from({ length: 150 * 128 }, (_, i) => Math.sin(i * 0.37));
    const labels = Float32Array.from({ length: 150 * 10 }, (_, i) => Math.cos(i * 0.11));
    const options = { epochs: 50, batchSize: 150, optimizer: { type: 'sgd' }, learningRate: 1e6, shuffle: false, onDivergence: 'stop' } as const;
    const one = await MLP.create({ ...spec, threads: 1 });
    const two = await MLP.create({ ...spec, threads: 2 });
    expect(two.threads).toBe(2);
    const a = one.fit(X, labels, options);
    const b = two.fit(X, labels, options);
    expect(a.stopReason).toBe('diverged');
    expect(b.stopReason).toBe('diverged');
    expect(b.divergence).toEqual(a.divergence);
    expect(allFinite(two.getParameters())).toBe(true);
    expect(two.getParameters()).toEqual(one.getParameters());
    one.dispose();
    two.dispose();
  });
});
