// Per-row sample weights (Keras's sample_weight): checked once at the API boundary, then staged
// into the engine beside the rows. How they enter the loss: src/js/weighting.ts.
import type { Engine } from '../engine/engine.js';
import type { FloatArray } from '../model/options.js';
import { ShapeError, ValueError, describe } from '../core/errors.js';
import { isFloatArray } from '../core/typed-arrays.js';

/** One non-negative finite weight per row. */
export type SampleWeights = Float32Array | Float64Array | readonly number[];

/** Options of the calls that take sample weights. */
export interface SampleWeightOptions {
  /**
   * One non-negative weight per row: the loss becomes Σ sᵢ·ℓᵢ / Σ sᵢ·dᵢ (see the guide "Losses
   * and weighting"); a row of weight 0 counts for nothing. Default: every row 1.
   */
  sampleWeight?: SampleWeights;
}

/**
 * Throws unless `value` has one non-negative finite number per row. Returns the weights scaled
 * so that the largest lies in [1, 2) (`scaleFree`): the loss's value does not depend on their scale.
 */
export function checkSampleWeight(fn: string, name: string, value: unknown, rows: number): ArrayLike<number> {
  const ok = Array.isArray(value) || isFloatArray(value);
  if (!ok || (value as ArrayLike<unknown>).length !== rows) {
    throw new (ok ? ShapeError : ValueError)(`${fn}: ${name} must be an array of ${rows} non-negative numbers (one per row), got ${describe(value)}`);
  }
  const weights = value as ArrayLike<unknown>;
  for (let i = 0; i < rows; i++) {
    const w = weights[i];
    if (typeof w !== 'number' || !(w >= 0 && w < Infinity)) throw new ValueError(`${fn}: ${name}[${i}] must be a non-negative finite number, got ${describe(w)}`);
  }
  return scaleFree(weights as ArrayLike<number>);
}

/**
 * The weights times the power of two that brings the largest into [1, 2), in float64. The loss
 * Σ sᵢ·ℓᵢ / Σ sᵢ·dᵢ is scale-free in exact arithmetic, but not in floats: weights of 1e-40
 * are denormal in float32 (their sum's reciprocal overflows), 1e38 overflow the sums. A power of
 * two changes no bit of a normal float's mantissa, so ordinary weights give the results they
 * gave unscaled, bit for bit; all zeros stay zeros.
 */
export function scaleFree(weights: ArrayLike<number>): ArrayLike<number> {
  let max = 0;
  for (let i = 0; i < weights.length; i++) max = Math.max(max, weights[i]);
  if (max === 0) return weights;
  let exponent = Math.floor(Math.log2(max));
  // log2 may round across a power of two; the product below is exact, so check it.
  if (timesPowerOfTwo(max, -exponent) >= 2) exponent += 1;
  else if (timesPowerOfTwo(max, -exponent) < 1) exponent -= 1;
  if (exponent === 0) return weights;
  return Float64Array.from(weights as ArrayLike<number>, (w) => timesPowerOfTwo(w, -exponent));
}

/** x·2ⁿ for n in [−1100, 1100], in two exact factors (2ⁿ alone leaves float64's range beyond ±1023). */
function timesPowerOfTwo(x: number, n: number): number {
  const half = Math.trunc(n / 2);
  return x * 2 ** half * 2 ** (n - half);
}

/** Runs `body` with `weights` (or none) weighting the staged rows, then switches weighting off again. */
export function withSampleWeights<T>(engine: Engine, weights: ArrayLike<number> | null, rows: number, body: () => T): T {
  if (weights === null) return body();
  engine.weightBuffer(rows).set(weights);
  engine.setSampleWeighting(true);
  try {
    return body();
  } finally {
    engine.setSampleWeighting(false);
  }
}

/**
 * Sample weights for a whole dataset (fit, evaluate), as the network's floats: checked as
 * `checkSampleWeight`, and refused when they sum to 0 (no row would count).
 */
export function datasetWeights(fn: string, name: string, value: unknown, rows: number, Float: Float32ArrayConstructor | Float64ArrayConstructor): FloatArray {
  const weights = Float.from(checkSampleWeight(fn, name, value, rows));
  if (!weights.some((w) => w > 0)) throw new ValueError(`${fn}: ${name} must have a weight above 0 (every row would count for nothing), got ${rows} zeros`);
  return weights;
}
