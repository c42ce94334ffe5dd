// A network's data on its way in: raw rows through the input stage, class names through the
// label encoder, counted against the network's shape, and copied into the engine's batch
// buffers (or into flat arrays for a whole fit). Each check names the public call and argument.
import type { Engine } from '../engine/engine.js';
import type { Architecture } from '../model/options.js';
import { arrayType } from '../model/options.js';
import { ShapeError, inCall } from '../core/errors.js';
import { checkOptions, keysOf } from '../core/validate.js';
import { countRows as countMatrixRows, countTargetRows, copyRows, copyTargets, plural, type Matrix, type Targets } from '../model/data.js';
import { checkBatchFits } from '../model/limits.js';
import { checkBatchStatisticsRows } from '../model/layout.js';
import { stageRows } from '../engine/staging.js';
import { checkSampleWeight, datasetWeights, type SampleWeightOptions } from '../training/sample-weights.js';
import type { Dataset, FitOptions } from '../training/fit.js';
import type { RawRows } from '../preprocessing/rows.js';
import { encodeRows } from '../preprocessing/encode.js';
import { encodeLabels } from '../preprocessing/labels.js';

/** Rows a network takes: numbers, or raw rows (numbers and text) for a network with an input stage. */
export type Rows = Matrix | RawRows;
/** Targets a network takes: numbers, or class names for a network with classNames. */
export type Labels = Targets | readonly string[];

export const SAMPLE_WEIGHT_KEYS = keysOf<SampleWeightOptions>({ sampleWeight: true });

/** Raw rows through the network's input stage (X itself for a network without one). */
export function encodeX(fn: string, architecture: Architecture, X: Rows, prefix = ''): Matrix {
  const input = architecture.input;
  return input ? encodeRows(fn, `${prefix}X`, input, X) : X as Matrix;
}

/** Class names as the targets the network trains on (other targets as they are). */
export function encodeY(fn: string, architecture: Architecture, Y: Labels, prefix = ''): Targets {
  return encodeLabels(fn, prefix ? `${prefix}Y` : 'Y', architecture.classNames, architecture.loss, Y);
}

/** A fit's data and validation data through the input stage and label encoder, before any other check. */
export function encodeFit<O extends FitOptions | undefined>(fn: string, architecture: Architecture, X: Rows, Y: Labels, options: O): { X: Matrix; Y: Targets; options: O } {
  const encoded = { X: encodeX(fn, architecture, X), Y: encodeY(fn, architecture, Y), options };
  const v = options?.validationData;
  const { input, classNames } = architecture;
  if (typeof v !== 'object' || v === null || (input === undefined && classNames === undefined)) return encoded;
  const validationData = { ...v, X: encodeX(fn, architecture, v.X, 'options.validationData.'), Y: encodeY(fn, architecture, v.Y, 'options.validationData.') };
  return { ...encoded, options: { ...options!, validationData } as O };
}

/** Rows of X, after checking that Y has as many. */
export function countRows(fn: string, engine: Engine, architecture: Architecture, X: Matrix, Y: Targets, prefix = ''): number {
  const { inputSize, outputSize } = engine.layout;
  // Names built only with a prefix: step calls this on every call, and a template string allocates.
  const rows = countMatrixRows(fn, prefix ? `${prefix}X` : 'X', X, inputSize, "the network's input size");
  const targetRows = countTargetRows(fn, prefix ? `${prefix}Y` : 'Y', Y, architecture.loss, outputSize);
  if (targetRows !== rows) throw new ShapeError(`${fn}: ${prefix}Y has ${plural(targetRows, 'row')}, expected ${rows} (one per row of ${prefix}X)`);
  return rows;
}

/**
 * Checks X and Y of a training call (batch statistics), then copies them into the engine's
 * batch buffers, once. Nothing else changes. `prefix` goes before X's and Y's names in errors.
 */
export function stageBatch(fn: string, engine: Engine, architecture: Architecture, X: Matrix, Y: Targets, prefix = '', what = 'the batch'): number {
  const { outputSize } = engine.layout;
  const rows = countRows(fn, engine, architecture, X, Y, prefix);
  checkBatchStatisticsRows(fn, engine.layout, rows, what);
  // A stream's batch ("batch 3 of epoch 1: ") is named in the size errors too.
  const place = prefix ? `${fn}: ${prefix.replace(/: $/, '')}` : fn;
  checkBatchFits(place, engine.layout, architecture.dtype, rows);
  reserveRows(place, engine, rows);
  // Names built only with a prefix: step stages on every call, and a template string allocates.
  stageRows(fn, prefix ? `${prefix}X` : 'X', engine, X, 0, rows);
  copyTargets(fn, prefix ? `${prefix}Y` : 'Y', Y, architecture.loss, outputSize, engine.targetBuffer(rows));
  return rows;
}

/** options.sampleWeight checked against the rows of X, or null when there is none. */
export function readSampleWeight(fn: string, engine: Engine, X: Matrix, options: SampleWeightOptions | undefined, keys: readonly string[] = SAMPLE_WEIGHT_KEYS): ArrayLike<number> | null {
  const o = checkOptions(fn, 'options', options, true, keys) as SampleWeightOptions;
  if (o.sampleWeight === undefined) return null;
  return checkSampleWeight(fn, 'options.sampleWeight', o.sampleWeight, countMatrixRows(fn, 'X', X, engine.layout.inputSize, "the network's input size"));
}

/** Checks and copies a whole dataset, and its sample weights if given, into flat arrays of the network's dtype. */
export function toArrays(fn: string, engine: Engine, architecture: Architecture, X: Matrix, Y: Targets, prefix = '', sampleWeight?: unknown): Dataset {
  const { inputSize, outputSize } = engine.layout;
  const rows = countRows(fn, engine, architecture, X, Y, prefix);
  const Float = arrayType(architecture.dtype);
  const x = new Float(rows * inputSize);
  const y = new Float(rows * outputSize);
  copyRows(fn, `${prefix}X`, X, inputSize, x);
  copyTargets(fn, `${prefix}Y`, Y, architecture.loss, outputSize, y);
  const w = sampleWeight === undefined ? null : datasetWeights(fn, prefix ? `${prefix}sampleWeight` : 'options.sampleWeight', sampleWeight, rows, Float);
  return { x, y, rows, w };
}

/** `engine.reserve`, its errors named as `inCall` names them, without a closure per call (step stages on every call). */
function reserveRows(fn: string, engine: Engine, rows: number): void {
  try {
    engine.reserve(rows);
  } catch (error) {
    inCall(fn, () => { throw error; });
  }
}
