// Prediction as the MLP class offers it: rows, one sample or a flat typed array in, the same
// form out; raw rows through the network's input stage first; class labels from the outputs.
import type { Engine } from '../engine/engine.js';
import type { Architecture, FloatArray } from '../model/options.js';
import { ShapeError } from '../core/errors.js';
import { plural, type Matrix } from '../model/data.js';
import { predictRows, predictRowsInto } from '../engine/predict.js';
import { predictRaw, predictRawInto } from '../engine/predict-raw.js';
import { isRawSample, type RawRow } from '../preprocessing/rows.js';
import { checkClassifier, classesOf, type ClassLabel } from '../model/predict-classes.js';
import { isSample } from './arguments.js';
import type { Rows } from './rows.js';
import { encodeRows } from '../preprocessing/encode.js';
import { isWebGpuEngine } from '../webgpu/contract.js';
import { predictOnWebGpu } from '../webgpu/predict.js';

/** The outputs for X, in X's form (see `MLP.predict`). */
export function predictAny(fn: string, engine: Engine, architecture: Architecture, X: Rows | readonly number[] | RawRow): number[][] | number[] | FloatArray {
  if (architecture.input) return predictRaw(fn, engine, architecture.dtype, architecture.input, X);
  if (!isSample(X)) return predictRows(fn, engine, architecture.dtype, X as Matrix);
  if (X.length !== engine.layout.inputSize) {
    throw new ShapeError(`${fn}: X is one sample of ${plural(X.length, 'value')}, but the network takes ${engine.layout.inputSize} inputs; for several samples pass one row each, e.g. [[${X.slice(0, 2).join(', ')}${X.length > 2 ? ', …' : ''}], …]`);
  }
  return (predictRows(fn, engine, architecture.dtype, [X]) as number[][])[0];
}

/** `predictAny` as a Promise: on a WebGPU network the forward pass runs on the GPU (see `MLP.predictAsync`). */
export async function predictAnyAsync(fn: string, engine: Engine, architecture: Architecture, X: Rows | readonly number[] | RawRow): Promise<number[][] | number[] | FloatArray> {
  if (!isWebGpuEngine(engine)) return predictAny(fn, engine, architecture, X);
  const input = architecture.input;
  const one = input ? isRawSample(X) : isSample(X);
  const rows = (one ? [X] : X) as Rows;
  const outputs = await predictOnWebGpu(fn, engine, input ? encodeRows(fn, 'X', input, rows) : rows as Matrix);
  return one ? (outputs as number[][])[0] : outputs;
}

/** The class of each row of X, or of one sample (see `MLP.predictClasses`). */
export function predictClassesAny(fn: string, engine: Engine, architecture: Architecture, classNames: readonly string[] | null, X: Rows | readonly number[] | RawRow): ClassLabel[] | ClassLabel {
  checkClassifier(fn, architecture);
  const input = architecture.input;
  const one = input ? isRawSample(X) : isSample(X);
  const rows = (one ? [X] : X) as Rows;
  // A network with an input stage encodes raw rows (arrays or objects keyed by column) first.
  const outputs = input ? predictRaw(fn, engine, architecture.dtype, input, rows) as number[][] | FloatArray : predictRows(fn, engine, architecture.dtype, rows as Matrix);
  const labels = classesOf(fn, outputs, engine.layout.outputSize, classNames);
  return one ? labels[0]! : labels;
}

/** The outputs for X written into `out` (see `MLP.predictInto`). */
export function predictAnyInto<T extends FloatArray>(fn: string, engine: Engine, architecture: Architecture, X: Rows, out: T): T {
  if (architecture.input) return predictRawInto(fn, engine, architecture.dtype, architecture.input, X, out);
  return predictRowsInto(fn, engine, architecture.dtype, X as Matrix, out);
}
