// The "Errors and limits" guide's examples, run as written, with the values it shows.
import { expect, it } from 'vitest';
import { DivergenceError, MLP, ShapeError, ValueError } from '../src/index.js';
import { docSection } from './readme-blocks.js';

it('a ShapeError names the call, the row and the expected width', async () => {
  const net = await MLP.create({ layers: [4, 3, 2], activations: ['tanh', 'linear'] });
  expect(() => net.predict([[1, 2, 3, 4], [1, 2, 3]])).toThrow(ShapeError);
  expect(() => net.predict([[1, 2, 3, 4], [1, 2, 3]])).toThrow("predict: X row 1 has 3 values, expected 4 (the network's input size)");
});

it("XOR at η = 1e6 stops with stopReason 'diverged' and a finite θ", async () => {
  const xor = await MLP.create({ layers: [2, 8, 1], activations: ['tanh', 'linear'], seed: 3, dtype: 'float64' });
  const options = "{ epochs: 200, batchSize: 1, optimizer: { type: 'sgd' }, learningRate: 1e6, shuffle: false, onDivergence: 'stop' }";
  expect(docSection('docs/guide/errors-and-limits.md', 'Errors and limits')).toContain(options); // the example this test runs
  const history = xor.fit([[0, 0], [0, 1], [1, 0], [1, 1]], [[0], [1], [1], [0]],
    { epochs: 200, batchSize: 1, optimizer: { type: 'sgd' }, learningRate: 1e6, shuffle: false, onDivergence: 'stop' });
  expect(history.stopReason).toBe('diverged');
  expect(history.divergence).toMatchObject({ epoch: 5, step: 3, layer: 1, phase: 'loss' });
  expect(history.divergence!.message.startsWith('fit: training diverged at epoch 5, step 3 of the epoch: ')).toBe(true);
  expect(Array.from(xor.getParameters()).every(Number.isFinite)).toBe(true);
  expect(DivergenceError.name).toBe('DivergenceError');
});

it('the memory limits quoted', async () => {
  await expect(MLP.create({ layers: [100000, 100000], activations: ['linear'] })).rejects.toThrow(
    'MLP.create: layers [100000, 100000] have 10000100000 parameters, which with their gradients need 74.5 GiB as float32, more than the 4 GiB of WebAssembly memory a network can use');
  const wide = await MLP.create({ layers: [100000, 2], activations: ['linear'], dtype: 'float64' });
  expect(() => wide.predict(new Array(6000).fill(new Float64Array(100000)))).toThrow(ValueError);
  expect(() => wide.predict(new Array(6000).fill(new Float64Array(100000)))).toThrow(
    'predict: a batch of 6000 rows needs 4.5 GiB with the network, more than the 4 GiB of WebAssembly memory a network can use; at most 5364 rows fit, so split the batch');
});
