// The row and column passes of the WebGPU backend against sequential float32 references: ∇b as a
// column sum in a fixed order, row-wise softmax, and the output δ of MSE and cross-entropy.
import { describe, expect, test } from 'vitest';
import { encodeColumnSum } from '../../src/webgpu/column-sum.js';
import { encodeSoftmax } from '../../src/webgpu/softmax.js';
import { encodeOutputDelta } from '../../src/webgpu/losses.js';
import { GPU_ACTIVATIONS } from '../../src/webgpu/activations.js';
import * as math from '../../src/js/math.js';
import { ACTIVATION_REFERENCE, columnSumReference } from './reference.js';
import { maxRelativeError, randomFloats, runAndRead, testContext } from './gpu.js';

describe('webgpu reductions', () => {
  test('column sums are the ascending-row float32 sums, bit for bit, and the same on every run', async () => {
    const context = await testContext();
    const [rows, cols] = [77, 70]; // more columns than one 64-thread workgroup
    const x = randomFloats(rows * cols, 3, -10, 10);
    const out = context.storage(cols);
    const input = context.storage(x);
    const run = () => runAndRead(context, (encoder) => encodeColumnSum(context, encoder, input, out, rows, cols), out, cols);
    const first = await run();
    // A sum of additions only has one float32 result for one order: the kernel's order is fixed.
    expect(Array.from(first)).toEqual(Array.from(columnSumReference(x, rows, cols)));
    expect(Array.from(await run())).toEqual(Array.from(first));
  });

  test('softmax rows match src/js/math.ts and sum to 1, with large logits kept finite', async () => {
    const context = await testContext();
    const [rows, cols] = [5, 7];
    const z = randomFloats(rows * cols, 4, -3, 3);
    z[0] = 80; // exp(80) overflows float32: the max is subtracted first
    const a = context.storage(rows * cols);
    const got = await runAndRead(context, (encoder) => encodeSoftmax(context, encoder, context.storage(z), a, rows, cols), a, rows * cols);
    const want = new Float32Array(rows * cols);
    math.activate('softmax', want, z, rows, cols);
    expect(maxRelativeError(got, want, 1e-7)).toBeLessThan(1e-5);
    for (let r = 0; r < rows; r++) expect(got.slice(r * cols, (r + 1) * cols).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
  });

  for (const activation of GPU_ACTIVATIONS) {
    test(`MSE (mean) δ through ${activation} matches src/js/math.ts's outputDelta`, async () => {
      const context = await testContext();
      const [rows, cols] = [6, 3];
      const out = randomFloats(rows * cols, 5, activation === 'relu' ? -1 : 0.05, 0.95).map((v) => ACTIVATION_REFERENCE[activation].value(v));
      const y = randomFloats(rows * cols, 6);
      const delta = context.storage(rows * cols);
      const buffers = { a: context.storage(out), y: context.storage(y), delta };
      const got = await runAndRead(context, (encoder) => encodeOutputDelta(context, encoder, 'mse', activation, buffers, rows, cols), delta, rows * cols);
      const want = new Float32Array(rows * cols);
      math.outputDelta('mse', activation, want, out, y, rows, cols, want);
      expect(maxRelativeError(got, want, 1e-7)).toBeLessThan(1e-6);
    });
  }

  test("cross-entropy's δ on softmax outputs is (p − y)/rows, as src/js/math.ts", async () => {
    const context = await testContext();
    const [rows, cols] = [4, 5];
    const p = new Float32Array(rows * cols);
    math.activate('softmax', p, randomFloats(rows * cols, 8), rows, cols);
    const y = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) y[r * cols + (r % cols)] = 1; // one-hot targets
    const delta = context.storage(rows * cols);
    const buffers = { a: context.storage(p), y: context.storage(y), delta };
    const got = await runAndRead(context, (encoder) => encodeOutputDelta(context, encoder, 'cross-entropy', 'linear', buffers, rows, cols), delta, rows * cols);
    const want = new Float32Array(rows * cols);
    math.outputDelta('cross-entropy', 'softmax', want, p, y, rows, cols, want);
    expect(maxRelativeError(got, want, 1e-7)).toBeLessThan(1e-6);
  });
});
