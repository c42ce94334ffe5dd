// The int8 kernels and the probe that picks one. The relaxed dot (i32x4.relaxed_dot_i8x16_i7x16_add_s)
// runs only where it returns exact sums: on Node 24, Bun, Deno and Chromium it does; Node 20 runs it
// only behind --experimental-wasm-relaxed-simd, and there it is wrong (2× the dot, accumulator
// dropped), so the probe must pick the portable i16x8 kernel. Every kernel gives the same outputs.
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MLP, setKernelVariant, supportedKernelVariants } from '../src/index.js';
import { Predictor } from '../src/inference/index.js';
import { randomData } from './helpers.js';

afterAll(() => setKernelVariant('auto'));

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));
const build = (variant: string) => fileURLToPath(new URL(`../src/wasm/build/inference.f32.${variant}.wasm`, import.meta.url));

interface GemmExports {
  heapBase(): number;
  int8Gemm(acc: number, q: number, w: number, rows: number, n: number, kPad: number, relaxed: number): void;
}

/**
 * Runs a build's int8Gemm on random operands (u8 q in [0, 127], i8 w in [−127, 127]; i16 for the
 * portable kernel of a SIMD build) and returns its sums beside the exact ones.
 */
async function gemm(variant: string, relaxed: boolean, rows: number, n: number, kPad: number, seed: number) {
  const memory = new WebAssembly.Memory({ initial: 4 });
  const { instance } = await WebAssembly.instantiate(readFileSync(build(variant)), { env: { memory } });
  const k = instance.exports as unknown as GemmExports;
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 8) / 2 ** 24;
  const q = Array.from({ length: rows * kPad }, () => Math.floor(next() * 128));
  const w = Array.from({ length: n * kPad }, () => Math.floor(next() * 255) - 127);
  const wide = variant !== 'scalar' && !relaxed;
  const Element = wide ? Int16Array : Int8Array;
  const at = (k.heapBase() + 15) & ~15;
  const qAt = at;
  const wAt = qAt + rows * kPad * Element.BYTES_PER_ELEMENT;
  const accAt = wAt + n * kPad * Element.BYTES_PER_ELEMENT;
  new Element(memory.buffer, qAt, q.length).set(q);
  new Element(memory.buffer, wAt, w.length).set(w);
  k.int8Gemm(accAt, qAt, wAt, rows, n, kPad, relaxed ? 1 : 0);
  const got = Array.from(new Int32Array(memory.buffer, accAt, rows * n));
  const exact = Array.from({ length: rows * n }, (_, i) => {
    const r = Math.floor(i / n);
    const j = i % n;
    let sum = 0;
    for (let p = 0; p < kPad; p++) sum += q[r * kPad + p] * w[j * kPad + p];
    return sum;
  });
  return { got, exact };
}

describe('int8 GEMM kernels', () => {
  const shapes = [[1, 1, 16], [1, 10, 784 + 16 - (784 % 16)], [2, 4, 32], [3, 5, 48], [7, 13, 144], [64, 10, 128]];
  const kernels = [['scalar', false], ['simd', false], ...(supportedKernelVariants().includes('relaxed-simd') ? [['relaxed-simd', false]] : [])] as const;
  it.each(kernels)('%s build, portable path: exact integer sums for every tile shape (one row, odd rows, tails)', async (variant) => {
    for (const [rows, n, kPad] of shapes) {
      const { got, exact } = await gemm(variant, false, rows, n, kPad, rows * 31 + n);
      expect(got).toEqual(exact);
    }
  });

  it('the relaxed dot, where this engine runs it exactly, gives the same sums; the probe picks it exactly then', async () => {
    if (!supportedKernelVariants().includes('relaxed-simd')) return;
    const results = await Promise.all(shapes.map(([rows, n, kPad]) => gemm('relaxed-simd', true, rows, n, kPad, rows * 31 + n)));
    const exact = results.every((r) => r.got.every((v, i) => v === r.exact[i]));
    setKernelVariant('relaxed-simd');
    const net = await MLP.create({ layers: [20, 9, 3], activations: ['relu', 'linear'], seed: 1 });
    const predictor = await Predictor.load(net.quantize({ weights: 'int8' }));
    expect(predictor.quantization?.kernel).toBe(exact ? 'relaxed-dot' : 'dot-i16x8');
    // Node 24 ships the relaxed dot, and it is exact on x86 and ARM for 7-bit operands.
    if (Number(process.versions.node.split('.')[0]) >= 22) expect(predictor.quantization?.kernel).toBe('relaxed-dot');
    setKernelVariant('auto');
  });
});

describe('the kernel choice never changes an output', () => {
  it('scalar, dot-i16x8 and (where it runs) relaxed-dot predictions are bit-identical', async () => {
    const spec = { layers: [37, 24, 17, 4], activations: ['relu', 'tanh', 'softmax'] as const, loss: 'cross-entropy' as const };
    const net = await MLP.create({ ...spec, activations: [...spec.activations], seed: 9 });
    const { X, Y } = randomData({ ...spec, activations: [...spec.activations] }, 65, 4);
    net.fit(X, Y, { epochs: 2, batchSize: 13, learningRate: 0.05 });
    const bytes = net.quantize({ weights: 'int8' });
    const input = Float32Array.from(X);
    const outputs: Record<string, number[]> = {};
    for (const variant of supportedKernelVariants()) {
      setKernelVariant(variant);
      const predictor = await Predictor.load(bytes);
      outputs[predictor.quantization!.kernel!] = bits(predictor.predict(input) as Float32Array);
    }
    setKernelVariant('auto');
    const kinds = Object.keys(outputs);
    expect(kinds).toContain('scalar');
    expect(kinds).toContain('dot-i16x8');
    for (const kind of kinds) expect(outputs[kind]).toEqual(outputs.scalar);
  });
});

describe("Node 20 with --experimental-wasm-relaxed-simd (the flagged relaxed dot is wrong there)", () => {
  it.runIf(process.versions.node.startsWith('20.'))('the probe rejects it: the relaxed-simd build runs the portable kernel, with the same outputs', () => {
    const script = `
      import { MLP, kernelVariant } from './dist/index.js';
      import { Predictor } from './dist/inference/index.js';
      const net = await MLP.create({ layers: [20, 9, 3], activations: ['relu', 'linear'], seed: 1 });
      const bytes = net.quantize({ weights: 'int8' });
      const p = await Predictor.load(bytes);
      const x = new Float32Array(40).map((_, i) => Math.sin(i));
      console.log(JSON.stringify({ variant: kernelVariant(), kernel: p.quantization.kernel, out: Array.from(p.predict(x)) }));`;
    const run = (flags: string[]) => JSON.parse(execFileSync(process.execPath, [...flags, '--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' }));
    const flagged = run(['--experimental-wasm-relaxed-simd']);
    const plain = run([]);
    expect(flagged.variant).toBe('relaxed-simd');
    expect(flagged.kernel).toBe('dot-i16x8');
    expect(plain.kernel).toBe('dot-i16x8');
    expect(flagged.out).toEqual(plain.out);
  }, 30_000);
});
