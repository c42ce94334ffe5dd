// predict and predictInto over an engine, shared by `MLP` and the inference entry's `Predictor`
// so both check, stage and shape results identically.
import type { Engine } from './engine.js';
import type { DType, FloatArray } from '../model/options.js';
import { ShapeError, ValueError, describe, named } from '../core/errors.js';
import { countRows, plural, type Matrix } from '../model/data.js';
import { checkBatchFits } from '../model/limits.js';
import { stageRows } from './staging.js';
import { isFloat32Array, isFloatArray } from '../core/typed-arrays.js';

/** What predict and predictInto call: every engine has it, and so has a quantized model's (src/quantize/int8-engine.ts). */
export type ForwardEngine = Pick<Engine, 'layout' | 'reserve' | 'inputBuffer' | 'inputNonFinite' | 'forward' | 'outputBuffer' | 'dispose'>;

/** Checks X (`rows` rows, already counted), stages it and runs the forward pass. */
export function forwardRows(fn: string, engine: ForwardEngine, dtype: DType, X: Matrix, rows: number): void {
  checkBatchFits(fn, engine.layout, dtype, rows);
  // The memory may still refuse to grow (the host's limit, shared memory's reservation): say whose call it was.
  // (No closure here: predictInto allocates nothing per call.)
  try {
    engine.reserve(rows);
  } catch (error) {
    throw named(fn, error);
  }
  stageRows(fn, 'X', engine, X, 0, rows);
  engine.forward(rows);
}

/** Outputs for each row of X, in X's form (number[][] in, number[][] out; typed array in, same type out). */
export function predictRows(fn: string, engine: ForwardEngine, dtype: DType, X: Matrix): number[][] | FloatArray {
  const rows = countRows(fn, 'X', X, engine.layout.inputSize, "the network's input size");
  forwardRows(fn, engine, dtype, X, rows);
  return shapeOutputs(X, engine.outputBuffer(rows), rows, engine.layout.outputSize);
}

/** `out` (rows × width) in X's form: rows of numbers for rows of numbers, a copy of X's typed-array type for a typed array. */
export function shapeOutputs(X: Matrix, out: FloatArray, rows: number, width: number): number[][] | FloatArray {
  // By its type, not X.constructor (another realm's, or shadowed).
  if (isFloatArray(X)) return isFloat32Array(X) ? new Float32Array(out) : new Float64Array(out);
  return Array.from({ length: rows }, (_, i) => Array.from(out.subarray(i * width, (i + 1) * width)));
}

/** Writes the outputs of X's rows into `out` (rows × outputs) and returns it; allocates nothing. */
export function predictRowsInto<T extends FloatArray>(fn: string, engine: ForwardEngine, dtype: DType, X: Matrix, out: T): T {
  const { inputSize, outputSize } = engine.layout;
  const rows = countRows(fn, 'X', X, inputSize, "the network's input size");
  if (!(isFloatArray(out))) {
    throw new ValueError(`${fn}: out must be a Float32Array or Float64Array of ${rows * outputSize} values (${plural(rows, 'row')} × ${outputSize} outputs), got ${describe(out)}`);
  }
  if (out.length !== rows * outputSize) {
    throw new ShapeError(`${fn}: out has ${plural(out.length, 'value')}, expected ${rows * outputSize} (${plural(rows, 'row')} of X × ${outputSize} outputs)`);
  }
  forwardRows(fn, engine, dtype, X, rows);
  out.set(engine.outputBuffer(rows));
  return out;
}
