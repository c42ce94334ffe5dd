// fit's data, into the engine once: X's rows go straight from the caller's number[][] or typed
// array into the engine's dataset (checked as they are copied, a typed array's copy by the
// engine's own scan), and the validation rows —
// validationSplit's last rows or validationData — are held out after the training rows in
// the same dataset. Training, metrics and validation then all read rows already in the
// engine: nothing is copied in from JavaScript again, and a callback that changes X changes
// nothing fit computes.
import type { Engine } from '../engine/engine.js';
import type { Architecture, FloatArray } from '../model/options.js';
import { arrayType } from '../model/options.js';
import { ShapeError } from '../core/errors.js';
import { copyRows, copyTargets, countRows, countTargetRows, plural, type Matrix, type Targets } from '../model/data.js';
import { datasetWeights, type SampleWeights } from './sample-weights.js';
import { permuteRowsInPlace } from './row-order.js';

/** Rows of the engine's dataset: `rows` of them from `first`, weighted by the dataset's sample weights or not. */
export interface StagedRows {
  first: number;
  rows: number;
  weighted: boolean;
}

/** Rows in flat arrays of the network's dtype, with their sample weights (null: every row 1). */

/** fit's options that choose the data (checked). */
export interface FitDataOptions {
  validationSplit: number | undefined;
  validationShuffle: boolean;
  validationData: { X: Matrix; Y: Targets; sampleWeight?: SampleWeights } | undefined;
  sampleWeight: SampleWeights | undefined;
}

/** How fit's rows split, from their counts alone (every shape checked): what to stage. */
export interface FitDataPlan {
  rows: number;
  trainRows: number;
  validationRows: number;
}

/** Rows left to train on after validationSplit holds out `fraction` of `rows`. */
export function trainingRows(rows: number, fraction = 0): number {
  return fraction === 0 ? rows : Math.floor(rows * (1 - fraction));
}

/** The training rows validationSplit leaves; throws unless both parts have a row. */
export function checkSplit(fn: string, rows: number, fraction: number): number {
  const trainRows = trainingRows(rows, fraction);
  if (trainRows < 1 || trainRows === rows) {
    throw new ShapeError(`${fn}: options.validationSplit ${fraction} of ${rows} samples leaves ${trainRows} to train on and ${rows - trainRows} to validate; both need at least one`);
  }
  return trainRows;
}

/** Checks the shapes of fit's data (X and Y already counted: `rows`) and how it splits. Changes nothing. */
export function planFitData(fn: string, arch: Architecture, inputSize: number, rows: number, o: FitDataOptions): FitDataPlan {
  if (o.validationData) {
    const prefix = 'options.validationData.';
    const outputs = arch.layers[arch.layers.length - 1];
    const validationRows = countRows(fn, `${prefix}X`, o.validationData.X, inputSize, "the network's input size");
    const targetRows = countTargetRows(fn, `${prefix}Y`, o.validationData.Y, arch.loss, outputs);
    if (targetRows !== validationRows) throw new ShapeError(`${fn}: ${prefix}Y has ${plural(targetRows, 'row')}, expected ${validationRows} (one per row of ${prefix}X)`);
    return { rows, trainRows: rows, validationRows };
  }
  const fraction = o.validationSplit ?? 0;
  const trainRows = fraction === 0 ? rows : checkSplit(fn, rows, fraction);
  return { rows, trainRows, validationRows: rows - trainRows };
}

/**
 * Copies fit's data into the engine's dataset, checking every value as it goes: the training
 * rows, then the validation rows after them. With validationShuffle (or stratify) the rows are
 * copied as given and then put in `heldOutOrder`'s order in place, which picks the held-out
 * rows from the staged targets. On a refused value the dataset is released and nothing else
 * has changed.
 */
export function stageFitData(fn: string, engine: Engine, arch: Architecture, X: Matrix, Y: Targets, o: FitDataOptions, plan: FitDataPlan, heldOutOrder: (targets: FloatArray, rows: number) => Int32Array): { train: StagedRows; validation: StagedRows | null } {
  const { inputSize, outputSize } = engine.layout;
  const { trainRows, validationRows } = plan;
  const Float = arrayType(arch.dtype);
  try {
    const w = o.sampleWeight === undefined ? null : datasetWeights(fn, 'options.sampleWeight', o.sampleWeight, plan.rows, Float);
    const given = o.validationData;
    const vw = given?.sampleWeight === undefined ? null : datasetWeights(fn, 'options.validationData.sampleWeight', given.sampleWeight, validationRows, Float);
    const views = engine.allocateDataset(trainRows, w !== null || vw !== null, validationRows);
    // X and Y as given: validationSplit's held-out rows are X's last ones, so they land after the training rows.
    const scan = (copied: FloatArray) => engine.firstNonFiniteIn(copied);
    copyRows(fn, 'X', X, inputSize, views.x, undefined, scan);
    copyTargets(fn, 'Y', Y, arch.loss, outputSize, views.y);
    if (w) views.w!.set(w, 0);
    if (given) {
      copyRows(fn, 'options.validationData.X', given.X, inputSize, views.x.subarray(trainRows * inputSize), undefined, scan);
      copyTargets(fn, 'options.validationData.Y', given.Y, arch.loss, outputSize, views.y.subarray(trainRows * outputSize));
      if (vw) views.w!.set(vw, trainRows);
      return staged(trainRows, validationRows, w !== null, vw !== null);
    }
    if (o.validationShuffle && validationRows > 0) {
      const order = heldOutOrder(views.y.subarray(0, plan.rows * outputSize), plan.rows);
      permuteRowsInPlace(views.x, inputSize, order);
      permuteRowsInPlace(views.y, outputSize, order);
      if (w) permuteRowsInPlace(views.w!, 1, order);
    }
    return staged(trainRows, validationRows, w !== null, w !== null);
  } catch (error) {
    engine.clearDataset();
    throw error;
  }
}

/**
 * For a stream (fitDataset): the validation data alone in the engine's dataset, no training
 * rows, evaluated where it is as fit's is. Its sample weights are not used (fitDataset takes none).
 */
export function stageValidationOnly(fn: string, engine: Engine, arch: Architecture, validationData: FitDataOptions['validationData']): { train: StagedRows; validation: StagedRows | null } {
  if (!validationData) return staged(0, 0, false, false);
  const o: FitDataOptions = { validationSplit: undefined, validationShuffle: false, sampleWeight: undefined, validationData: { X: validationData.X, Y: validationData.Y } };
  return stageFitData(fn, engine, arch, [], [], o, planFitData(fn, arch, engine.layout.inputSize, 0, o), () => {
    throw new Error('internal: no rows to order');
  });
}

function staged(trainRows: number, validationRows: number, trainWeighted: boolean, validationWeighted: boolean): { train: StagedRows; validation: StagedRows | null } {
  return {
    train: { first: 0, rows: trainRows, weighted: trainWeighted },
    validation: validationRows > 0 ? { first: trainRows, rows: validationRows, weighted: validationWeighted } : null,
  };
}
