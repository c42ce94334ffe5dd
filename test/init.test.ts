// Default initialisation by activation, by the variance of a wide layer's weights (262,144 of
// them: the sample variance is within 1% of the true one with overwhelming probability) and
// the shape of their distribution (a uniform one never exceeds √3·σ; a normal one does).
import { describe, expect, it } from 'vitest';
import { MLP, type Activation, type Init } from '../src/index.js';

const WIDTH = 512;

async function firstLayerWeights(activation: Activation, init?: Init): Promise<Float64Array> {
  const net = await MLP.create({ layers: [WIDTH, WIDTH, 2], activations: [activation, 'linear'], dtype: 'float64', backend: 'js', seed: 3, init });
  const weights = net.getParameters().slice(0, WIDTH * WIDTH) as Float64Array;
  net.dispose();
  return weights;
}

/** The weights' sample variance, and their largest magnitude over the expected standard deviation. */
function describeWeights(w: Float64Array, expectedVariance: number) {
  let sum = 0, squares = 0, max = 0;
  for (const v of w) {
    sum += v;
    squares += v * v;
    max = Math.max(max, Math.abs(v));
  }
  const variance = squares / w.length - (sum / w.length) ** 2;
  return { variance, maxOverSigma: max / Math.sqrt(expectedVariance) };
}

const he = 2 / WIDTH, lecun = 1 / WIDTH, glorot = 2 / (WIDTH + WIDTH);

describe('the default initialisation of a layer follows its activation', () => {
  it.each([
    ...(['relu', 'leaky-relu', 'gelu', 'gelu-tanh', 'silu', 'elu', 'softplus', 'mish', 'hardswish'] as const).map((a) => [a, 'He-uniform', he, true] as const),
    ['selu', 'LeCun-normal', lecun, false],
    ...(['tanh', 'sigmoid', 'linear'] as const).map((a) => [a, 'Glorot-uniform', glorot, true] as const),
  ] as const)('%s: %s', async (activation, _, variance, uniform) => {
    const stats = describeWeights(await firstLayerWeights(activation), variance);
    expect(Math.abs(stats.variance / variance - 1)).toBeLessThan(0.01);
    if (uniform) expect(stats.maxOverSigma).toBeLessThanOrEqual(Math.sqrt(3) + 1e-9);
    else expect(stats.maxOverSigma).toBeGreaterThan(4);
  });

  it.each([
    ['lecun-normal', lecun, false],
    ['lecun-uniform', lecun, true],
    ['he-normal', he, false],
    ['glorot-uniform', glorot, true],
  ] as const)('init: %s is used as given, whatever the activation', async (init, variance, uniform) => {
    const stats = describeWeights(await firstLayerWeights('selu', init), variance);
    expect(Math.abs(stats.variance / variance - 1)).toBeLessThan(0.01);
    if (uniform) expect(stats.maxOverSigma).toBeLessThanOrEqual(Math.sqrt(3) + 1e-9);
    else expect(stats.maxOverSigma).toBeGreaterThan(4);
  });
});
