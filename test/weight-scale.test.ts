// Sample weights are scale-free (the README's "Weighting": their scale does not matter), in
// floats too: weights a power of two apart give the same loss, gradient, step and fit bit for
// bit, however far from 1 they are (denormal in float32 at 2⁻¹⁴⁰, past its range at 2¹²⁶ summed;
// in float64 at 2⁻¹⁰⁶⁰ and 2¹⁰²⁰), and decimal scales such as 1e-40 or 1e38 give the results of
// weights near 1 to rounding.
import { describe, expect, it } from 'vitest';
import { MLP, type CreateOptions } from '../src/index.js';
import { randomData, type NetSpec } from './helpers.js';

const spec: NetSpec = { layers: [3, 5, 2], activations: ['tanh', 'linear'], loss: 'mse' };
const base = [0.75, 1.5, 0.25, 1, 0, 1.25];
const { X, Y } = randomData(spec, base.length, 4);
const cases = [['float32', [-140, -149 + 3, 126]], ['float64', [-1060, -1070, 1020]]] as const;
const bits = (a: ArrayLike<number>) => Array.from(Float64Array.from(a));

/** Everything the weights reach: loss, gradient, a step's loss and θ after it, θ after a weighted fit. */
async function results(dtype: 'float32' | 'float64', backend: 'wasm' | 'js', sampleWeight: number[]) {
  const create = () => MLP.create({ ...spec, dtype, backend, seed: 7 } as CreateOptions);
  const net = await create();
  const loss = net.loss(X, Y, { sampleWeight });
  const gradient = bits(net.gradient(X, Y, { sampleWeight }));
  const step = net.step(X, Y, { sampleWeight, learningRate: 0.05 });
  const afterStep = bits(net.getParameters());
  const fitted = await create();
  fitted.fit(X, Y, { sampleWeight, epochs: 3, batchSize: 4, learningRate: 0.01 });
  const evaluated = fitted.evaluate(X, Y, { sampleWeight, metrics: ['mae'] });
  return { loss, gradient, step, afterStep, fit: bits(fitted.getParameters()), evaluated };
}

describe.each(cases)('sample weights in %s', (dtype, exponents) => {
  it.each(['wasm', 'js'] as const)('%s: weights 2ᵏ times larger or smaller give the same results, bit for bit', async (backend) => {
    const reference = await results(dtype, backend, base);
    expect(Number.isFinite(reference.loss)).toBe(true);
    for (const k of exponents) {
      const scaled = base.map((w) => w * 2 ** Math.trunc(k / 2) * 2 ** (k - Math.trunc(k / 2)));
      expect(scaled.every((w, i) => (w > 0) === (base[i] > 0))).toBe(true);
      expect(await results(dtype, backend, scaled), `weights × 2^${k}`).toEqual(reference);
    }
  });

  it.each(['wasm', 'js'] as const)('%s: weights of 1e-40, 1e-45 or 1e38 give the results of weights near 1', async (backend) => {
    const reference = await results(dtype, backend, base);
    const tolerance = dtype === 'float32' ? 1e-5 : 1e-12;
    for (const scale of [1e-40, 1e-45, 1e38, ...(dtype === 'float64' ? [1e-310, 1e300] : [])]) {
      const got = await results(dtype, backend, base.map((w) => w * scale));
      expect(Math.abs(got.loss - reference.loss) / reference.loss, `× ${scale}: loss`).toBeLessThan(tolerance);
      got.gradient.forEach((g, i) => expect(Math.abs(g - reference.gradient[i]), `× ${scale}: gradient[${i}]`).toBeLessThan(tolerance * (1 + Math.abs(reference.gradient[i]))));
      got.fit.forEach((p, i) => expect(Math.abs(p - reference.fit[i]), `× ${scale}: fit θ[${i}]`).toBeLessThan(tolerance * 10 * (1 + Math.abs(reference.fit[i]))));
    }
  });
});
