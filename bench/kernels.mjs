// Raw access to the kernel exports over a fresh memory, for the GEMM-shape benchmarks.
import { readFileSync } from 'node:fs';

const ALIGN = 64;
/** Instantiates one build (dtype 'f32'|'f64', variant) with its own memory and a bump allocator. */
export function loadKernels(dtype, variant, dir = new URL('../src/wasm/build/', import.meta.url)) {
  const bytes = readFileSync(new URL(`mlp.${dtype}.${variant}.wasm`, dir));
  const memory = new WebAssembly.Memory({ initial: 1 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
  const k = instance.exports;
  const Float = dtype === 'f64' ? Float64Array : Float32Array;
  let top = Math.ceil(k.heapBase() / ALIGN) * ALIGN;
  /** A matrix of `count` floats filled by `fill(i)`, with slack for the kernels' over-reads. */
  function matrix(count, fill = () => 0) {
    const at = top;
    top += Math.ceil((count * Float.BYTES_PER_ELEMENT + 64) / ALIGN) * ALIGN;
    const need = top - memory.buffer.byteLength;
    if (need > 0) memory.grow(Math.ceil(need / 65536));
    const view = () => new Float(memory.buffer, at, count);
    const v = view();
    for (let i = 0; i < count; i++) v[i] = fill(i);
    return { ptr: at, view };
  }
  return { k, matrix, Float };
}
