// Same seed, same data, same options ⇒ the same bits after fit, for every backend and dtype,
// with everything that draws random numbers switched on (init, shuffling, dropout).
import { describe, expect, it } from 'vitest';
import { MLP, type FitOptions } from '../src/index.js';
import { Random } from '../src/core/random.js';

const r = new Random(99);
const X = Float64Array.from({ length: 64 * 4 }, () => r.normal());
const Y = Float64Array.from({ length: 64 * 2 }, () => r.next());

const options = (): FitOptions => ({
  epochs: 5, batchSize: 10, shuffle: true, validationSplit: 0.25, metrics: ['mae'],
  optimizer: { type: 'adam', learningRate: 0.01, clipNorm: 1 },
  schedule: { type: 'warmup', epochs: 2, then: { type: 'step', stepSize: 2, gamma: 0.5 } },
});

describe.each([['wasm', 'float32'], ['wasm', 'float64'], ['js', 'float32'], ['js', 'float64']] as const)('%s / %s', (backend, dtype) => {
  it('two runs from the same seed end with bit-identical parameters and histories', async () => {
    const run = async (seed: number) => {
      const net = await MLP.create({ layers: [4, 16, 8, 2], activations: ['relu', 'tanh', 'sigmoid'], loss: 'binary-cross-entropy', dropout: [0.3, 0.1], backend, dtype, seed });
      const history = net.fit(X, Y, options());
      return { bits: Array.from(new Uint8Array(net.getParameters().buffer)), loss: history.loss, valLoss: history.valLoss, save: net.save() };
    };
    const a = await run(5);
    const b = await run(5);
    expect(b.bits).toEqual(a.bits);
    expect(b.loss).toEqual(a.loss);
    expect(b.valLoss).toEqual(a.valLoss);
    expect(b.save).toEqual(a.save); // optimizer state, generators and counters too
    expect((await run(6)).bits).not.toEqual(a.bits); // and the seed does matter
  });
});
