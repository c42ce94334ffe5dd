// The divergence guards of assembly/health.ts in TypeScript: x·0 is 0 for every finite x and
// NaN for NaN or ±Infinity.

import type { FloatArray } from '../model/options.js';

/** True when θ − η·∇θ is finite everywhere, in θ's own precision. */
export function updateIsFinite(params: FloatArray, grads: FloatArray, learningRate: number): boolean {
  const round = params instanceof Float32Array ? Math.fround : (v: number) => v;
  let probe = 0;
  for (let i = 0; i < params.length; i++) probe += round(params[i] - learningRate * grads[i]) * 0;
  return probe === 0;
}

/** Index of the first non-finite value, or −1. */
export function firstNonFinite(values: FloatArray): number {
  for (let i = 0; i < values.length; i++) if (values[i] - values[i] !== 0) return i;
  return -1;
}
