// Rounding to a network's precision, shared by the js references of the losses, the
// normalizations and the math: apart from src/js/math.ts so that the loss references (which the
// loss records hold, and math.ts reads through them) do not import math.ts back.

type FloatArray = Float32Array | Float64Array;

const same = (v: number) => v;

/**
 * Rounding to an array's precision: Math.fround for a Float32Array, else none. Applied to the
 * terms the wasm kernels compute in float32 that can overflow there (and must here too).
 */
export function roundingOf(a: FloatArray): (v: number) => number {
  return a instanceof Float32Array ? Math.fround : same;
}
