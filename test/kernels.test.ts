// Every GEMM kernel of every build this Node can run, against the TypeScript reference
// (src/js/math.ts), at sizes that exercise each tile edge: rows odd and even, columns and
// depths below, at and past a SIMD tile, and not multiples of the vector width.
import { describe, expect, it } from 'vitest';
import * as math from '../src/js/math.js';
import { ACTIVATIONS, type Activation, type DType } from '../src/options.js';
import { supportedKernelVariants } from '../src/wasm/loader.js';
import { Random } from '../src/random.js';
import { loadBuild } from './kernel-harness.js';
import { maxRelativeError } from './helpers.js';

// [rows m, inputs k, outputs n]
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [2, 2, 1], [3, 10, 5], [7, 33, 10], [5, 100, 33], [64, 17, 19], [9, 16, 16], [4, 8, 3], [6, 3, 4], [2, 37, 70],
];
const TOLERANCE: Record<DType, number> = { float32: 2e-5, float64: 1e-12 };
const HIDDEN: Activation[] = ['linear', 'relu', 'leaky-relu', 'sigmoid', 'tanh'];

function randomValues(count: number, random: Random, Float: Float32ArrayConstructor | Float64ArrayConstructor) {
  return Float.from({ length: count }, () => random.normal());
}

const variants = supportedKernelVariants();

describe.each(variants.flatMap((variant) => (['float32', 'float64'] as DType[]).map((dtype) => [variant, dtype] as const)))('%s kernels, %s', (variant, dtype) => {
  const tolerance = TOLERANCE[dtype];

  it.each(SHAPES)('denseForward %i×%i → %i, every activation, any row split', (m, k, n) => {
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
      wasm.denseForward(Z.ptr, A.ptr, X.ptr, W.ptr, B.ptr, n, k, ACTIVATIONS.indexOf(activation), 0, m);
      expect(maxRelativeError(Z.view(), z)).toBeLessThan(tolerance);
      expect(maxRelativeError(A.view(), a)).toBeLessThan(tolerance);
      // Rows split at every point give the very same bits: what threads will rely on.
      for (let split = 1; split < Math.min(m, 4); split++) {
        const [Z2, A2] = [buffer(new Float(m * n)), buffer(new Float(m * n))];
        wasm.denseForward(Z2.ptr, A2.ptr, X.ptr, W.ptr, B.ptr, n, k, ACTIVATIONS.indexOf(activation), split, m);
        wasm.denseForward(Z2.ptr, A2.ptr, X.ptr, W.ptr, B.ptr, n, k, ACTIVATIONS.indexOf(activation), 0, split);
        expect(Array.from(A2.view())).toEqual(Array.from(A.view()));
        expect(Array.from(Z2.view())).toEqual(Array.from(Z.view()));
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
    expect(maxRelativeError(GW.view(), gradW)).toBeLessThan(tolerance);
    expect(maxRelativeError(GB.view(), gradB)).toBeLessThan(tolerance);
    for (let split = 1; split < Math.min(n, 4); split++) {
      const [GW2, GB2] = [buffer(new Float(n * k)), buffer(new Float(n))];
      wasm.weightGradient(GW2.ptr, GB2.ptr, D.ptr, X.ptr, m, n, k, split, n);
      wasm.weightGradient(GW2.ptr, GB2.ptr, D.ptr, X.ptr, m, n, k, 0, split);
      expect(Array.from(GW2.view())).toEqual(Array.from(GW.view()));
      expect(Array.from(GB2.view())).toEqual(Array.from(GB.view()));
    }
  });

  it.each(SHAPES)('inputGradient %i×%i → %i, fused with every hidden derivative, any row split', (m, k, n) => {
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
      wasm.inputGradient(DZ.ptr, D.ptr, W.ptr, G.ptr, ACTIVATIONS.indexOf(activation), n, k, 0, m);
      expect(maxRelativeError(DZ.view(), dz)).toBeLessThan(tolerance);
      for (let split = 1; split < Math.min(m, 4); split++) {
        const DZ2 = buffer(new Float(m * k));
        wasm.inputGradient(DZ2.ptr, D.ptr, W.ptr, G.ptr, ACTIVATIONS.indexOf(activation), n, k, split, m);
        wasm.inputGradient(DZ2.ptr, D.ptr, W.ptr, G.ptr, ACTIVATIONS.indexOf(activation), n, k, 0, split);
        expect(Array.from(DZ2.view())).toEqual(Array.from(DZ.view()));
      }
    }
  });
});

it('finds at least the scalar and SIMD builds runnable in Node 20', () => {
  expect(variants).toContain('scalar');
  expect(variants).toContain('simd');
});
