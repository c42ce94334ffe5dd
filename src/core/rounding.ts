// Rounding to a network's precision, shared by the js references the registry's records hold
// (losses, normalizations) and the js engine's math (src/js/math.ts), which sits above them.

import type { FloatArray } from './typed-arrays.js';

const same = (v: number) => v;

/**
 * Rounding to an array's precision: Math.fround for a Float32Array, else none. Applied to the
 * terms the wasm kernels compute in float32 that can overflow there (and must here too).
 */
export function roundingOf(a: FloatArray): (v: number) => number {
  return a instanceof Float32Array ? Math.fround : same;
}
