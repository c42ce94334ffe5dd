// The smooth activations (GELU, SiLU, ELU, SELU, softplus, Mish) through everything a network
// does besides the math checked against PyTorch: saved forms, the divergence guard, and
// trace's z/δ.
import { describe, expect, it } from 'vitest';
import { DivergenceError, MLP, type Activation } from '../src/index.js';
import { SMOOTH_ACTIVATIONS, randomData } from './helpers.js';

const spec = (act: Activation) => ({ layers: [3, 6, 5, 2], activations: [act, act, 'linear'] as Activation[], loss: 'mse' as const });

describe.each(['wasm', 'js'] as const)('%s', (backend) => {
  it.each(SMOOTH_ACTIVATIONS)('%s survives save/load, JSON and safetensors bit-exactly, training state included', async (act) => {
    const net = await MLP.create({ ...spec(act), backend, dtype: 'float64', seed: 3 });
    const { X, Y } = randomData(spec(act), 20, 4);
    net.fit(X, Y, { epochs: 2, batchSize: 5, learningRate: 0.05 });
    const expected = net.predict(X) as Float64Array;
    const copies = [
      await MLP.load(net.save(), { backend }),
      await MLP.fromJSON(JSON.parse(JSON.stringify(net.toJSON({ training: true }))), { backend }),
      await MLP.fromSafetensors(net.toSafetensors(), { backend }),
    ];
    for (const copy of copies) {
      expect(copy.architecture.activations).toEqual([act, act, 'linear']);
      expect(Array.from(copy.predict(X) as Float64Array)).toEqual(Array.from(expected));
      copy.dispose();
    }
    // Training resumes identically from a checkpoint.
    const resumed = await MLP.load(net.save(), { backend });
    net.step(X, Y);
    resumed.step(X, Y);
    expect(Array.from(resumed.getParameters())).toEqual(Array.from(net.getParameters()));
    resumed.dispose();
    net.dispose();
  });

  it.each(SMOOTH_ACTIVATIONS)('%s: a diverging step is refused and leaves θ as it was', async (act) => {
    const net = await MLP.create({ ...spec(act), backend, dtype: 'float32', seed: 3 });
    const { X, Y } = randomData(spec(act), 8, 4);
    // Steps of 1e30 overflow float32 within a few steps; the one that does is not applied.
    let before = net.getParameters().slice();
    let error: unknown;
    for (let s = 0; s < 5 && !error; s++) {
      before = net.getParameters().slice();
      try {
        net.step(X, Y, { learningRate: 1e30 });
      } catch (e) {
        error = e;
      }
    }
    expect(error).toBeInstanceOf(DivergenceError);
    expect(Array.from(net.getParameters())).toEqual(Array.from(before));
    expect(net.getParameters().every(Number.isFinite)).toBe(true);
    net.dispose();
  });
});

it.each(['wasm', 'js'] as const)('trace on %s shows z before the slopes replace it, and δ = (δ·W) ⊙ GELU\'(z) after', async (backend) => {
  const net = await MLP.create({ layers: [2, 3, 1], activations: ['gelu', 'linear'], backend, dtype: 'float64', seed: 1 });
  const W = net.getParameters();
  const [sample] = net.trace([[0.5, -0.25]], [[0.75]]).samples;
  const z = [0, 1, 2].map((j) => W[j * 2] * 0.5 + W[j * 2 + 1] * -0.25 + W[6 + j]);
  sample.layers[0].z.forEach((v, j) => expect(v).toBeCloseTo(z[j], 14));
  // GELU'(z) = Φ(z) + z·φ(z), with Φ(z) = GELU(z)/z from the trace's own h.
  const phi = (v: number) => Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI);
  const w1 = W.slice(9, 12);
  sample.layers[0].delta.forEach((d, j) => {
    const slope = sample.layers[0].h[j] / z[j] + z[j] * phi(z[j]);
    expect(d).toBeCloseTo(sample.layers[1].delta[0] * w1[j] * slope, 12);
  });
  net.dispose();
});
