// The activations whose slope is taken from z (GELU, SiLU, ELU, SELU, softplus, Mish, hardswish) and their slopes act'(z), as
// PyTorch's CPU kernels write them, in float64: the specification of assembly/activations.ts
// and assembly/erf.ts, operation for operation. Each function is self-contained (constants
// written in place) so that `toFunction` can embed its source as is.

/** erf(x) to about 1e-15 relative: a positive-term series below 3, a continued fraction of erfc from 3 to 6, ±1 beyond. */
export function erf(x: number): number {
  const t = Math.abs(x);
  // erfc(6) ≈ 2e-17 is below half an ulp of 1.
  if (t >= 6) return x > 0 ? 1 : x < 0 ? -1 : x;
  if (t < 3) {
    // 2/√π · x·e^(−x²) · Σ (2x²)^n / (1·3·…·(2n+1))
    const twoX2 = 2 * x * x;
    let term = 1;
    let sum = 1;
    for (let n = 1; n < 200; n++) {
      term *= twoX2 / (2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return 1.1283791670955126 * x * Math.exp(-x * x) * sum;
  }
  // erfc(t) = e^(−t²)/√π · 1/(t + (1/2)/(t + 1/(t + (3/2)/(t + …)))), from depth 60 up.
  let fraction = t;
  for (let k = 60; k >= 1; k--) fraction = t + (k * 0.5) / fraction;
  const erfc = (0.5641895835477563 * Math.exp(-t * t)) / fraction;
  return x > 0 ? 1 - erfc : erfc - 1;
}

/** nn.GELU(): z·Φ(z), Φ(z) = (1 + erf(z/√2))/2. */
export function gelu(v: number): number {
  return v * 0.5 * (1 + erf(v * 0.7071067811865476));
}
/** Φ(z) + z·φ(z), φ(z) = e^(−z²/2)/√(2π). */
export function geluSlope(v: number): number {
  return 0.5 * (1 + erf(v * 0.7071067811865476)) + v * (Math.exp(-0.5 * v * v) * 0.3989422804014327);
}
/** nn.GELU(approximate='tanh'): z/2·(1 + tanh(√(2/π)·(z + 0.044715·z³))). */
export function geluTanh(v: number): number {
  return 0.5 * v * (1 + Math.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));
}
export function geluTanhSlope(v: number): number {
  const t = Math.tanh(0.7978845608028654 * (v + 0.044715 * v * v * v));
  return 0.5 * (1 + t) + 0.5 * v * ((1 - t * t) * 0.7978845608028654 * (1 + 3 * 0.044715 * v * v));
}
/** nn.SiLU: z·σ(z). */
export function silu(v: number): number {
  return v / (1 + Math.exp(-v));
}
export function siluSlope(v: number): number {
  const s = 1 / (1 + Math.exp(-v));
  return s * (1 + v * (1 - s));
}
/** nn.ELU(alpha=1). */
export function elu(v: number): number {
  return v > 0 ? v : Math.expm1(v);
}
export function eluSlope(v: number): number {
  return v > 0 ? 1 : Math.exp(v);
}
/** nn.SELU: λ·(z > 0 ? z : α(e^z − 1)), λ ≈ 1.0507, α ≈ 1.6733. */
export function selu(v: number): number {
  return 1.0507009873554805 * (v > 0 ? v : 1.6732632423543772 * Math.expm1(v));
}
export function seluSlope(v: number): number {
  return v > 0 ? 1.0507009873554805 : 1.0507009873554805 * 1.6732632423543772 * Math.exp(v);
}
/** nn.Softplus(beta=1, threshold=20): log(1 + e^z), and z itself above 20. */
export function softplus(v: number): number {
  return v > 20 ? v : Math.log1p(Math.exp(v));
}
export function softplusSlope(v: number): number {
  if (v > 20) return 1;
  const e = Math.exp(v);
  return e / (e + 1);
}
/** nn.Mish: z·tanh(softplus(z)), softplus without a threshold as torch's mish. */
export function mish(v: number): number {
  return v * Math.tanh(Math.log1p(Math.exp(v)));
}
export function mishSlope(v: number): number {
  const s = 1 / (1 + Math.exp(-v));
  const t = Math.tanh(Math.log1p(Math.exp(v)));
  return t + v * s * (1 - t * t);
}

/** nn.Hardswish: z·min(max(z + 3, 0), 6)/6, in torch's CPU kernel's order. */
export function hardswish(v: number): number {
  return v * Math.min(Math.max(v + 3, 0), 6) / 6;
}
/** torch's hardswish_backward: 0 below −3, z/3 + ½ on [−3, 3] (both kinks included), 1 above. */
export function hardswishSlope(v: number): number {
  if (v < -3) return 0;
  return v <= 3 ? v / 3 + 0.5 : 1;
}
