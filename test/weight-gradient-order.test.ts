// The weight gradient's summation order, pinned bit for bit: in the float64 SIMD build without
// fused multiply-adds, every ∇W element is Σ over the batch rows in order of one multiply and
// one add, exactly what the float64 reference (src/js/math.ts) computes. Layers of 16 units or
// more take the column-strip kernel (assembly/gemm/column-strips.ts), narrower ones the
// row-pair kernel; both must give those bits for any unit range, group remainder and ragged
// last column strip, so threads and either kernel agree with each other and with the baseline.
import { describe, expect, it } from 'vitest';
import * as math from '../src/js/math.js';
import { Random } from '../src/core/random.js';
import { loadBuild } from './kernel-harness.js';

// [rows m, inputs k, units n]: units below, at and past 16 and not multiples of 4 or 6;
// inputs not multiples of the strip width (4 doubles) nor of a vector; 40 × 120 → 256 takes the
// packed copy of δ (its 2 kB row stride).
const SHAPES: [number, number, number][] = [[1, 1, 16], [7, 33, 17], [5, 13, 16], [3, 301, 300], [128, 10, 19], [2, 37, 70], [64, 17, 19], [9, 16, 15], [1, 5, 23], [64, 784, 22], [40, 120, 256]];

describe.each(['simd', 'simd threads'])('weightGradient, float64 %s build: the reference summation order, bit for bit', (build) => {
  it.each(SHAPES)('%i rows × %i inputs → %i units, whole and split at multiples of 4', (m, k, n) => {
    const { k: wasm, buffer } = loadBuild('float64', 'simd', build.endsWith('threads'));
    const random = new Random(m * 7 + k * 3 + n);
    const x = Float64Array.from({ length: m * k }, () => random.normal());
    const delta = Float64Array.from({ length: m * n }, () => random.normal());
    const gradW = new Float64Array(n * k);
    const gradB = new Float64Array(n);
    math.weightGradient(gradW, gradB, delta, x, m, n, k);
    const [X, D] = [buffer(x), buffer(delta)];
    for (const split of [0, 4, 8, 12].filter((s) => s < n)) {
      const [GW, GB] = [buffer(new Float64Array(n * k).fill(NaN)), buffer(new Float64Array(n).fill(NaN))];
      if (split > 0) wasm.weightGradient(GW.ptr, GB.ptr, D.ptr, X.ptr, m, n, k, 0, split);
      wasm.weightGradient(GW.ptr, GB.ptr, D.ptr, X.ptr, m, n, k, split, n);
      const got = GW.view();
      const first = gradW.findIndex((v, i) => !Object.is(v, got[i]));
      expect(first, `first differing element of ∇W (split at ${split})`).toBe(-1);
      expect(Array.from(GB.view())).toEqual(Array.from(gradB));
    }
  });
});
