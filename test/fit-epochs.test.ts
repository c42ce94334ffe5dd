// fit without per-epoch callbacks runs its epochs inside the engine (shuffling there too):
// it must train exactly as the epoch-by-epoch loop does, generator stream included.
import { describe, expect, it } from 'vitest';
import type { Backend, DType } from '../src/index.js';
import { createNet, randomData, type NetSpec } from './helpers.js';

const spec: NetSpec = { layers: [3, 7, 4], activations: ['tanh', 'softmax'], loss: 'cross-entropy' };

describe.each([['wasm', 'float32'], ['wasm', 'float64'], ['js', 'float64']] as [Backend, DType][])('%s %s', (backend, dtype) => {
  it.each([true, false])('matches the per-epoch loop bit for bit (shuffle %s), across chunks of epochs', async (shuffle) => {
    const { X, Y } = randomData(spec, 23, 4);
    const inEngine = await createNet(spec, backend, dtype, 9);
    const looped = await createNet(spec, backend, dtype, 9);
    // 1100 epochs crosses the wasm engine's chunk of 1024.
    const a = inEngine.fit(X, Y, { epochs: 1100, batchSize: 5, learningRate: 0.05, shuffle });
    const b = looped.fit(X, Y, { epochs: 1100, batchSize: 5, learningRate: 0.05, shuffle, onEpochEnd: () => {} });
    expect(a.epochs).toBe(1100);
    expect(a.loss).toEqual(b.loss);
    expect(a.learningRate).toEqual(b.learningRate);
    expect(a.elapsedMs).toHaveLength(1100);
    expect(a.stopReason).toBe('epochs');
    expect(Array.from(inEngine.getParameters())).toEqual(Array.from(looped.getParameters()));
    // The generator advanced identically: the next shuffled epoch agrees too.
    expect(inEngine.fit(X, Y, { epochs: 1, batchSize: 5 }).loss).toEqual(looped.fit(X, Y, { epochs: 1, batchSize: 5, onEpochEnd: () => {} }).loss);
    expect(inEngine.toJSON().random).toEqual(looped.toJSON().random);
  });
});
