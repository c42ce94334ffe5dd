// This machine's wasm peak, measured in the same run as the GEMMs it is the yardstick for:
// bench/peak.ts compiled here (the AssemblyScript compiler is a dev dependency) for each SIMD
// level and dtype, and timed on operands in L1. Checked before it is timed, like every kernel.
import asc from 'assemblyscript/asc';
import { readFileSync } from 'node:fs';
import './optimized-wasm.mjs';

const SOURCE = readFileSync(new URL('./peak.ts', import.meta.url), 'utf8');
const DEPTH = 256; // A: 6 × 256 floats and B: 256 × 2 vectors, 14 kB in float32: in L1.

/** Compiles the probe for a dtype ('f32'|'f64') and SIMD level ('simd'|'relaxed-simd'). */
async function compileProbe(dtype, level) {
  const { error, binary, stderr } = await asc.compileString({ 'peak.ts': SOURCE }, {
    optimizeLevel: 3, runtime: 'stub', noAssert: true, importMemory: true, initialMemory: 1,
    enable: level === 'relaxed-simd' ? ['simd', 'relaxed-simd'] : ['simd'],
    use: [`float=${dtype}`],
  });
  if (error) throw new Error(`bench/peak.ts (${dtype}, ${level}): ${error.message}\n${stderr}`);
  return binary;
}

/**
 * The probe, checked and ready to time: `run()` performs `flops` floating-point operations.
 * One call's C is checked against a plain JavaScript sum first (exact: every product and partial
 * sum is a multiple of 1/128 well inside float32's range), so a probe that computes nothing
 * cannot set the peak. Time it beside the kernels it is the yardstick for (the same rounds).
 */
export async function peakProbe(dtype, level) {
  const memory = new WebAssembly.Memory({ initial: 2 });
  const { exports: k } = new WebAssembly.Instance(new WebAssembly.Module(await compileProbe(dtype, level)), { env: { memory, abort() { throw new Error('peak probe aborted'); } } });
  const Float = dtype === 'f64' ? Float64Array : Float32Array;
  const lanes = 16 / Float.BYTES_PER_ELEMENT;
  const mr = k.rows();
  const width = 2 * lanes;
  const a = 1024, b = a + mr * DEPTH * Float.BYTES_PER_ELEMENT, c = b + DEPTH * width * Float.BYTES_PER_ELEMENT;
  const A = new Float(memory.buffer, a, mr * DEPTH);
  const B = new Float(memory.buffer, b, DEPTH * width);
  A.forEach((_, i) => { A[i] = ((i * 7) % 13) / 16 - 0.375; });
  B.forEach((_, i) => { B[i] = ((i * 5) % 11) / 8 - 0.625; });
  k.tile(a, b, c, DEPTH, 1);
  const C = new Float(memory.buffer, c, mr * width);
  for (let r = 0; r < mr; r++) {
    for (let j = 0; j < width; j++) {
      let sum = 0;
      for (let p = 0; p < DEPTH; p++) sum += A[r * DEPTH + p] * B[p * width + j];
      if (C[r * width + j] !== sum) throw new Error(`peak probe (${dtype}, ${level}): C[${r}][${j}] = ${C[r * width + j]}, expected ${sum}`);
    }
  }
  const repeats = 64;
  return { name: `peak ${mr}×${width} tile in L1 (${level})`, tile: `${mr}×${width}`, flops: 2 * mr * width * DEPTH * repeats, run: () => k.tile(a, b, c, DEPTH, repeats) };
}
