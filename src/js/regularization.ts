// Gradient clipping and inverted dropout in plain TypeScript: the specification of
// assembly/clipping.ts and assembly/dropout.ts.

import type { FloatArray } from '../model/options.js';
import type { Random } from '../core/random.js';

/** g ← clamp(g, −limit, limit) (torch.nn.utils.clip_grad_value_). */
export function clipByValue(grads: FloatArray, limit: number): void {
  for (let i = 0; i < grads.length; i++) grads[i] = Math.min(Math.max(grads[i], -limit), limit);
}

/** g ← g · min(1, maxNorm / (‖g‖₂ + 1e-6)) (torch.nn.utils.clip_grad_norm_); returns ‖g‖₂ before clipping. */
export function clipByNorm(grads: FloatArray, maxNorm: number): number {
  let sum = 0;
  for (let i = 0; i < grads.length; i++) sum += grads[i] * grads[i];
  const norm = Math.sqrt(sum);
  // Rounded to the dtype first, as the float32 kernel multiplies in float32.
  const coefficient = grads instanceof Float32Array ? Math.fround(Math.min(maxNorm / (norm + 1e-6), 1)) : Math.min(maxNorm / (norm + 1e-6), 1);
  for (let i = 0; i < grads.length; i++) grads[i] *= coefficient;
  return norm;
}

/**
 * Inverted dropout: out = a ⊙ mask with mask[i] = 1/(1 − rate) if kept (probability
 * 1 − rate), else 0. One 32-bit draw per unit, u = bits / 2³², kept when u ≥ rate: exactly
 * the wasm kernel's rule, so both backends drop the same units.
 */
export function dropoutForward(out: FloatArray, mask: FloatArray, a: FloatArray, len: number, rate: number, random: Random): void {
  const scale = 1 / (1 - rate);
  for (let i = 0; i < len; i++) {
    mask[i] = random.nextUint32() / 4294967296 >= rate ? scale : 0;
    out[i] = a[i] * mask[i];
  }
}

/** δ ← δ ⊙ mask. */
export function dropoutBackward(delta: FloatArray, mask: FloatArray, len: number): void {
  for (let i = 0; i < len; i++) delta[i] *= mask[i];
}
