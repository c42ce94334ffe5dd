// The README's Multi-core training example, run as written, against one thread.
import { availableParallelism } from 'node:os';
import { expect, it } from 'vitest';
import { MLP } from '../src/index.js';
import { randomData } from './helpers.js';

it("threads: 'auto' on the README's network trains exactly as one thread", async () => {
  const spec = { layers: [784, 512, 512, 10], activations: ['relu', 'relu', 'softmax'], loss: 'cross-entropy' } as const;
  const { X } = randomData({ ...spec, layers: [...spec.layers], activations: [...spec.activations] }, 256, 1);
  const labels = Array.from({ length: 256 }, (_, i) => (i * 7) % 10);
  const net = await MLP.create({ ...spec, threads: 'auto' });
  // net.seed: the seed it drew (none was given), so this network starts from the same weights.
  const one = await MLP.create({ ...spec, threads: 1, seed: net.seed });
  expect(net.threads).toBe(Math.min(availableParallelism(), 16));
  expect(net.threadsFallbackReason).toBe(net.threads > 1 ? null : 'only one CPU core is available');
  const history = net.fit(X, labels, { epochs: 2, batchSize: 128 });
  expect(history.loss).toEqual(one.fit(X, labels, { epochs: 2, batchSize: 128 }).loss);
  expect(Array.from(net.getParameters())).toEqual(Array.from(one.getParameters()));
  net.dispose();
  one.dispose();
  expect(() => net.threads).toThrow('threads: this network was disposed');
});
