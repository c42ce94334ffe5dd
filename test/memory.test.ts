// Memory: dispose returns it, training allocates nothing per step, and memory.grow in the
// middle of a session leaves no stale view. Figures are printed so runs can be compared.
import { describe, expect, it } from 'vitest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MLP } from '../src/index.js';
import { maxRelativeError, randomData } from './helpers.js';
import { engineOf } from '../src/api/test-seam.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MiB = 2 ** 20;

function settle(): void {
  for (let i = 0; i < 3; i++) gc();
}

describe('memory', () => {
  it('10,000 create → fit(1 epoch) → dispose cycles keep no network alive: live heap within 8 MiB, resident memory within 128 MiB', async () => {
    const cycles = Number(process.env.MEMORY_CYCLES ?? 10_000);
    const X = Array.from({ length: 64 }, (_, i) => [Math.sin(i), Math.cos(i), i / 64, 1]);
    const Y = X.map((r) => [r[0] * r[1]]);
    const cycle = async (i: number) => {
      const net = await MLP.create({ layers: [4, 16, 1], activations: ['tanh', 'linear'], seed: i });
      net.fit(X, Y, { epochs: 1, batchSize: 16 });
      net.dispose();
    };
    for (let i = 0; i < 200; i++) await cycle(i); // warm-up: compiled code, caches
    settle();
    const startHeap = process.memoryUsage().heapUsed;
    const start = process.memoryUsage().rss;
    let peak = start;
    const began = performance.now();
    for (let i = 0; i < cycles; i++) {
      await cycle(i);
      if (i % 500 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    settle();
    const end = process.memoryUsage().rss;
    console.log(`${cycles} cycles in ${((performance.now() - began) / 1000).toFixed(1)} s: RSS ${(start / MiB).toFixed(1)} → ${(end / MiB).toFixed(1)} MiB (peak ${(peak / MiB).toFixed(1)} MiB)`);
    // Each network's memory is 64 KiB or more and its engine several KiB of JS heap: 10,000 kept
    // alive would be over 600 MiB of RSS and tens of MiB of live heap. Node 24's V8 keeps a larger
    // heap reserve after this much churn (heapTotal ≈ 72 MiB where Node 20 keeps ≈ 38 MiB, with
    // the same ≈ 5 MiB live), so RSS is bounded well below a leak, and the live heap tightly.
    // Node 24's RSS growth here read 81–87 MiB alone and 85–134 MiB beside the rest of the suite
    // (freed wasm memories are returned to the system lazily), hence its looser bound.
    const rssBound = Number(process.versions.node.split('.')[0]) >= 22 ? 256 : 128;
    expect(process.memoryUsage().heapUsed - startHeap).toBeLessThan(8 * MiB);
    expect(end - start).toBeLessThan(rssBound * MiB);
    expect(peak - start).toBeLessThan((rssBound + 64) * MiB);
  }, 120_000);

  it.each(['wasm', 'js'] as const)('100,000 training steps on %s allocate nothing that stays: wasm memory unchanged, JS heap within 1 MiB', async (backend) => {
    const net = await MLP.create({ layers: [8, 32, 4], activations: ['relu', 'linear'], backend, seed: 2 });
    const X = new Float32Array(16 * 8).map((_, i) => Math.sin(i));
    const Y = new Float32Array(16 * 4).map((_, i) => Math.cos(i));
    net.step(X, Y, { learningRate: 1e-3 });
    net.fit(X, Y, { epochs: 1, batchSize: 8, learningRate: 1e-3 });
    settle();
    const bytes = net.memoryBytes;
    const heap = process.memoryUsage().heapUsed;
    for (let i = 0; i < 50_000; i++) net.step(X, Y, { learningRate: 1e-3 }); // 50,000 steps one call each
    net.fit(X, Y, { epochs: 25_000, batchSize: 8, learningRate: 1e-3, shuffle: true }); // 50,000 more inside fit
    settle();
    const heapGrowth = process.memoryUsage().heapUsed - heap;
    console.log(`${backend}: network memory ${bytes} → ${net.memoryBytes} bytes; JS heap ${(heapGrowth / 1024).toFixed(1)} KiB after 100,000 steps`);
    expect(net.memoryBytes).toBe(bytes);
    expect(Math.abs(heapGrowth)).toBeLessThan(MiB);
    expect(Array.from(net.getParameters()).every(Number.isFinite)).toBe(true);
  }, 120_000);

  it.each(['float32', 'float64'] as const)('memory.grow in the middle of a session leaves no stale view (%s): results match the js backend', async (dtype) => {
    const spec = { layers: [8, 16, 3], activations: ['tanh', 'linear'] as const, dtype, seed: 4 };
    const wasm = await MLP.create({ ...spec, activations: [...spec.activations] });
    const js = await MLP.create({ ...spec, activations: [...spec.activations], backend: 'js' });
    const small = Float64Array.from({ length: 4 * 8 }, (_, i) => Math.sin(i * 0.37));
    const before = wasm.memoryBytes;
    expect(maxRelativeError(wasm.predict(small) as Float64Array, js.predict(small) as Float64Array)).toBeLessThan(dtype === 'float64' ? 1e-12 : 1e-5);
    // 60,000 samples: about 5.3 MiB (float32) or 10.6 MiB (float64) of dataset, and one batch of
    // them all, so memory grows twice inside one fit call: for the dataset, then for the batch.
    const rows = 60_000;
    const X = Float64Array.from({ length: rows * 8 }, (_, i) => Math.sin(i * 0.011));
    const Y = Float64Array.from({ length: rows * 3 }, (_, i) => Math.cos(i * 0.007));
    const options = { epochs: 2, batchSize: rows, learningRate: 0.05, shuffle: true };
    const hw = wasm.fit(X, Y, options);
    const hj = js.fit(X, Y, options);
    const grown = wasm.memoryBytes;
    console.log(`${dtype}: wasm memory grew from ${(before / MiB).toFixed(2)} to ${(grown / MiB).toFixed(2)} MiB during fit`);
    expect(grown).toBeGreaterThan(before + 8 * rows * (dtype === 'float64' ? 8 : 4));
    const tolerance = dtype === 'float64' ? 1e-12 : 1e-4;
    expect(maxRelativeError(hw.loss, hj.loss)).toBeLessThan(tolerance);
    expect(maxRelativeError(wasm.getParameters(), js.getParameters())).toBeLessThan(tolerance);
    // And views made after the growth read the new buffer.
    expect(maxRelativeError(wasm.predict(X) as Float64Array, js.predict(X) as Float64Array)).toBeLessThan(tolerance);
    expect(maxRelativeError(wasm.gradient(small, Y.subarray(0, 12)), js.gradient(small, Y.subarray(0, 12)))).toBeLessThan(tolerance * 10);
  });
});

// Training must not grow WebAssembly memory once its buffers are laid out: growth would
// detach every typed-array view (and, with threads, cost a reallocation per step).

describe('no growth while training', () => {
  it('fit lays out its data once: the memory buffer stays the same object through every epoch', async () => {
    const spec = { layers: [20, 33, 10], activations: ['relu', 'softmax'] as const, loss: 'cross-entropy' as const };
    const net = await MLP.create({ ...spec, activations: [...spec.activations], seed: 3 });
    const { X, Y } = randomData({ ...spec, activations: [...spec.activations] }, 300, 1);
    const buffers: ArrayBufferLike[] = [];
    net.fit(X, Y, { epochs: 6, batchSize: 17, onEpochEnd: () => { buffers.push(engineOf(net).parameters().buffer); } });
    expect(buffers).toHaveLength(6);
    expect(new Set(buffers).size).toBe(1);
    expect(buffers[0].byteLength).toBeGreaterThan(0);
    net.dispose();
  });

  it('repeated steps of one batch size neither grow memory nor re-make the staging views', async () => {
    const net = await MLP.create({ layers: [2, 1, 1], activations: ['relu', 'linear'] });
    const X = [[2, 1], [-3, 2]];
    const Y = [[1.3], [1.9]];
    net.step(X, Y);
    const engine = engineOf(net);
    const buffer = engine.parameters().buffer;
    const staging = engine.inputBuffer(2);
    for (let i = 0; i < 1000; i++) net.step(X, Y);
    expect(engine.parameters().buffer).toBe(buffer);
    expect(engine.inputBuffer(2)).toBe(staging);
    net.dispose();
  });

});
