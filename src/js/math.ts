// The math of a dense network in plain TypeScript: the readable specification that the
// AssemblyScript kernels (assembly/) implement and are tested against. Operation order
// mirrors the kernels so float64 results agree to rounding.

import type { Activation, FloatArray, Loss } from '../model/options.js';
import { LEAKY_SLOPE, activationRecord, slopeFromZ } from '../registry/activations.js';
import { lossRecord } from '../registry/losses.js';
import { roundingOf } from '../core/rounding.js';

export { LEAKY_SLOPE, slopeFromZ };

/** The reference act(z) and act'(z) of an activation whose slope is taken from z. */
function fromZ(kind: Activation): { value: (z: number) => number; slope: (z: number) => number } {
  const reference = activationRecord(kind).reference;
  if (!reference) throw new Error(`internal: the activation '${kind}' has the slope-from-z flag but no reference function in its record`);
  return reference;
}

/** out[m×n] = x[m×k] · w[n×k]ᵀ + bias[n]. */
export function denseForward(out: FloatArray, x: FloatArray, w: FloatArray, bias: FloatArray, m: number, n: number, k: number): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum += x[i * k + p] * w[j * k + p];
      out[i * n + j] = sum + bias[j];
    }
  }
}

/** gradW[n×k] = δ[m×n]ᵀ · x[m×k]; gradB[n] = Σ_i δ[i]. δ already carries the 1/batch. */
export function weightGradient(gradW: FloatArray, gradB: FloatArray, delta: FloatArray, x: FloatArray, m: number, n: number, k: number): void {
  gradW.fill(0, 0, n * k);
  gradB.fill(0, 0, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const d = delta[i * n + j];
      gradB[j] += d;
      for (let p = 0; p < k; p++) gradW[j * k + p] += d * x[i * k + p];
    }
  }
}

/** dx[m×k] = δ[m×n] · w[n×k]: the gradient reaching the layer's input. */
export function inputGradient(dx: FloatArray, delta: FloatArray, w: FloatArray, m: number, n: number, k: number): void {
  dx.fill(0, 0, m * k);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const d = delta[i * n + j];
      for (let p = 0; p < k; p++) dx[i * k + p] += d * w[j * k + p];
    }
  }
}

export function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** a = act(z) for `rows` rows of `cols` values. */
export function activate(kind: Activation, a: FloatArray, z: FloatArray, rows: number, cols: number): void {
  const len = rows * cols;
  if (slopeFromZ(kind)) {
    const value = fromZ(kind).value;
    for (let i = 0; i < len; i++) a[i] = value(z[i]);
    return;
  }
  switch (kind) {
    case 'linear': for (let i = 0; i < len; i++) a[i] = z[i]; break;
    case 'relu': for (let i = 0; i < len; i++) a[i] = z[i] > 0 ? z[i] : 0; break;
    case 'leaky-relu': for (let i = 0; i < len; i++) a[i] = z[i] > 0 ? z[i] : z[i] * LEAKY_SLOPE; break;
    case 'sigmoid': for (let i = 0; i < len; i++) a[i] = sigmoid(z[i]); break;
    case 'tanh': for (let i = 0; i < len; i++) a[i] = Math.tanh(z[i]); break;
    case 'softmax':
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        let max = z[o];
        for (let j = 1; j < cols; j++) max = Math.max(max, z[o + j]);
        let sum = 0;
        for (let j = 0; j < cols; j++) sum += a[o + j] = Math.exp(z[o + j] - max);
        const inv = 1 / sum;
        for (let j = 0; j < cols; j++) a[o + j] *= inv;
      }
      break;
  }
}

/**
 * slopes ← act'(z) for the activations that `slopeFromZ` (GELU, SiLU, …): their derivative
 * cannot be recovered from a = act(z). `slopes` may be z itself.
 */
export function storeSlopes(kind: Activation, slopes: FloatArray, z: FloatArray, len: number): void {
  const slope = fromZ(kind).slope;
  for (let i = 0; i < len; i++) slopes[i] = slope(z[i]);
}

/**
 * δ ← δ ⊙ act'(z), written with a = act(z) (softmax uses its Jacobian), or for the
 * activations that `slopeFromZ` with the slopes act'(z) from `storeSlopes` in place of a.
 */
export function activationBackward(kind: Activation, delta: FloatArray, a: FloatArray, rows: number, cols: number): void {
  const len = rows * cols;
  if (slopeFromZ(kind)) {
    for (let i = 0; i < len; i++) delta[i] = delta[i] * a[i];
    return;
  }
  switch (kind) {
    case 'linear': break;
    case 'relu': for (let i = 0; i < len; i++) if (!(a[i] > 0)) delta[i] = 0; break;
    case 'leaky-relu': for (let i = 0; i < len; i++) if (!(a[i] > 0)) delta[i] *= LEAKY_SLOPE; break;
    case 'sigmoid': for (let i = 0; i < len; i++) delta[i] = delta[i] * a[i] * (1 - a[i]); break;
    case 'tanh': for (let i = 0; i < len; i++) delta[i] = delta[i] * (1 - a[i] * a[i]); break;
    case 'softmax':
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        let dot = 0;
        for (let j = 0; j < cols; j++) dot += delta[o + j] * a[o + j];
        for (let j = 0; j < cols; j++) delta[o + j] = a[o + j] * (delta[o + j] - dot);
      }
      break;
  }
}

export { roundingOf };

/** Mean loss from the output layer's logits z, activations a and targets y; `parameter` is huber's δ or smooth-l1's β. */
export function lossValue(kind: Loss, z: FloatArray, a: FloatArray, y: FloatArray, rows: number, cols: number, parameter = 0): number {
  return lossRecord(kind).reference.value(z, a, y, rows, cols, parameter);
}

/**
 * δ = ∂L/∂z of the output layer, written into `delta` (which may be z's buffer). `slopes` is
 * act'(z) for output activations that `slopeFromZ` (it may be `delta` itself). A loss fused
 * with its output activation gives ∂L/∂z itself; any other goes through the activation.
 */
export function outputDelta(kind: Loss, activation: Activation, delta: FloatArray, a: FloatArray, y: FloatArray, rows: number, cols: number, slopes: FloatArray, parameter = 0): void {
  const record = lossRecord(kind);
  record.reference.gradient(delta, a, y, rows, cols, parameter);
  if (!record.fusedWith) activationBackward(activation, delta, slopeFromZ(activation) ? slopes : a, rows, cols);
}
