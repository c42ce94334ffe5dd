// Divergence guards: is a loss, a buffer or an SGD update finite? x·0 is 0 for every finite
// x and NaN for NaN or ±Infinity, so one branch-free sum answers for a whole vector.

@inline function at(base: usize, i: i32): usize {
  return base + (<usize>i << alignof<float>());
}

/** True when θ − η·∇θ is finite everywhere: the update can be applied without losing θ. */
export function updateIsFinite(params: usize, grads: usize, len: i32, learningRate: f64): bool {
  const lr = <float>learningRate;
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    // Every training step scans all of θ: lanes at a time, OR-ing masks (no chain of adds).
    const lanes: i32 = 16 / sizeof<float>();
    const zero = v128.splat<float>(0);
    const rate = v128.splat<float>(lr);
    let bad = v128.splat<i32>(0);
    for (; i + lanes <= len; i += lanes) {
      const update = v128.sub<float>(v128.load(at(params, i)), v128.mul<float>(rate, v128.load(at(grads, i))));
      bad = v128.or(bad, v128.ne<float>(v128.mul<float>(update, zero), zero));
    }
    if (v128.any_true(bad)) return false;
  }
  let probe: float = 0;
  for (; i < len; i++) probe += (load<float>(at(params, i)) - lr * load<float>(at(grads, i))) * 0;
  return probe == 0;
}

/**
 * Index of the first non-finite value of a buffer, or −1. Checks every input predict and
 * evaluate stage, so SIMD builds test a vector at a time (v − v ≠ 0 only in lanes holding NaN
 * or ±Infinity) and look lane by lane only inside the vector that failed.
 */
export function firstNonFinite(values: usize, len: i32): i32 {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    const lanes: i32 = 16 / sizeof<float>();
    const zero = v128.splat<float>(0);
    for (; i + lanes <= len; i += lanes) {
      const v = v128.load(at(values, i));
      if (v128.any_true(v128.ne<float>(v128.sub<float>(v, v), zero))) break;
    }
  }
  for (; i < len; i++) {
    const v = load<float>(at(values, i));
    if (v - v != 0) return i;
  }
  return -1;
}
