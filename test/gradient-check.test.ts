// Gradients against central finite differences, (L(θ + h·eᵢ) − L(θ − h·eᵢ)) / 2h, in float64,
// for every activation and loss at several depths, on both backends.
import { describe, expect, it } from 'vitest';
import { centralDifferences, createNet, networkSpecs, randomData } from './helpers.js';
import { Random } from '../src/core/random.js';

describe.each(['wasm', 'js'] as const)('finite differences on %s', (backend) => {
  it.each(networkSpecs().map((s) => [`${s.layers.join('-')} ${s.activations.join(',')} ${s.loss}`, s] as const))('%s', async (_, spec) => {
    const net = await createNet(spec, backend, 'float64');
    const { X, Y } = randomData(spec, 5, 11);
    // Non-zero biases: with zero biases a unit whose inputs are all dead ReLUs sits exactly on
    // the kink z = 0, where the derivative is one-sided and no difference quotient matches.
    const noise = new Random(5);
    net.setParameters(net.getParameters().map((v) => v + 0.1 * noise.normal()));
    const analytic = net.gradient(X, Y);
    const numeric = centralDifferences(net, X, Y);
    for (let i = 0; i < analytic.length; i++) {
      // Central differences are accurate to O(h²) plus rounding ε·L/h: 1e-6 absolute is well above both.
      expect(Math.abs(analytic[i] - numeric[i])).toBeLessThan(1e-6 * Math.max(1, Math.abs(numeric[i])));
    }
    net.dispose();
  });
});
