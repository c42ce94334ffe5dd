// Whole networks on each kernel build this Node can run, against the `js` reference: the
// builds differ only in speed. Relaxed-SIMD runs here when Node has the flag (vitest.config.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { MLP, setKernelVariant, kernelVariant, supportedKernelVariants, ValueError, type DType } from '../src/index.js';
import { createNet, maxRelativeError, networkSpecs, randomData } from './helpers.js';

const TOLERANCE: Record<DType, number> = { float32: 1e-4, float64: 1e-12 };
afterAll(() => setKernelVariant('auto'));

describe.each(supportedKernelVariants())('%s build', (variant) => {
  it.each(['float32', 'float64'] as DType[])('trains every network like the js backend, %s', async (dtype) => {
    setKernelVariant(variant);
    expect(kernelVariant()).toBe(variant);
    for (const spec of networkSpecs().filter((_, i) => i % 4 === 0)) {
      const wasm = await createNet(spec, 'wasm', dtype);
      const js = await createNet(spec, 'js', dtype);
      const { X, Y } = randomData(spec, 9, 5);
      for (let s = 0; s < 3; s++) wasm.step(X, Y, { learningRate: 0.1 });
      for (let s = 0; s < 3; s++) js.step(X, Y, { learningRate: 0.1 });
      expect(maxRelativeError(wasm.getParameters(), js.getParameters())).toBeLessThan(TOLERANCE[dtype]);
      expect(maxRelativeError(wasm.gradient(X, Y), js.gradient(X, Y))).toBeLessThan(TOLERANCE[dtype] * 10);
      wasm.dispose();
      js.dispose();
    }
  });

  it('reproduces the seed step exactly in float64', async () => {
    setKernelVariant(variant);
    const net = await MLP.create({ layers: [2, 1, 1], activations: ['relu', 'linear'], dtype: 'float64' });
    net.setParameters([1, 1, 0, 1, 0]);
    expect(net.step([[2, 1], [-3, 2]], [[1.3], [1.9]])).toBeCloseTo(3.25, 12);
    Array.from(net.getParameters()).forEach((v, i) => expect(v).toBeCloseTo([0.966, 0.983, -0.017, 0.949, 0.002][i], 12));
    net.dispose();
  });
});

it('setKernelVariant rejects unknown and unsupported variants, naming them', () => {
  expect(() => setKernelVariant('avx' as never)).toThrow(ValueError);
  expect(() => setKernelVariant('avx' as never)).toThrow(/setKernelVariant: variant must be 'auto', 'scalar', 'simd', 'relaxed-simd', got "avx"/);
  if (!supportedKernelVariants().includes('relaxed-simd')) {
    expect(() => setKernelVariant('relaxed-simd')).toThrow(/cannot run the 'relaxed-simd' kernels/);
  }
  setKernelVariant('auto');
  expect(kernelVariant()).toBe(supportedKernelVariants().at(-1));
});

it('runs the relaxed-SIMD build where V8 has it: Node ≥ 22, or Node 20 started with the flag', () => {
  const byDefault = Number(process.versions.node.split('.')[0]) >= 22;
  if (byDefault || process.execArgv.includes('--experimental-wasm-relaxed-simd')) expect(supportedKernelVariants()).toContain('relaxed-simd');
  else expect(supportedKernelVariants()).not.toContain('relaxed-simd');
});
