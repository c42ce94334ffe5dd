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

/** ‖g‖₂, summed in index order in f64 so it cannot overflow (one sum, so one thread takes it). */
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
