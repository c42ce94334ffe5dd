// `evaluate`: the mean loss and metrics over a whole data set, in chunks, changing nothing.
import type { Engine } from '../engine/engine.js';
import type { Architecture } from '../model/options.js';
import { arrayType } from '../model/options.js';
import { checkOptions } from '../core/validate.js';
import { copyTargets } from '../model/data.js';
import { checkDatasetFits } from '../model/limits.js';
import { stageRows } from '../engine/staging.js';
import { datasetWeights } from '../training/sample-weights.js';
import { CHUNK_ROWS, evaluateChunks, type Evaluation } from '../training/evaluate.js';
import { checkMetrics } from '../training/metrics.js';
import { EVALUATE_KEYS, type EvaluateOptions } from './call-options.js';
import { countRows, encodeX, encodeY, type Labels, type Rows } from './rows.js';

/** The loss and metrics of the network on (X, Y). */
export function evaluateNetwork(fn: string, engine: Engine, architecture: Architecture, rawX: Rows, rawY: Labels, options: EvaluateOptions | undefined): Evaluation {
  const X = encodeX(fn, architecture, rawX);
  const Y = encodeY(fn, architecture, rawY);
  const o = checkOptions(fn, 'options', options, true, EVALUATE_KEYS) as EvaluateOptions;
  const metrics = checkMetrics(fn, 'options.metrics', o.metrics, architecture);
  const rows = countRows(fn, engine, architecture, X, Y);
  checkDatasetFits(fn, engine.layout, architecture.dtype, rows, CHUNK_ROWS, 'data set');
  // Only the targets are converted up front; X goes chunk by chunk straight into the engine.
  const y = new (arrayType(architecture.dtype))(rows * engine.layout.outputSize);
  copyTargets(fn, 'Y', Y, architecture.loss, engine.layout.outputSize, y);
  const w = o.sampleWeight === undefined ? null : datasetWeights(fn, 'options.sampleWeight', o.sampleWeight, rows, arrayType(architecture.dtype));
  return evaluateChunks(engine, architecture, (start, n) => stageRows(fn, 'X', engine, X, start, n), y, rows, metrics, w);
}
