// The three GEMM products of a dense layer, as the bench times them: each call is checked once
// against the JavaScript reference (dist/js/math.js, computed in float64) before anything is
// timed, so a wrong or empty call fails the bench instead of printing a number. Outputs start
// as NaN: a call that computes nothing leaves them so and cannot pass.
import * as math from '../dist/js/math.js';

export const PRODUCTS = ['forward', 'weightGradient', 'inputGradient'];
/** The activation code 0: linear, so each product is the bare GEMM. */
const LINEAR = 0;

/** Largest |got − expected| over the largest |expected|: 0 for equal arrays, NaN if any NaN. */
export function relativeError(got, expected) {
  let worst = 0, scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(got[i] - expected[i]);
    if (!(d <= worst)) worst = d; // NaN sticks
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return worst / (scale || 1);
}

/** float32 sums of `depth` products drift by up to ~depth·ε relative to float64. */
const tolerance = (Float, depth) => (Float === Float64Array ? 1e-12 : Math.max(1e-5, 2e-7 * depth));

/**
 * One product of M×K×N (M batch rows, K inputs, N outputs) in a build loaded by
 * bench/kernels.mjs, with the unit, row and column ranges a whole layer takes: returns the
 * timed call, after checking one call against the reference. Throws if it disagrees.
 */
export function gemmCall({ k: wasm, matrix, Float }, product, m, k, n, label) {
  const value = (seed) => (i) => Math.sin(seed * 7919 + i * 12.9898) * 0.5;
  const x = matrix(m * k, value(1)), w = matrix(n * k, value(2)), b = matrix(n, value(3)), d = matrix(m * n, value(4));
  const out = matrix(Math.max(m * n, n * k, m * k), () => NaN), a = matrix(m * n, () => NaN), gb = matrix(n, () => NaN);
  let run, got, expected;
  const f64 = (buffer, count) => Float64Array.from(buffer.view().subarray(0, count));
  if (product === 'forward') {
    run = () => wasm.denseForward(out.ptr, a.ptr, x.ptr, w.ptr, b.ptr, n, k, LINEAR, 0, m, 0, n);
    run();
    expected = new Float64Array(m * n);
    math.denseForward(expected, f64(x, m * k), f64(w, n * k), f64(b, n), m, n, k);
    got = out.view().subarray(0, m * n);
  } else if (product === 'weightGradient') {
    run = () => wasm.weightGradient(out.ptr, gb.ptr, d.ptr, x.ptr, m, n, k, 0, n);
    run();
    expected = new Float64Array(n * k);
    const gradB = new Float64Array(n);
    math.weightGradient(expected, gradB, f64(d, m * n), f64(x, m * k), m, n, k);
    check(label, product, 'bias gradient', gb.view(), gradB, Float, m);
    got = out.view().subarray(0, n * k);
  } else {
    run = () => wasm.inputGradient(out.ptr, d.ptr, w.ptr, x.ptr, LINEAR, n, k, 0, m, 0, k);
    run();
    expected = new Float64Array(m * k);
    math.inputGradient(expected, f64(d, m * n), f64(w, n * k), m, n, k);
    got = out.view().subarray(0, m * k);
  }
  check(label, product, `${m}×${k}×${n}`, got, expected, Float, product === 'weightGradient' ? m : product === 'forward' ? k : n);
  return run;
}

function check(label, product, what, got, expected, Float, depth) {
  const error = relativeError(got, expected);
  if (!(error <= tolerance(Float, depth))) {
    throw new Error(`${label} ${product} ${what}: one call's output is off the JavaScript reference by ${error} (relative; allowed ${tolerance(Float, depth)}): the kernel's call is wrong or empty, nothing is timed`);
  }
}
