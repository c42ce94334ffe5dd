// The seed's worked example (shared/seeds): one gradient-descent step on a 2-1-1 ReLU
// network, every number checked on both backends and both dtypes.
import { describe, expect, it } from 'vitest';
import { MLP, type Backend, type DType } from '../src/index.js';

const X = [[2, 1], [-3, 2]];
const Y = [[1.3], [1.9]];
const THETA = [1, 1, 0, 1, 0]; // w0, w1 (hidden weights), w2 (hidden bias), w3 (output weight), w4 (output bias)

const cases: [Backend, DType, number][] = [
  ['wasm', 'float64', 1e-12], ['js', 'float64', 1e-12],
  ['wasm', 'float32', 1e-5], ['js', 'float32', 1e-5],
];

function close(actual: ArrayLike<number> | number, expected: ArrayLike<number> | number, rel: number): void {
  const a = typeof actual === 'number' ? [actual] : Array.from(actual);
  const e = typeof expected === 'number' ? [expected] : Array.from(expected);
  expect(a.length).toBe(e.length);
  a.forEach((v, i) => {
    const tolerance = rel * Math.max(1, Math.abs(e[i]));
    if (Math.abs(v - e[i]) > tolerance) throw new Error(`value ${i}: ${v} is not within ${tolerance} of ${e[i]} (all: ${a.join(', ')})`);
  });
}

describe.each(cases)('seed example on %s / %s', (backend, dtype, rel) => {
  async function seedNet() {
    const net = await MLP.create({ layers: [2, 1, 1], activations: ['relu', 'linear'], loss: 'mse', dtype, backend, seed: 1 });
    net.setParameters(THETA);
    return net;
  }

  it('forward values, per-sample losses and L(D) = 3.25', async () => {
    const net = await seedNet();
    const t = net.trace(X, Y);
    close(t.samples[0].layers[0].z, [3], rel);
    close(t.samples[1].layers[0].z, [-1], rel);
    close(t.samples[0].layers[0].h, [3], rel);
    close(t.samples[1].layers[0].h, [0], rel);
    close(t.samples[0].output, [3], rel);
    close(t.samples[1].output, [0], rel);
    close(t.samples[0].loss, 2.89, rel);
    close(t.samples[1].loss, 3.61, rel);
    close(t.loss, 3.25, rel);
    close(net.loss(X, Y), 3.25, rel);
  });

  it('deltas δŷ = (3.4, −3.8), δh = (3.4, 0) and per-sample gradients', async () => {
    const net = await seedNet();
    const t = net.trace(X, Y);
    close(t.samples[0].layers[1].delta, [3.4], rel);
    close(t.samples[1].layers[1].delta, [-3.8], rel);
    close(t.samples[0].layers[0].delta, [3.4], rel);
    close(t.samples[1].layers[0].delta, [0], rel);
    close(t.samples[0].gradient, [6.8, 3.4, 3.4, 10.2, 3.4], rel);
    close(t.samples[1].gradient, [0, 0, 0, 0, -3.8], rel);
  });

  it('∇L(D) = (3.4, 1.7, 1.7, 5.1, −0.2), from trace and from gradient()', async () => {
    const net = await seedNet();
    close(net.trace(X, Y).gradient, [3.4, 1.7, 1.7, 5.1, -0.2], rel);
    close(net.gradient(X, Y), [3.4, 1.7, 1.7, 5.1, -0.2], rel);
    close(net.getParameters(), THETA, 0); // neither call changed θ
  });

  it('one step with η = 0.01 gives θ = (0.966, 0.983, −0.017, 0.949, 0.002) and loss 2.8556473…', async () => {
    const net = await seedNet();
    const before = net.step(X, Y, { learningRate: 0.01 });
    close(before, 3.25, rel);
    close(net.getParameters(), [0.966, 0.983, -0.017, 0.949, 0.002], rel);
    const after = net.loss(X, Y);
    // Exact: ((0.949·2.898 + 0.002 − 1.3)² + (0.002 − 1.9)²) / 2 = 2.8556473244…; worked by hand, each term rounded to 3 places, it gives 2.855.
    close(after, ((0.949 * 2.898 + 0.002 - 1.3) ** 2 + (0.002 - 1.9) ** 2) / 2, rel);
    close(after, 2.8556473244, Math.max(rel, 1e-10));
    expect(after).toBeLessThan(before);
    const t = net.trace(X, Y);
    close(t.samples[0].layers[0].z, [2.898], rel);
    close(t.samples[1].layers[0].z, [-0.949], rel);
    close(t.samples[0].output, [2.752202], rel);
    close(t.samples[1].output, [0.002], rel);
    // Per-sample losses 2.10889… and 3.602404; the seed shows 2.108 (from ŷ rounded to 2.752) and 3.602.
    close(t.samples[0].loss, (2.752202 - 1.3) ** 2, rel);
    close(t.samples[1].loss, 3.602404, rel);
    expect(Math.floor(after * 1000) / 1000).toBe(2.855);
  });
});
