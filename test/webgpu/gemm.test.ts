// The tiled GEMM (src/webgpu/gemm.ts) against a sequential float32 loop, on shapes that are and
// are not multiples of its 32×32 tile, in all four layouts, with each fused epilogue.
import { describe, expect, test } from 'vitest';
import { encodeGemm, type GemmEpilogue } from '../../src/webgpu/gemm.js';
import { GPU_ACTIVATIONS } from '../../src/webgpu/activations.js';
import { ACTIVATION_REFERENCE, gemmReference } from './reference.js';
import { maxRelativeError, randomFloats, runAndRead, testContext } from './gpu.js';

// Products and sums each round once in float32 in both; a device may fuse a·b + c (one rounding
// fewer), so agreement is to a few ulps of the sums, not bit-exact.
const TOLERANCE = 1e-5;

async function gemm(m: number, n: number, k: number, transposeA: boolean, transposeB: boolean, epilogue: GemmEpilogue, operand?: Float32Array) {
  const context = await testContext();
  const a = randomFloats(m * k, 1 + m);
  const b = randomFloats(k * n, 2 + n);
  const c = context.storage(m * n);
  const buffers = { a: context.storage(a), b: context.storage(b), c, operand: operand && context.storage(operand) };
  const got = await runAndRead(context, (encoder) => encodeGemm(context, encoder, { transposeA, transposeB, epilogue }, buffers, m, n, k), c, m * n);
  return { got, want: gemmReference(a, b, m, n, k, transposeA, transposeB) };
}

describe('webgpu gemm', () => {
  for (const [m, n, k] of [[1, 1, 1], [5, 3, 7], [32, 32, 32], [37, 45, 70]] as const) {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        test(`${m}×${k}·${k}×${n}, A${transposeA ? 'ᵀ' : ''}·B${transposeB ? 'ᵀ' : ''} matches the float32 loop`, async () => {
          const { got, want } = await gemm(m, n, k, transposeA, transposeB, { kind: 'none' });
          expect(maxRelativeError(got, want)).toBeLessThan(TOLERANCE);
          // SwiftShader fuses no multiply-add, so there the kernel's ascending-k order shows exactly.
          if ((await testContext()).adapterInfo.architecture === 'swiftshader') expect(Array.from(got)).toEqual(Array.from(want));
        });
      }
    }
  }

  for (const activation of GPU_ACTIVATIONS) {
    test(`bias + ${activation} fused into the epilogue`, async () => {
      const [m, n, k] = [9, 40, 33];
      const bias = randomFloats(n, 7, -2, 2);
      const { got, want } = await gemm(m, n, k, false, true, { kind: 'bias-activation', activation }, bias);
      const { value } = ACTIVATION_REFERENCE[activation];
      const expected = want.map((v, i) => value(Math.fround(v + bias[i % n])));
      expect(maxRelativeError(got, expected)).toBeLessThan(TOLERANCE);
      if (activation === 'relu') expect(got.some((v) => v === 0) && got.some((v) => v > 0)).toBe(true);
    });

    test(`δ ⊙ ${activation}'(a) fused into the epilogue`, async () => {
      const [m, n, k] = [6, 35, 10];
      // Stored activations in the activation's range, so the slope is the one training sees.
      const stored = randomFloats(m * n, 11, activation === 'relu' ? -1 : 0.05, 0.95);
      const { got, want } = await gemm(m, n, k, false, false, { kind: 'activation-slope', activation }, stored);
      const { slope } = ACTIVATION_REFERENCE[activation];
      const expected = want.map((v, i) => Math.fround(v * slope(stored[i])));
      expect(maxRelativeError(got, expected)).toBeLessThan(TOLERANCE);
    });
  }

  test('the same inputs give bit-identical outputs run to run', async () => {
    const first = await gemm(37, 45, 70, true, false, { kind: 'none' });
    const second = await gemm(37, 45, 70, true, false, { kind: 'none' });
    expect(Array.from(second.got)).toEqual(Array.from(first.got));
  });
});
