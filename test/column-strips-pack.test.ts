// The column-strip weight gradient copies each unit's δ column into the tail of its row of ∇W
// (assembly/gemm/column-strips.ts) when the layer has columns to spare, and reads δ in place
// otherwise; it copies X's strips into scratch where X's stride aliases. The copies must change
// no bit: every ∇W element of a wide call (packed δ for most columns, in-place δ for the tail)
// must equal the same element computed by narrow calls over 8-column slices of X, which are too
// narrow to pack or copy. Every SIMD build this Node runs, both
// dtypes, whole unit ranges and ranges split at multiples of 4 (as threads split them).
import { describe, expect, it } from 'vitest';
import { Random } from '../src/core/random.js';
import { supportedKernelVariants } from '../src/wasm/loader.js';
import { loadBuild } from './kernel-harness.js';

// [rows m, inputs k, units n]. Packed where k ≥ m + 16 vectors and δ's row stride puts a
// column in few L1 sets (column-strips.ts `deltaAliases`): 256 and 512 units (1 and 2 kB
// strides in float32, 2 and 4 kB in float64), 128 units in float64 with 33 rows; units not
// multiples of 6 (a short group), k not a multiple of the strip width. In place: the rest.
// X's strips are copied (builds without threads) where X's stride aliases the same way: 512
// inputs (2 kB float32, 4 kB float64) and 256 with 64 rows, with δ packed or in place.
const SHAPES: [number, number, number][] = [[6, 100, 23], [64, 200, 37], [40, 120, 256], [33, 130, 128], [128, 784, 512], [128, 512, 512], [64, 784, 128], [64, 256, 20], [40, 512, 23]];
const SLICE = 8;
const variants = supportedKernelVariants().filter((v) => v !== 'scalar');

describe.each(variants.flatMap((v) => (['float32', 'float64'] as const).map((d) => [v, d] as const)))('weightGradient %s %s: packed δ gives the in-place bits', (variant, dtype) => {
  it.each(SHAPES)('%i rows × %i inputs → %i units', (m, k, n) => {
    const { k: wasm, buffer } = loadBuild(dtype, variant);
    const Float = dtype === 'float64' ? Float64Array : Float32Array;
    const random = new Random(m + 3 * k + 7 * n);
    const x = Float.from({ length: m * k }, () => random.normal());
    const delta = Float.from({ length: m * n }, () => random.normal());
    const [X, D] = [buffer(x), buffer(delta)];
    // The reference: ∇W slice by slice, each from an m × 8 copy of X's columns.
    const expected = new Float(n * k);
    for (let c0 = 0; c0 < k; c0 += SLICE) {
      const width = Math.min(SLICE, k - c0);
      const slice = Float.from({ length: m * width }, (_, i) => x[Math.floor(i / width) * k + c0 + (i % width)]);
      const [S, GW, GB] = [buffer(slice), buffer(new Float(n * width)), buffer(new Float(n))];
      wasm.weightGradient(GW.ptr, GB.ptr, D.ptr, S.ptr, m, n, width, 0, n);
      const got = GW.view();
      for (let j = 0; j < n; j++) for (let c = 0; c < width; c++) expected[j * k + c0 + c] = got[j * width + c];
    }
    for (const split of [0, 4, 12]) {
      const [GW, GB] = [buffer(new Float(n * k).fill(NaN)), buffer(new Float(n).fill(NaN))];
      if (split > 0) wasm.weightGradient(GW.ptr, GB.ptr, D.ptr, X.ptr, m, n, k, 0, split);
      wasm.weightGradient(GW.ptr, GB.ptr, D.ptr, X.ptr, m, n, k, split, n);
      const got = GW.view();
      const first = expected.findIndex((v, i) => !Object.is(v, got[i]));
      expect(first, `first differing element of ∇W (split at ${split}): row ${Math.floor(first / k)}, column ${first % k}`).toBe(-1);
    }
  });
});
