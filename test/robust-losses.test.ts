// l1, huber and smooth-l1 beyond the math checked against PyTorch: their options are checked by
// name, belong to their loss, and travel with the network through every saved form.
import { describe, expect, it } from 'vitest';
import { MLP, ValueError, type CreateOptions } from '../src/index.js';
import { randomData } from './helpers.js';

const base = { layers: [3, 5, 2], activations: ['tanh', 'linear'] } as const;

describe('lossOptions', () => {
  it.each([
    [{ loss: 'huber', lossOptions: { delta: 0 } }, 'MLP.create: lossOptions.delta must be a number > 0, got 0'],
    [{ loss: 'smooth-l1', lossOptions: { beta: -1 } }, 'MLP.create: lossOptions.beta must be a number > 0, got -1'],
    [{ loss: 'mse', lossOptions: { delta: 2 } }, "MLP.create: lossOptions.delta is for loss 'huber', but the loss is 'mse'"],
    [{ loss: 'huber', lossOptions: { beta: 2 } }, "MLP.create: lossOptions.beta is for loss 'smooth-l1', but the loss is 'huber'"],
    [{ loss: 'huber', lossOptions: { detla: 2 } }, "MLP.create: lossOptions.detla is not an option; did you mean 'delta'? (its options: delta, beta, classWeights, posWeight, labelSmoothing)"],
    [{ loss: 'huber', lossOptions: 2 }, 'MLP.create: lossOptions must be'],
  ])('%o is refused: %s', async (options, message) => {
    await expect(MLP.create({ ...base, ...options } as CreateOptions)).rejects.toThrow(ValueError);
    await expect(MLP.create({ ...base, ...options } as CreateOptions)).rejects.toThrow(message);
  });

  it('huber with delta 0.5 and smooth-l1 with beta 0.5 are the same function up to the factor δ', async () => {
    // HuberLoss(δ) = δ · SmoothL1Loss(β = δ), in value and gradient.
    const huber = await MLP.create({ ...base, loss: 'huber', lossOptions: { delta: 0.5 }, dtype: 'float64', seed: 4 });
    const smooth = await MLP.create({ ...base, loss: 'smooth-l1', lossOptions: { beta: 0.5 }, dtype: 'float64', seed: 4 });
    const { X, Y } = randomData({ ...base, activations: [...base.activations], loss: 'huber' }, 12, 3);
    expect(huber.loss(X, Y)).toBeCloseTo(0.5 * smooth.loss(X, Y), 14);
    const [gh, gs] = [huber.gradient(X, Y), smooth.gradient(X, Y)];
    gh.forEach((g, i) => expect(g).toBeCloseTo(0.5 * gs[i], 14));
  });
});

describe.each(['wasm', 'js'] as const)('saved forms on %s', (backend) => {
  it.each([
    ['huber', { delta: 0.25 }],
    ['smooth-l1', { beta: 3 }],
    ['l1', undefined],
  ] as const)('%s %o survives save/load, JSON and safetensors', async (loss, lossOptions) => {
    const net = await MLP.create({ ...base, loss, lossOptions, backend, dtype: 'float64', seed: 2 });
    const { X, Y } = randomData({ ...base, activations: [...base.activations], loss }, 10, 5);
    const expected = net.loss(X, Y);
    const copies = [
      await MLP.load(net.save(), { backend }),
      await MLP.fromJSON(JSON.stringify(net.toJSON()), { backend }),
      await MLP.fromSafetensors(net.toSafetensors(), { backend }),
    ];
    for (const copy of copies) {
      expect(copy.architecture.loss).toBe(loss);
      expect(copy.architecture.lossOptions).toEqual(lossOptions);
      expect(copy.loss(X, Y)).toBe(expected);
      copy.dispose();
    }
    net.dispose();
  });
});
