// predict for a network with an input stage, shared by `MLP` and the inference entry's
// `Predictor`: raw rows are encoded, the network runs on them, and the outputs come back in
// the raw rows' form.
import type { ForwardEngine } from './predict.js';
import type { DType, FloatArray } from '../model/options.js';
import { predictRows, predictRowsInto } from './predict.js';
import { encodeRows } from '../preprocessing/encode.js';
import { isRawSample } from '../preprocessing/rows.js';
import type { InputStage } from '../preprocessing/stage.js';

/**
 * Outputs for raw rows: rows (arrays or objects) in, number[][] out; one raw sample in, one
 * row out; a flat Float32Array/Float64Array of rows × raw columns in, the same type out.
 */
export function predictRaw(fn: string, engine: ForwardEngine, dtype: DType, stage: InputStage, X: unknown): number[][] | number[] | FloatArray {
  const sample = isRawSample(X);
  const out = predictRows(fn, engine, dtype, encodeRows(fn, 'X', stage, sample ? [X] : X)) as Float64Array;
  if (X instanceof Float32Array) return Float32Array.from(out);
  if (X instanceof Float64Array) return out;
  const width = engine.layout.outputSize;
  const rows = Array.from({ length: out.length / width }, (_, i) => Array.from(out.subarray(i * width, (i + 1) * width)));
  return sample ? rows[0] : rows;
}

/** `predictInto` on raw rows. */
export function predictRawInto<T extends FloatArray>(fn: string, engine: ForwardEngine, dtype: DType, stage: InputStage, X: unknown, out: T): T {
  return predictRowsInto(fn, engine, dtype, encodeRows(fn, 'X', stage, X), out);
}
