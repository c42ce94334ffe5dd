// Every GEMM kernel of every build this Node can run, against the TypeScript reference
// (src/js/math.ts), at sizes that exercise each tile edge: rows odd and even, columns and
// depths below, at and past a SIMD tile, and not multiples of the vector width.
import { describe, expect, it } from 'vitest';
import * as math from '../src/js/math.js';
import { ACTIVATIONS, type Activation, type DType } from '../src/model/options.js';
import { supportedKernelVariants } from '../src/wasm/loader.js';
import { Random } from '../src/core/random.js';
import { loadBuild } from './kernel-harness.js';
import { SMOOTH_ACTIVATIONS, maxRelativeError } from './helpers.js';
import { CODES } from '../src/kernels/kernel-interface.js';

// [rows m, inputs k, outputs n]
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [2, 2, 1], [3, 10, 5], [7, 33, 10], [5, 100, 33], [64, 17, 19], [9, 16, 16], [4, 8, 3], [6, 3, 4], [2, 37, 70],
  // Past one 256 KiB cache block: W's rows (forward) and B's columns (both gradients) split.
  [3, 301, 300], [64, 1100, 5],
];
// float32 sums of k products of N(0, 1) values drift by up to ~k·ε relative to the float64 reference.
const tolerance = (dtype: DType, k: number) => (dtype === 'float64' ? 1e-12 : Math.max(2e-5, 6e-8 * k));
const HIDDEN: Activation[] = ['linear', 'relu', 'leaky-relu', 'sigmoid', 'tanh'];
/** Where threads may split a layer's units or a δ's columns: multiples of the SIMD tile width 4 (a cache line of 16 floats in training). */
const UNIT_SPLITS = [4, 16, 20, 64];

function randomValues(count: number, random: Random, Float: Float32ArrayConstructor | Float64ArrayConstructor) {
  return Float.from({ length: count }, () => random.normal());
}

const variants = supportedKernelVariants();

/** Index of the first element whose bits differ, or -1: a fast bit-identity check for large outputs. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return i;
  return -1;
}

describe.each(variants.flatMap((variant) => (['float32', 'float64'] as DType[]).map((dtype) => [variant, dtype] as const)))('%s kernels, %s', (variant, dtype) => {

  it.each(SHAPES)('denseForward %i×%i → %i, every activation, any row split and any unit split at a multiple of 4', (m, k, n) => {
    const { k: wasm, buffer, Float } = loadBuild(dtype, variant);
    const random = new Random(m * 1000 + k * 10 + n);
    const x = randomValues(m * k, random, Float);
    const w = randomValues(n * k, random, Float);
    const bias = randomValues(n, random, Float);
    for (const activation of ACTIVATIONS) {
      if (activation === 'softmax' && n < 2) continue;
      const z = new Float(m * n);
      const a = new Float(m * n);
      math.denseForward(z, x, w, bias, m, n, k);
      math.activate(activation, a, z, m, n);
      const [X, W, B] = [buffer(x), buffer(w), buffer(bias)];
      const [Z, A] = [buffer(new Float(m * n)), buffer(new Float(m * n))];
      wasm.denseForward(Z.ptr, A.ptr, X.ptr, W.ptr, B.ptr, n, k, CODES.activation[activation], 0, m, 0, n);
      expect(maxRelativeError(Z.view(), z)).toBeLessThan(tolerance(dtype, k));
      expect(maxRelativeError(A.view(), a)).toBeLessThan(tolerance(dtype, k));
      // Rows split at every point give the very same bits: what threads will rely on.
      for (let split = 1; split < Math.min(m, 4); split++) {
        const [Z2, A2] = [buffer(new Float(m * n)), buffer(new Float(m * n))];
        wasm.denseForward(Z2.ptr, A2.ptr, X.ptr, W.ptr, B.ptr, n, k, CODES.activation[activation], split, m, 0, n);
        wasm.denseForward(Z2.ptr, A2.ptr, X.ptr, W.ptr, B.ptr, n, k, CODES.activation[activation], 0, split, 0, n);
        expect(firstDifference(A2.view(), A.view())).toBe(-1);
        expect(firstDifference(Z2.view(), Z.view())).toBe(-1);
      }
      // Units split where threads split them (multiples of 4), for elementwise activations.
      if (activation === 'softmax') continue;
      for (const split of UNIT_SPLITS.filter((u) => u < n)) {
        const [Z2, A2] = [buffer(new Float(m * n)), buffer(new Float(m * n))];
        wasm.denseForward(Z2.ptr, A2.ptr, X.ptr, W.ptr, B.ptr, n, k, CODES.activation[activation], 0, m, split, n);
        wasm.denseForward(Z2.ptr, A2.ptr, X.ptr, W.ptr, B.ptr, n, k, CODES.activation[activation], 0, m, 0, split);
        expect(firstDifference(A2.view(), A.view())).toBe(-1);
        expect(firstDifference(Z2.view(), Z.view())).toBe(-1);
      }
    }
  });

  it.each(SHAPES)('weightGradient %i×%i → %i, any unit split', (m, k, n) => {
    const { k: wasm, buffer, Float } = loadBuild(dtype, variant);
    const random = new Random(m * 7 + k * 3 + n);
    const x = randomValues(m * k, random, Float);
    const delta = randomValues(m * n, random, Float);
    const gradW = new Float(n * k);
    const gradB = new Float(n);
    math.weightGradient(gradW, gradB, delta, x, m, n, k);
    const [X, D] = [buffer(x), buffer(delta)];
    // Stale values in the outputs must be overwritten, not accumulated.
    const [GW, GB] = [buffer(new Float(n * k).fill(3)), buffer(new Float(n).fill(3))];
    wasm.weightGradient(GW.ptr, GB.ptr, D.ptr, X.ptr, m, n, k, 0, n);
    expect(maxRelativeError(GW.view(), gradW)).toBeLessThan(tolerance(dtype, m));
    expect(maxRelativeError(GB.view(), gradB)).toBeLessThan(tolerance(dtype, m));
    for (let split = 1; split < Math.min(n, 4); split++) {
      const [GW2, GB2] = [buffer(new Float(n * k)), buffer(new Float(n))];
      wasm.weightGradient(GW2.ptr, GB2.ptr, D.ptr, X.ptr, m, n, k, split, n);
      wasm.weightGradient(GW2.ptr, GB2.ptr, D.ptr, X.ptr, m, n, k, 0, split);
      expect(firstDifference(GW2.view(), GW.view())).toBe(-1);
      expect(firstDifference(GB2.view(), GB.view())).toBe(-1);
    }
  });

  it.each(SHAPES)('inputGradient %i×%i → %i, fused with every hidden derivative, any row split and any column split at a multiple of 4', (m, k, n) => {
    const { k: wasm, buffer, Float } = loadBuild(dtype, variant);
    const random = new Random(m * 5 + k * 11 + n);
    const w = randomValues(n * k, random, Float);
    const delta = randomValues(m * n, random, Float);
    for (const activation of HIDDEN) {
      const below = new Float(m * k);
      math.activate(activation, below, randomValues(m * k, random, Float), m, k);
      const dz = new Float(m * k);
      math.inputGradient(dz, delta, w, m, n, k);
      math.activationBackward(activation, dz, below, m, k);
      const [W, D, G] = [buffer(w), buffer(delta), buffer(below)];
      const DZ = buffer(new Float(m * k).fill(3));
      wasm.inputGradient(DZ.ptr, D.ptr, W.ptr, G.ptr, CODES.activation[activation], n, k, 0, m, 0, k);
      expect(maxRelativeError(DZ.view(), dz)).toBeLessThan(tolerance(dtype, n));
      for (let split = 1; split < Math.min(m, 4); split++) {
        const DZ2 = buffer(new Float(m * k));
        wasm.inputGradient(DZ2.ptr, D.ptr, W.ptr, G.ptr, CODES.activation[activation], n, k, split, m, 0, k);
        wasm.inputGradient(DZ2.ptr, D.ptr, W.ptr, G.ptr, CODES.activation[activation], n, k, 0, split, 0, k);
        expect(firstDifference(DZ2.view(), DZ.view())).toBe(-1);
      }
      for (const split of UNIT_SPLITS.filter((c) => c < k)) {
        const DZ2 = buffer(new Float(m * k));
        wasm.inputGradient(DZ2.ptr, D.ptr, W.ptr, G.ptr, CODES.activation[activation], n, k, 0, m, split, k);
        wasm.inputGradient(DZ2.ptr, D.ptr, W.ptr, G.ptr, CODES.activation[activation], n, k, 0, m, 0, split);
        expect(firstDifference(DZ2.view(), DZ.view())).toBe(-1);
      }
    }
  });

  it.each(SHAPES)('storeSlopes, then inputGradient %i×%i → %i into the slopes it multiplies by, every smooth activation, any row or column split', (m, k, n) => {
    const { k: wasm, buffer, Float } = loadBuild(dtype, variant);
    const random = new Random(m * 13 + k * 7 + n);
    const w = randomValues(n * k, random, Float);
    const delta = randomValues(m * n, random, Float);
    for (const activation of SMOOTH_ACTIVATIONS) {
      // z spread over the branches: negative, small, and past softplus's threshold of 20.
      const z = Float.from({ length: m * k }, (_, i) => (i % 17 === 0 ? 25 : 3 * random.normal()));
      const slopes = new Float(m * k);
      math.storeSlopes(activation, slopes, z, m * k);
      const Z = buffer(z);
      wasm.storeSlopes(CODES.activation[activation], Z.ptr, m, k);
      expect(maxRelativeError(Z.view(), slopes)).toBeLessThan(dtype === 'float64' ? 1e-14 : 1e-6);
      const dz = new Float(m * k);
      math.inputGradient(dz, delta, w, m, n, k);
      math.activationBackward(activation, dz, Z.view().slice(), m, k);
      const [W, D] = [buffer(w), buffer(delta)];
      const DZ = buffer(Z.view().slice());
      wasm.inputGradient(DZ.ptr, D.ptr, W.ptr, DZ.ptr, CODES.activation[activation], n, k, 0, m, 0, k);
      expect(maxRelativeError(DZ.view(), dz)).toBeLessThan(tolerance(dtype, n));
      for (let split = 1; split < Math.min(m, 4); split++) {
        const DZ2 = buffer(Z.view().slice());
        wasm.inputGradient(DZ2.ptr, D.ptr, W.ptr, DZ2.ptr, CODES.activation[activation], n, k, split, m, 0, k);
        wasm.inputGradient(DZ2.ptr, D.ptr, W.ptr, DZ2.ptr, CODES.activation[activation], n, k, 0, split, 0, k);
        expect(firstDifference(DZ2.view(), DZ.view())).toBe(-1);
      }
      for (const split of UNIT_SPLITS.filter((c) => c < k)) {
        const DZ2 = buffer(Z.view().slice());
        wasm.inputGradient(DZ2.ptr, D.ptr, W.ptr, DZ2.ptr, CODES.activation[activation], n, k, 0, m, split, k);
        wasm.inputGradient(DZ2.ptr, D.ptr, W.ptr, DZ2.ptr, CODES.activation[activation], n, k, 0, m, 0, split);
        expect(firstDifference(DZ2.view(), DZ.view())).toBe(-1);
      }
    }
  });
});

it('finds at least the scalar and SIMD builds runnable in Node 20', () => {
  expect(variants).toContain('scalar');
  expect(variants).toContain('simd');
});
