// The error function in f64, for the exact GELU (AssemblyScript's Math has no erf). Mirrored
// operation for operation by src/js/erf.ts, the reference the kernels are tested against.

const TWO_OVER_SQRT_PI: f64 = 1.1283791670955126;
const ONE_OVER_SQRT_PI: f64 = 0.5641895835477563;

/** erf(x) to about 1e-15 relative: a series where it converges fast, a continued fraction of erfc beyond. */
export function erf(x: f64): f64 {
  const t = Math.abs(x);
  // erfc(6) ≈ 2e-17 is below half an ulp of 1: erf rounds to ±1 from there on (and for ±Infinity).
  if (t >= 6) return x > 0 ? 1 : x < 0 ? -1 : x;
  if (t < 3) {
    // erf(x) = 2/√π · x·e^(−x²) · Σ (2x²)^n / (1·3·…·(2n+1)): every term is positive, so the
    // sum loses nothing to cancellation.
    const twoX2 = 2 * x * x;
    let term: f64 = 1;
    let sum: f64 = 1;
    for (let n = 1; n < 200; n++) {
      term *= twoX2 / <f64>(2 * n + 1);
      sum += term;
      if (term < 1e-17 * sum) break;
    }
    return TWO_OVER_SQRT_PI * x * Math.exp(-x * x) * sum;
  }
  // erfc(t) = e^(−t²)/√π · 1/(t + (1/2)/(t + 1/(t + (3/2)/(t + …)))), evaluated from a fixed
  // depth upwards; at t ≥ 3 sixty levels are well past convergence.
  let fraction: f64 = t;
  for (let k = 60; k >= 1; k--) fraction = t + (<f64>k * 0.5) / fraction;
  const erfc = ONE_OVER_SQRT_PI * Math.exp(-t * t) / fraction;
  return x > 0 ? 1 - erfc : erfc - 1;
}
