// Gradient clipping, in place on the flat ∇θ before the optimizer reads it.

/** g ← clamp(g, −limit, limit) (torch.nn.utils.clip_grad_value_). */
export function clipByValue(grads: usize, len: i32, limit: f64): void {
  const hi = <float>limit;
  const lo = -hi;
  for (let i = 0; i < len; i++) {
    const p = grads + (<usize>i << alignof<float>());
    store<float>(p, min(max(load<float>(p), lo), hi));
  }
}

/**
 * g ← g · min(1, maxNorm / (‖g‖₂ + 1e-6)) (torch.nn.utils.clip_grad_norm_); returns ‖g‖₂
 * before clipping. The sum of squares runs in f64 in both dtypes so it cannot overflow.
 */
export function clipByNorm(grads: usize, len: i32, maxNorm: f64): f64 {
  const norm = gradientNorm(grads, len);
  scaleGradients(grads, len, clipCoefficient(norm, maxNorm));
  return norm;
}

/** ‖g‖₂, summed in index order (one sum: threads leave it to one thread, assembly/parallel.ts). */
export function gradientNorm(grads: usize, len: i32): f64 {
  let sum: f64 = 0;
  for (let i = 0; i < len; i++) {
    const g = <f64>load<float>(grads + (<usize>i << alignof<float>()));
    sum += g * g;
  }
  return Math.sqrt(sum);
}

/** The factor clip_grad_norm_ scales by. */
export function clipCoefficient(norm: f64, maxNorm: f64): f64 {
  return min(maxNorm / (norm + 1e-6), 1.0);
}

/** g ← g · coefficient (rounded once to the dtype). */
export function scaleGradients(grads: usize, len: i32, coefficient: f64): void {
  const c = <float>coefficient;
  for (let i = 0; i < len; i++) {
    const p = grads + (<usize>i << alignof<float>());
    store<float>(p, load<float>(p) * c);
  }
}
