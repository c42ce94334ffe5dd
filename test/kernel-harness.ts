// Direct access to one compiled kernel build over its own memory, for kernel-level tests.
import { readFileSync } from 'node:fs';
import type { DType } from '../src/index.js';
import type { KernelVariant } from '../src/wasm/loader.js';
import type { Kernels } from '../src/wasm/engine.js';

/** The kernel exports, as the compiler declares them. */
export type KernelExports = Kernels;

export interface Buffer {
  ptr: number;
  view(): Float32Array | Float64Array;
}

/** The threaded builds' other imports: a clock and a wait, which no kernel a test calls uses. */
const THREAD_IMPORTS = { now: () => performance.now(), wait32: () => 0 };

/**
 * Instantiates a build with a bump allocator. Each buffer is followed by 64 bytes of NaN, so
 * a kernel that lets its permitted over-read leak into a result is caught. `threads`: the
 * variant's threaded build (the same kernels compiled with atomics, over shared memory).
 */
export function loadBuild(dtype: DType, variant: KernelVariant, threads = false) {
  const file = new URL(`../src/wasm/build/mlp.${dtype === 'float64' ? 'f64' : 'f32'}.${variant}${threads ? '.threads' : ''}.wasm`, import.meta.url);
  // The threaded builds import shared memory with the maximum they declare.
  const memory = new WebAssembly.Memory(threads ? { initial: 16, maximum: 65536, shared: true } : { initial: 16 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), { env: { memory, ...(threads ? THREAD_IMPORTS : {}) } });
  const k = instance.exports as unknown as KernelExports;
  const Float = dtype === 'float64' ? Float64Array : Float32Array;
  let top = Math.ceil(k.heapBase() / 64) * 64;
  function buffer(values: ArrayLike<number>): Buffer {
    const ptr = top;
    const bytes = values.length * Float.BYTES_PER_ELEMENT;
    top += Math.ceil((bytes + 64) / 64) * 64 + 64;
    if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536));
    new Float(memory.buffer, ptr, values.length).set(values);
    new Float(memory.buffer, ptr + bytes, 64 / Float.BYTES_PER_ELEMENT).fill(NaN);
    return { ptr, view: () => new Float(memory.buffer, ptr, values.length) };
  }
  return { k, buffer, Float, memory };
}
