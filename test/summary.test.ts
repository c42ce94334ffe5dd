// net.summary(): the facts it shows follow the network (the README's example checks the layout).
import { expect, it } from 'vitest';
import { DisposedError, MLP } from '../src/index.js';

it('shows dtype, backend, optimizer, parameter totals and the epochs trained', async () => {
  const net = await MLP.create({ layers: [3, 5, 4, 2], activations: ['tanh', 'relu', 'softmax'], loss: 'cross-entropy', dtype: 'float64', backend: 'js', dropout: [0.2, 0] });
  net.fit([[1, 2, 3], [3, 2, 1]], [0, 1], { epochs: 3 }); // fit's default optimizer: Adam at 0.01
  const lines = net.summary().split('\n');
  expect(lines[0]).toBe('MLP 3-5-4-2');
  expect(lines.filter((l) => l.startsWith('dense '))).toEqual([
    'dense 0  3 → 5  tanh        0.2              20',
    'dense 1  5 → 4  relu        -                24',
    'dense 2  4 → 2  softmax     -                10',
  ]);
  expect(lines.slice(-4)).toEqual([
    'Parameters: 54 (432 bytes as float64)',
    'Loss: cross-entropy',
    'Optimizer: adam (learningRate 0.01, beta1 0.9, beta2 0.999, epsilon 1e-8, weightDecay 0, amsgrad false)',
    'Backend: js, 1 thread; epochs trained: 3',
  ]);
  net.dispose();
  expect(() => net.summary()).toThrow(DisposedError);
});
