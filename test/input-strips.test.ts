// δ·W of a wide layer goes strip by strip through a contiguous copy of W's columns where W's
// row stride aliases in L1 and the rows are enough (assembly/gemm/input-strips.ts), and through
// broadcast.ts's row pairs otherwise. The copy must change no bit: every dZ element of a wide
// call must equal the same element computed by calls over 8-column slices of W and G, too
// narrow to alias. Every SIMD build this Node runs, with and without threads, both dtypes,
// a linear and a fused derivative, G apart from dZ and G being dZ (the slopes it multiplies
// by), whole row and column ranges and ranges split as threads split them.
import { describe, expect, it } from 'vitest';
import { Random } from '../src/core/random.js';
import { supportedKernelVariants } from '../src/wasm/loader.js';
import { CODES } from '../src/kernels/kernel-interface.js';
import { loadBuild } from './kernel-harness.js';

// [rows m, inputs k (W's width), units n (the depth)]. Copied where k's stride puts a column in
// few L1 sets and n exceeds 8 lines a set (256 inputs: 1 kB in float32, n > 32; 512: n > 16;
// 1024: n > 8), n ≤ 512, m ≥ 4 groups: rows not multiples of 4 or 6 (a short group). Not copied:
// too few rows (12), too deep (600), a stride that does not alias (264).
const SHAPES: [number, number, number][] = [[27, 256, 40], [128, 512, 512], [30, 512, 17], [25, 1024, 9], [12, 512, 64], [24, 512, 600], [26, 264, 64]];
const SLICE = 8;
const variants = supportedKernelVariants().filter((v) => v !== 'scalar');
const builds = variants.flatMap((v) => (['float32', 'float64'] as const).flatMap((d) => [[v, d, false], [v, d, true]] as const));

/** Columns [c0, c0 + width) of a rows × k matrix, as a rows × width one. */
function columns(Float: Float32ArrayConstructor | Float64ArrayConstructor, values: ArrayLike<number>, rows: number, k: number, c0: number, width: number) {
  return Float.from({ length: rows * width }, (_, i) => values[Math.floor(i / width) * k + c0 + (i % width)]);
}

describe.each(builds)('inputGradient %s %s (threads: %s): the strip copy gives the row-pair bits', (variant, dtype, threads) => {
  it.each(SHAPES)('%i rows × %i inputs ← %i units', (m, k, n) => {
    const { k: wasm, buffer } = loadBuild(dtype, variant, threads);
    const Float = dtype === 'float64' ? Float64Array : Float32Array;
    const random = new Random(m + 5 * k + 11 * n);
    const w = Float.from({ length: n * k }, () => random.normal());
    const delta = Float.from({ length: m * n }, () => random.normal());
    // tanh's derivative from its activations (G apart), sigmoid's from the slopes in dZ.
    const activations = Float.from({ length: m * k }, () => Math.tanh(random.normal()));
    const slopes = Float.from({ length: m * k }, () => random.normal());
    const [W, D] = [buffer(w), buffer(delta)];
    for (const [activation, inPlace] of [['linear', false], ['tanh', false], ['sigmoid', true]] as const) {
      const kind = CODES.activation[activation];
      const g = inPlace ? slopes : activations;
      const expected = new Float(m * k);
      for (let c0 = 0; c0 < k; c0 += SLICE) {
        const width = Math.min(SLICE, k - c0);
        const [S, G] = [buffer(columns(Float, w, n, k, c0, width)), buffer(columns(Float, g, m, k, c0, width))];
        const DZ = inPlace ? G : buffer(new Float(m * width));
        wasm.inputGradient(DZ.ptr, D.ptr, S.ptr, G.ptr, kind, n, width, 0, m, 0, width);
        const got = DZ.view();
        for (let r = 0; r < m; r++) for (let c = 0; c < width; c++) expected[r * k + c0 + c] = got[r * width + c];
      }
      // [rowSplit, columnSplit]: the whole call, rows split past a group's start, columns at a multiple of 4 and of 16.
      for (const [rowSplit, columnSplit] of [[0, 0], [5, 0], [0, 4], [0, 48]]) {
        const G = buffer(g);
        const DZ = inPlace ? G : buffer(new Float(m * k).fill(NaN));
        if (rowSplit > 0) wasm.inputGradient(DZ.ptr, D.ptr, W.ptr, G.ptr, kind, n, k, 0, rowSplit, 0, k);
        if (columnSplit > 0) wasm.inputGradient(DZ.ptr, D.ptr, W.ptr, G.ptr, kind, n, k, 0, m, 0, columnSplit);
        wasm.inputGradient(DZ.ptr, D.ptr, W.ptr, G.ptr, kind, n, k, rowSplit, m, columnSplit, k);
        const got = DZ.view();
        const first = expected.findIndex((v, i) => !Object.is(v, got[i]));
        expect(first, `${activation}: first differing element of dZ (rows from ${rowSplit}, columns from ${columnSplit}): row ${Math.floor(first / k)}, column ${first % k}`).toBe(-1);
      }
    }
  });
});
