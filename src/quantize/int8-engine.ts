// The forward pass of an int8 model with dynamic activations, in the inference build's memory:
// per layer quantizeRows, int8Gemm and int8Epilogue (assembly/inference-int8.ts). The relaxed dot
// runs only where a probe at load finds that it returns the exact sums on this engine (Node 20's
// flagged build returns twice the dot and drops the accumulator); elsewhere the portable
// i16x8 dot does. Both give equal sums, so the choice never changes a result.
import type { ForwardEngine } from '../engine/predict.js';
import { parameterLayout } from '../model/layout.js';
import { readBlocks } from '../wasm/blocks.js';
import { kernelVariant } from '../wasm/variants.js';
import { inferenceModule } from '../wasm/inference-loader.js';
import type { QuantizedModel } from './model.js';

/**
 * The int8 GEMM a model runs on: 'relaxed-dot' (i32x4.relaxed_dot_i8x16_i7x16_add_s, probed),
 * 'dot-i16x8' (i32x4.dot_i16x8_s on operands widened to 16 bits) or 'scalar' (engines without SIMD).
 */
export type Int8Kernel = 'relaxed-dot' | 'dot-i16x8' | 'scalar';

interface Int8Exports {
  heapBase(): number;
  quantizeRows(x: number, rows: number, k: number, q: number, kPad: number, scales: number, zeros: number, wide: number): void;
  int8Gemm(acc: number, q: number, w: number, rows: number, n: number, kPad: number, relaxed: number): void;
  int8Epilogue(z: number, a: number, acc: number, rows: number, n: number, rowScales: number, rowZeros: number, weightScales: number, weightSums: number, bias: number, activation: number): void;
  int8RelaxedBuild(): number;
  firstNonFinite(values: number, len: number): number;
}

/** An engine that only predicts, and the kernel it chose. */
export interface Int8Engine extends ForwardEngine {
  readonly kernel: Int8Kernel;
}

const PAGE = 65536;
const align = (n: number) => (n + 15) & ~15;
/** The kernels read rows of q and W 16 bytes at a time. */
const pad16 = (k: number) => (k + 15) & ~15;

/** Lays out the model's layers in a fresh instance of the float32 inference build, probes its relaxed dot, and returns the engine. */
export async function createInt8Engine(model: QuantizedModel): Promise<Int8Engine> {
  const variant = kernelVariant();
  const module = await inferenceModule('float32', variant);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const k = instance.exports as unknown as Int8Exports;
  const blocks = readBlocks(module, instance.exports);
  const kernel: Int8Kernel = variant === 'scalar' ? 'scalar' : relaxedDotWorks(k, memory) ? 'relaxed-dot' : 'dot-i16x8';
  // The portable kernel reads 16-bit operands: weights widened here, once, activations as they are quantized.
  const wide = kernel === 'dot-i16x8' ? 1 : 0;
  const Weights = wide ? Int16Array : Int8Array;
  let top = align(k.heapBase());
  const reserveBytes = (bytes: number) => {
    const at = top;
    top = align(top + bytes);
    if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / PAGE));
    return at;
  };
  const layers = model.layers.map((layer) => {
    const kPad = pad16(layer.inputs);
    const n = layer.outputs;
    const w = reserveBytes(n * kPad * Weights.BYTES_PER_ELEMENT);
    const scales = reserveBytes(4 * n);
    const sums = reserveBytes(4 * n);
    const bias = reserveBytes(4 * n);
    const weights = new Weights(memory.buffer, w, n * kPad);
    const sumView = new Int32Array(memory.buffer, sums, n);
    for (let j = 0; j < n; j++) {
      const row = (layer.weight as Int8Array).subarray(j * layer.inputs, (j + 1) * layer.inputs);
      weights.set(row, j * kPad);
      // Σₖ w: the zero-point correction of every row's sums (acc − zp·Σw).
      sumView[j] = row.reduce((s, v) => s + v, 0);
    }
    new Float32Array(memory.buffer, scales, n).set(layer.scale!);
    new Float32Array(memory.buffer, bias, n).set(layer.bias);
    return { k: layer.inputs, kPad, n, w, scales, sums, bias, activation: blocks.activationCode(layer.activation) };
  });
  const relaxed = kernel === 'relaxed-dot' ? 1 : 0;
  const constantsEnd = top;
  const layout = parameterLayout(model.architecture);
  const inputs = layout.inputSize;
  const widest = Math.max(...layers.map((l) => l.n));
  const widestInput = Math.max(...layers.map((l) => l.kPad));
  let capacity = 0;
  let batch = { x: 0, q: 0, rowScales: 0, rowZeros: 0, acc: 0, z: [] as number[], a: [] as number[] };
  let views = { rows: -1, buffer: memory.buffer, x: new Float32Array(0), out: new Float32Array(0) };
  const staged = (rows: number) => {
    if (views.rows !== rows || views.buffer !== memory.buffer) {
      views = { rows, buffer: memory.buffer, x: new Float32Array(memory.buffer, batch.x, rows * inputs), out: new Float32Array(memory.buffer, batch.a[layers.length - 1], rows * layout.outputSize) };
    }
    return views;
  };
  return {
    kernel,
    layout,
    reserve(rows) {
      if (rows <= capacity) return;
      top = constantsEnd;
      batch = {
        x: reserveBytes(4 * rows * inputs), q: reserveBytes(rows * widestInput * Weights.BYTES_PER_ELEMENT), rowScales: reserveBytes(4 * rows), rowZeros: reserveBytes(4 * rows), acc: reserveBytes(4 * rows * widest),
        z: layers.map((l) => reserveBytes(4 * rows * l.n)), a: layers.map((l) => reserveBytes(4 * rows * l.n)),
      };
      capacity = rows;
      views.rows = -1;
    },
    inputBuffer: (rows) => staged(rows).x,
    outputBuffer: (rows) => staged(rows).out,
    inputNonFinite: (rows) => k.firstNonFinite(batch.x, rows * inputs),
    forward(rows) {
      let input = batch.x;
      layers.forEach((l, i) => {
        k.quantizeRows(input, rows, l.k, batch.q, l.kPad, batch.rowScales, batch.rowZeros, wide);
        k.int8Gemm(batch.acc, batch.q, l.w, rows, l.n, l.kPad, relaxed);
        k.int8Epilogue(batch.z[i], batch.a[i], batch.acc, rows, l.n, batch.rowScales, batch.rowZeros, l.scales, l.sums, l.bias, l.activation);
        input = batch.a[i];
      });
    },
    dispose() {
      // The instance and its memory are this engine's alone: they go with it (Predictor drops it).
    },
  };
}

const PROBE = { rows: 3, n: 5, kPad: 48 };
const PROBE_BYTES = PROBE.rows * PROBE.kPad + PROBE.n * PROBE.kPad + 4 * PROBE.rows * PROBE.n;

/**
 * Runs the relaxed GEMM on a case with known sums: 3 rows (a tile and an odd row) by 5 outputs
 * (a tile and a tail) over 3 vectors of k, so that a dot that ignores its accumulator, doubles,
 * or reads the 7-bit operand's range otherwise shows. True only when every sum is exact.
 */
function relaxedDotWorks(k: Int8Exports, memory: WebAssembly.Memory): boolean {
  if (!k.int8RelaxedBuild()) return false;
  const { rows, n, kPad } = PROBE;
  // Before anything else is laid out: the probe's operands sit where the layers will.
  const at = (k.heapBase() + 15) & ~15;
  if (at + PROBE_BYTES > memory.buffer.byteLength) memory.grow(Math.ceil((at + PROBE_BYTES - memory.buffer.byteLength) / PAGE));
  const q = new Uint8Array(memory.buffer, at, rows * kPad);
  const w = new Int8Array(memory.buffer, at + q.length, n * kPad);
  const acc = at + q.length + w.length;
  // Both operands' extremes: q ∈ [0, 127], w ∈ [−127, 127].
  q.forEach((_, i) => (q[i] = i % 7 === 0 ? 127 : (i * 29 + 3) % 128));
  w.forEach((_, i) => (w[i] = i % 5 === 0 ? -127 : ((i * 53) % 255) - 127));
  k.int8Gemm(acc, at, at + q.length, rows, n, kPad, 1);
  const sums = new Int32Array(memory.buffer, acc, rows * n);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < n; j++) {
      let expected = 0;
      for (let p = 0; p < kPad; p++) expected += q[r * kPad + p] * w[j * kPad + p];
      if (sums[r * n + j] !== expected) return false;
    }
  }
  return true;
}
