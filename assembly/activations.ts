// Activations, forward and backward side by side. Each is its own loop so that the choice
// of activation is made once per layer, never per element. Backward rules of the first six are
// written in terms of the activation's output a = act(z), which is what backpropagation keeps;
// the smooth ones (flag SLOPE_FROM_Z) are not invertible from a, so backpropagation first turns z
// into the slope act'(z) in place (`storeSlopes`) and multiplies δ by it.

import { erf } from './erf';

/**
 * A flag bit of the codes below: the activation's derivative is taken from z (`storeSlopes`),
 * not from a = act(z) (the activation is not invertible from a, or not cheaply).
 */
// @generate constant ACTIVATION_SLOPE_FROM_Z
export const SLOPE_FROM_Z = 0x100;

// Each activation's code; src/registry/activations.ts holds the rest of its record.
// @generate codes activation
export const LINEAR = 0;
export const RELU = 1;
export const LEAKY_RELU = 2;
export const SIGMOID = 3;
export const TANH = 4;
export const SOFTMAX = 5;
export const GELU = 6 | SLOPE_FROM_Z;
export const GELU_TANH = 7 | SLOPE_FROM_Z;
export const SILU = 8 | SLOPE_FROM_Z;
export const ELU = 9 | SLOPE_FROM_Z;
export const SELU = 10 | SLOPE_FROM_Z;
export const SOFTPLUS = 11 | SLOPE_FROM_Z;
export const MISH = 12 | SLOPE_FROM_Z;
export const HARDSWISH = 13 | SLOPE_FROM_Z;

/** True for the activations whose derivative is taken from z (`storeSlopes`), not from a. */
@inline export function slopeFromZ(kind: i32): bool {
  return (kind & SLOPE_FROM_Z) != 0;
}

/** PyTorch's nn.LeakyReLU default negative slope. */
export const LEAKY_SLOPE: float = 0.01;
/** nn.SELU's constants. */
const SELU_ALPHA: f64 = 1.6732632423543772848170429916717;
const SELU_SCALE: f64 = 1.0507009873554804934193349852946;
/** nn.Softplus's default threshold: above it softplus(z) is z. */
const SOFTPLUS_THRESHOLD: f64 = 20;
/** √(2/π) and the cubic coefficient of nn.GELU(approximate='tanh'). */
const GELU_TANH_BETA: f64 = 0.7978845608028654;
const GELU_TANH_KAPPA: f64 = 0.044715;
const SQRT1_2: f64 = 0.7071067811865476;
/** 1/√(2π): the standard normal density's factor. */
const INV_SQRT_2PI: f64 = 0.3989422804014327;

@inline function at(base: usize, i: i32): usize {
  return base + (<usize>i << alignof<float>());
}

/** a[i] = act(z[i]) over a batch of `rows` rows of `cols` values. */
export function activate(kind: i32, a: usize, z: usize, rows: i32, cols: i32): void {
  const len = rows * cols;
  if (kind == LINEAR) {
    if (a != z) memory.copy(a, z, <usize>len << alignof<float>());
  } else if (kind == RELU) {
    for (let i = 0; i < len; i++) {
      const v = load<float>(at(z, i));
      store<float>(at(a, i), v > 0 ? v : 0);
    }
  } else if (kind == LEAKY_RELU) {
    for (let i = 0; i < len; i++) {
      const v = load<float>(at(z, i));
      store<float>(at(a, i), v > 0 ? v : v * LEAKY_SLOPE);
    }
  } else if (kind == SIGMOID) {
    for (let i = 0; i < len; i++) store<float>(at(a, i), sigmoid(load<float>(at(z, i))));
  } else if (kind == TANH) {
    for (let i = 0; i < len; i++) store<float>(at(a, i), <float>fmath.tanh(load<float>(at(z, i))));
  } else if (kind == SOFTMAX) {
    for (let r = 0; r < rows; r++) softmaxRow(at(a, r * cols), at(z, r * cols), cols);
  } else if (kind == GELU) {
    for (let i = 0; i < len; i++) store<float>(at(a, i), <float>gelu(load<float>(at(z, i))));
  } else if (kind == GELU_TANH) {
    for (let i = 0; i < len; i++) store<float>(at(a, i), <float>geluTanh(load<float>(at(z, i))));
  } else if (kind == SILU) {
    for (let i = 0; i < len; i++) store<float>(at(a, i), <float>silu(load<float>(at(z, i))));
  } else if (kind == ELU) {
    for (let i = 0; i < len; i++) store<float>(at(a, i), <float>elu(load<float>(at(z, i))));
  } else if (kind == SELU) {
    for (let i = 0; i < len; i++) store<float>(at(a, i), <float>selu(load<float>(at(z, i))));
  } else if (kind == SOFTPLUS) {
    for (let i = 0; i < len; i++) store<float>(at(a, i), <float>softplus(load<float>(at(z, i))));
  } else if (kind == MISH) {
    for (let i = 0; i < len; i++) store<float>(at(a, i), <float>mish(load<float>(at(z, i))));
  } else if (kind == HARDSWISH) {
    for (let i = 0; i < len; i++) store<float>(at(a, i), <float>hardswish(load<float>(at(z, i))));
  }
}

// The smooth activations and their slopes, each as PyTorch's CPU kernel writes it, in f64
// (float32 networks round the result once).

/** nn.GELU(): z·Φ(z) with the normal CDF from erf. */
@inline function gelu(v: f64): f64 { return v * 0.5 * (1 + erf(v * SQRT1_2)); }
@inline function geluSlope(v: f64): f64 {
  return 0.5 * (1 + erf(v * SQRT1_2)) + v * (Math.exp(-0.5 * v * v) * INV_SQRT_2PI);
}
/** nn.GELU(approximate='tanh'). */
@inline function geluTanh(v: f64): f64 {
  return 0.5 * v * (1 + Math.tanh(GELU_TANH_BETA * (v + GELU_TANH_KAPPA * v * v * v)));
}
@inline function geluTanhSlope(v: f64): f64 {
  const t = Math.tanh(GELU_TANH_BETA * (v + GELU_TANH_KAPPA * v * v * v));
  return 0.5 * (1 + t) + 0.5 * v * ((1 - t * t) * GELU_TANH_BETA * (1 + 3 * GELU_TANH_KAPPA * v * v));
}
/** nn.SiLU: z·σ(z). */
@inline function silu(v: f64): f64 { return v / (1 + Math.exp(-v)); }
@inline function siluSlope(v: f64): f64 {
  const s = 1 / (1 + Math.exp(-v));
  return s * (1 + v * (1 - s));
}
/** nn.ELU(alpha=1). */
@inline function elu(v: f64): f64 { return v > 0 ? v : Math.expm1(v); }
@inline function eluSlope(v: f64): f64 { return v > 0 ? 1 : Math.exp(v); }
/** nn.SELU. */
@inline function selu(v: f64): f64 { return SELU_SCALE * (v > 0 ? v : SELU_ALPHA * Math.expm1(v)); }
@inline function seluSlope(v: f64): f64 { return v > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * Math.exp(v); }
/** nn.Softplus(beta=1, threshold=20): linear above the threshold, where log(1 + e^z) rounds to z. */
@inline function softplus(v: f64): f64 { return v > SOFTPLUS_THRESHOLD ? v : Math.log1p(Math.exp(v)); }
@inline function softplusSlope(v: f64): f64 {
  if (v > SOFTPLUS_THRESHOLD) return 1;
  const e = Math.exp(v);
  return e / (e + 1);
}
/** nn.Mish: z·tanh(softplus(z)), softplus without a threshold as torch's mish. */
@inline function mish(v: f64): f64 { return v * Math.tanh(Math.log1p(Math.exp(v))); }
@inline function mishSlope(v: f64): f64 {
  const s = 1 / (1 + Math.exp(-v));
  const t = Math.tanh(Math.log1p(Math.exp(v)));
  return t + v * s * (1 - t * t);
}

/** nn.Hardswish: z·min(max(z + 3, 0), 6)/6, as torch's CPU kernel orders it. */
@inline function hardswish(v: f64): f64 { return v * min(max(v + 3, 0), 6) / 6; }
/** torch's hardswish_backward: 0 below −3, z/3 + ½ on [−3, 3] (both kinks included), 1 above. */
@inline function hardswishSlope(v: f64): f64 {
  if (v < -3) return 0;
  return v <= 3 ? v / 3 + 0.5 : 1;
}

/** z ← act'(z) in place, for the activations that `slopeFromZ`; backpropagation then multiplies δ by it. */
export function storeSlopes(kind: i32, z: usize, rows: i32, cols: i32): void {
  const len = rows * cols;
  if (kind == GELU) {
    for (let i = 0; i < len; i++) store<float>(at(z, i), <float>geluSlope(load<float>(at(z, i))));
  } else if (kind == GELU_TANH) {
    for (let i = 0; i < len; i++) store<float>(at(z, i), <float>geluTanhSlope(load<float>(at(z, i))));
  } else if (kind == SILU) {
    for (let i = 0; i < len; i++) store<float>(at(z, i), <float>siluSlope(load<float>(at(z, i))));
  } else if (kind == ELU) {
    for (let i = 0; i < len; i++) store<float>(at(z, i), <float>eluSlope(load<float>(at(z, i))));
  } else if (kind == SELU) {
    for (let i = 0; i < len; i++) store<float>(at(z, i), <float>seluSlope(load<float>(at(z, i))));
  } else if (kind == SOFTPLUS) {
    for (let i = 0; i < len; i++) store<float>(at(z, i), <float>softplusSlope(load<float>(at(z, i))));
  } else if (kind == MISH) {
    for (let i = 0; i < len; i++) store<float>(at(z, i), <float>mishSlope(load<float>(at(z, i))));
  } else if (kind == HARDSWISH) {
    for (let i = 0; i < len; i++) store<float>(at(z, i), <float>hardswishSlope(load<float>(at(z, i))));
  }
}

/** Logistic function, evaluated so that exp never overflows. */
@inline export function sigmoid(v: float): float {
  if (v >= 0) return 1 / (1 + <float>fmath.exp(-v));
  const e = <float>fmath.exp(v);
  return e / (1 + e);
}

/** Softmax of one row; subtracting the row maximum keeps exp finite. */
function softmaxRow(a: usize, z: usize, cols: i32): void {
  softmaxSum(a, z, cols);
}

/**
 * Softmax of one row into `a`, returning Σⱼ e^(zⱼ − max) from the same exponentials: the sum
 * cross-entropy's logsumexp takes, bit for bit, so a training step can take both from one pass
 * (assembly/losses.ts crossEntropyTerms). No log here: the forward-only builds would carry it.
 */
export function softmaxSum(a: usize, z: usize, cols: i32): float {
  const max = rowMax(z, cols);
  let sum: float = 0;
  for (let j = 0; j < cols; j++) {
    const e = <float>fmath.exp(load<float>(at(z, j)) - max);
    store<float>(at(a, j), e);
    sum += e;
  }
  const inv: float = 1 / sum;
  for (let j = 0; j < cols; j++) store<float>(at(a, j), load<float>(at(a, j)) * inv);
  return sum;
}

/** The largest value of a row, in order from its first (softmax and logsumexp alike). */
@inline export function rowMax(z: usize, cols: i32): float {
  let max = load<float>(z);
  for (let j = 1; j < cols; j++) max = <float>fmath.max(max, load<float>(at(z, j)));
  return max;
}

/**
 * delta ← ∂L/∂z from delta = ∂L/∂a, using a = act(z), or for the activations that
 * `slopeFromZ` the slopes act'(z) that `storeSlopes` left in place of a. In place.
 */
export function activationBackward(kind: i32, delta: usize, a: usize, rows: i32, cols: i32): void {
  const len = rows * cols;
  if (slopeFromZ(kind)) {
    for (let i = 0; i < len; i++) store<float>(at(delta, i), load<float>(at(delta, i)) * load<float>(at(a, i)));
  } else if (kind == RELU) {
    // The worked example's convention (and PyTorch's): g'(z) = 0 at z ≤ 0.
    for (let i = 0; i < len; i++) {
      if (!(load<float>(at(a, i)) > 0)) store<float>(at(delta, i), 0);
    }
  } else if (kind == LEAKY_RELU) {
    for (let i = 0; i < len; i++) {
      if (!(load<float>(at(a, i)) > 0)) store<float>(at(delta, i), load<float>(at(delta, i)) * LEAKY_SLOPE);
    }
  } else if (kind == SIGMOID) {
    for (let i = 0; i < len; i++) {
      const v = load<float>(at(a, i));
      store<float>(at(delta, i), load<float>(at(delta, i)) * v * (1 - v));
    }
  } else if (kind == TANH) {
    for (let i = 0; i < len; i++) {
      const v = load<float>(at(a, i));
      store<float>(at(delta, i), load<float>(at(delta, i)) * (1 - v * v));
    }
  } else if (kind == SOFTMAX) {
    // Jacobian-vector product of softmax: δz = a ⊙ (δa − Σ δa·a), row by row.
    for (let r = 0; r < rows; r++) {
      const dRow = at(delta, r * cols);
      const aRow = at(a, r * cols);
      let dot: float = 0;
      for (let j = 0; j < cols; j++) dot += load<float>(at(dRow, j)) * load<float>(at(aRow, j));
      for (let j = 0; j < cols; j++) {
        store<float>(at(dRow, j), load<float>(at(aRow, j)) * (load<float>(at(dRow, j)) - dot));
      }
    }
  }
  // LINEAR: derivative 1, nothing to do.
}
