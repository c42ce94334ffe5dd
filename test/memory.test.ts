// Training must not grow WebAssembly memory once its buffers are laid out: growth would
// detach every typed-array view (and, with threads, cost a reallocation per step).
import { expect, it } from 'vitest';
import { MLP } from '../src/index.js';
import type { Engine } from '../src/engine.js';
import { randomData } from './helpers.js';

const engineOf = (net: MLP) => (net as unknown as { engine: Engine }).engine;

it('fit lays out its data once: the memory buffer stays the same object through every epoch', async () => {
  const spec = { layers: [20, 33, 10], activations: ['relu', 'softmax'] as const, loss: 'cross-entropy' as const };
  const net = await MLP.create({ ...spec, activations: [...spec.activations], seed: 3 });
  const { X, Y } = randomData({ ...spec, activations: [...spec.activations] }, 300, 1);
  const buffers: ArrayBufferLike[] = [];
  net.fit(X, Y, { epochs: 6, batchSize: 17, onEpochEnd: () => { buffers.push(engineOf(net).parameters().buffer); } });
  expect(buffers).toHaveLength(6);
  expect(new Set(buffers).size).toBe(1);
  expect(buffers[0].byteLength).toBeGreaterThan(0);
  net.dispose();
});

it('repeated steps of one batch size neither grow memory nor re-make the staging views', async () => {
  const net = await MLP.create({ layers: [2, 1, 1], activations: ['relu', 'linear'] });
  const X = [[2, 1], [-3, 2]];
  const Y = [[1.3], [1.9]];
  net.step(X, Y);
  const engine = engineOf(net);
  const buffer = engine.parameters().buffer;
  const staging = engine.inputBuffer(2);
  for (let i = 0; i < 1000; i++) net.step(X, Y);
  expect(engine.parameters().buffer).toBe(buffer);
  expect(engine.inputBuffer(2)).toBe(staging);
  net.dispose();
});
