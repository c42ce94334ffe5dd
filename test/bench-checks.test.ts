// The benchmark's self-checks (bench/gemm.mjs): each GEMM call it times is checked once against
// the JavaScript reference, so an empty or wrong call stops the bench instead of printing a
// number. A call without its unit and row ranges (they arrive as 0) computes nothing: refused.
import { describe, expect, it } from 'vitest';
// @ts-expect-error: plain ES modules of the bench, no declarations
import { gemmCall, PRODUCTS } from '../bench/gemm.mjs';
// @ts-expect-error: plain ES modules of the bench, no declarations
import { loadKernels } from '../bench/kernels.mjs';

const SHAPE = [8, 33, 20] as const;

describe('bench/gemm.mjs checks each timed call', () => {
  it.each(PRODUCTS as string[])('%s: the real call passes the check and is returned', (product) => {
    const build = loadKernels('f32', 'simd');
    expect(typeof gemmCall(build, product, ...SHAPE, 'f32 simd')).toBe('function');
  });

  it.each(PRODUCTS as string[])('%s: a call missing its range arguments is refused', (product) => {
    const build = loadKernels('f32', 'simd');
    // The old bench's calls: the trailing unit/column range arguments left out (read as 0).
    const k = {
      ...build.k,
      denseForward: (z: number, a: number, x: number, w: number, b: number, n: number, kk: number, act: number, r0: number, r1: number) => build.k.denseForward(z, a, x, w, b, n, kk, act, r0, r1),
      inputGradient: (dz: number, d: number, w: number, below: number, kind: number, n: number, kk: number, r0: number, r1: number) => build.k.inputGradient(dz, d, w, below, kind, n, kk, r0, r1),
      weightGradient: (gw: number, gb: number, d: number, x: number, rows: number, n: number, kk: number) => build.k.weightGradient(gw, gb, d, x, rows, n, kk),
    };
    expect(() => gemmCall({ ...build, k }, product, ...SHAPE, 'f32 simd')).toThrow(/wrong or empty/);
  });

  it('a call that computes something else (the product of other operands) is refused', () => {
    const build = loadKernels('f32', 'simd');
    const k = { ...build.k, weightGradient: (gw: number, gb: number, d: number, x: number, rows: number, n: number, kk: number, u0: number, u1: number) => build.k.weightGradient(gw, gb, d, x, rows - 1, n, kk, u0, u1) };
    expect(() => gemmCall({ ...build, k }, 'weightGradient', ...SHAPE, 'f32 simd')).toThrow(/off the JavaScript reference/);
  });
});
