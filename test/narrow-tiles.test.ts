// The tiles that finish a narrow layer (a 10-class output: 4 + 4 + 2 units) and the bias
// gradient's vector sums, in every build this Node can run: each output agrees with the
// TypeScript reference, and every tile that can compute an output gives it the same bits (the
// 6-, 4-, 2- and 1-wide forward tiles; the vector and scalar bias sums), so a network's results
// do not depend on which tile a layer's width hands each unit to.
import { describe, expect, it } from 'vitest';
import * as math from '../src/js/math.js';
import type { DType } from '../src/model/options.js';
import { supportedKernelVariants } from '../src/wasm/loader.js';
import { Random } from '../src/core/random.js';
import { loadBuild } from './kernel-harness.js';
import { maxRelativeError } from './helpers.js';
import { CODES } from '../src/kernels/kernel-interface.js';

/** Widths around every tile's edge, and the digits-shaped layers' (64 → 100 → 10). */
const EDGES = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17];
const SHAPES: [number, number, number][] = [
  ...EDGES.map((n): [number, number, number] => [3, 17, n]),
  ...EDGES.map((k): [number, number, number] => [5, k, 10]),
  [32, 64, 100], [32, 100, 10], [1, 100, 10],
];
const tolerance = (dtype: DType, k: number) => (dtype === 'float64' ? 1e-12 : Math.max(2e-5, 6e-8 * k));

/** Index of the first element whose bits differ, or -1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return a.length === b.length ? -1 : a.length;
}

const cases = supportedKernelVariants().flatMap((variant) => (['float32', 'float64'] as DType[]).map((dtype) => [variant, dtype] as const));

describe.each(cases)('%s narrow tiles, %s', (variant, dtype) => {
  it.each(SHAPES)('denseForward %i×%i → %i: the reference, and the same bits for a unit whichever tile computes it', (m, k, n) => {
    const { k: wasm, buffer, Float } = loadBuild(dtype, variant);
    const random = new Random(m * 131 + k * 17 + n);
    const values = (count: number) => Float.from({ length: count }, () => random.normal());
    const [x, w, bias] = [values(m * k), values(n * k), values(n)];
    const z = new Float(m * n);
    math.denseForward(z, x, w, bias, m, n, k);
    const [X, W, B] = [buffer(x), buffer(w), buffer(bias)];
    const relu = CODES.activation.relu;
    const [Z, A] = [buffer(new Float(m * n)), buffer(new Float(m * n))];
    wasm.denseForward(Z.ptr, A.ptr, X.ptr, W.ptr, B.ptr, n, k, relu, 0, m, 0, n);
    expect(maxRelativeError(Z.view(), z)).toBeLessThan(tolerance(dtype, k));
    expect(firstDifference(A.view(), Z.view().map((v) => (v > 0 ? v : 0)))).toBe(-1);
    // Units [j, j + width) alone: a range of 1, 2 or 3 takes the narrow tiles, 4 the 2 × 4
    // tile, 6 the relaxed 2 × 6 one, wherever the whole layer's pass put that unit.
    for (const width of [1, 2, 3, 4, 6]) {
      for (let j = 0; j + width <= n; j++) {
        const [Z2, A2] = [buffer(new Float(m * n).fill(NaN)), buffer(new Float(m * n).fill(NaN))];
        wasm.denseForward(Z2.ptr, A2.ptr, X.ptr, W.ptr, B.ptr, n, k, relu, 0, m, j, j + width);
        for (let r = 0; r < m; r++) {
          const [from, to] = [r * n + j, r * n + j + width];
          expect(firstDifference(Z2.view().subarray(from, to), Z.view().subarray(from, to))).toBe(-1);
          expect(firstDifference(A2.view().subarray(from, to), A.view().subarray(from, to))).toBe(-1);
        }
      }
    }
  });

  it.each(SHAPES)('weightGradient %i×%i → %i: the bias gradient is the reference, the same bits from any first unit', (m, k, n) => {
    const { k: wasm, buffer, Float } = loadBuild(dtype, variant);
    const random = new Random(m * 71 + k * 13 + n);
    const values = (count: number) => Float.from({ length: count }, () => random.normal());
    const [x, delta] = [values(m * k), values(m * n)];
    const [gradW, gradB] = [new Float(n * k), new Float(n)];
    math.weightGradient(gradW, gradB, delta, x, m, n, k);
    const [X, D] = [buffer(x), buffer(delta)];
    const [GW, GB] = [buffer(new Float(n * k).fill(3)), buffer(new Float(n).fill(3))];
    wasm.weightGradient(GW.ptr, GB.ptr, D.ptr, X.ptr, m, n, k, 0, n);
    expect(maxRelativeError(GB.view(), gradB)).toBeLessThan(tolerance(dtype, m));
    expect(maxRelativeError(GW.view(), gradW)).toBeLessThan(tolerance(dtype, m));
    // Starting at unit j shifts which units share a vector and which fall to the scalar tail.
    for (let j = 1; j < Math.min(n, 5); j++) {
      const [GW2, GB2] = [buffer(new Float(n * k)), buffer(new Float(n).fill(NaN))];
      wasm.weightGradient(GW2.ptr, GB2.ptr, D.ptr, X.ptr, m, n, k, j, n);
      expect(firstDifference(GB2.view().subarray(j), GB.view().subarray(j))).toBe(-1);
      // Units before the range are left alone: threads write their own units only.
      expect(GB2.view().subarray(0, j).every((v) => Number.isNaN(v))).toBe(true);
    }
  });
});
