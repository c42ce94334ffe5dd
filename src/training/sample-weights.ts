// Per-row sample weights (Keras's sample_weight): checked once at the API boundary, then staged
// into the engine beside the rows. How they enter the loss: src/js/weighting.ts.
import type { Engine } from '../engine.js';
import type { FloatArray } from '../options.js';
import { ShapeError, ValueError, describe } from '../errors.js';

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

/** Throws unless `value` has one non-negative finite number per row. */
export function checkSampleWeight(fn: string, name: string, value: unknown, rows: number): ArrayLike<number> {
  const ok = Array.isArray(value) || value instanceof Float32Array || value instanceof Float64Array;
  if (!ok || (value as ArrayLike<unknown>).length !== rows) {
    throw new (ok ? ShapeError : ValueError)(`${fn}: ${name} must be an array of ${rows} non-negative numbers (one per row), got ${describe(value)}`);
  }
  const weights = value as ArrayLike<unknown>;
  for (let i = 0; i < rows; i++) {
    const w = weights[i];
    if (typeof w !== 'number' || !(w >= 0 && w < Infinity)) throw new ValueError(`${fn}: ${name}[${i}] must be a non-negative finite number, got ${describe(w)}`);
  }
  return weights as ArrayLike<number>;
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
