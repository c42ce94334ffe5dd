// Batch normalization's running statistics in a network's files: one vector (per batch-norm
// layer its running mean, then its running variance, as Engine.runningStatistics lays them
// out) and the count of training steps behind them, checked the same way in every format.
import { FormatError, describe } from '../core/errors.js';
import { runningOffsets, runningStatisticsLength, type ParameterLayout } from '../model/layout.js';

/** What a file stores beside θ for a network with batch norm. */
export interface RunningState {
  runningStatistics: ArrayLike<number>;
  batchesTracked: number;
}

/**
 * Checks stored running statistics against the network's layout: present exactly when it has
 * batch norm, the right length, finite, variances ≥ 0, and a whole count ≥ 0. `fail` builds the
 * format's error from what is wrong.
 */
export function checkRunningState(layout: ParameterLayout, values: unknown, batchesTracked: unknown, fail: (what: string) => FormatError): RunningState | null {
  const length = runningStatisticsLength(layout);
  if (length === 0) {
    if (values !== undefined && !(isNumbers(values) && values.length === 0)) throw fail(`runningStatistics belong to batch-norm layers, and this network has none; got ${describe(values)}`);
    return null;
  }
  if (!isNumbers(values) || values.length !== length) throw fail(`runningStatistics must be ${length} numbers (each batch-norm layer's running mean, then its running variance), got ${describe(values)}`);
  for (const [l, at] of runningOffsets(layout).entries()) {
    if (at < 0) continue;
    const layer = layout.layers[l];
    for (let j = 0; j < 2 * layer.outputs; j++) {
      const v = values[at + j];
      const variance = j >= layer.outputs;
      if (typeof v !== 'number' || !Number.isFinite(v) || (variance && v < 0)) {
        throw fail(`runningStatistics[${at + j}] (the running ${variance ? 'variance' : 'mean'} of layer ${l}) must be a finite number${variance ? ' ≥ 0' : ''}, got ${describe(v)}`);
      }
    }
  }
  if (typeof batchesTracked !== 'number' || !Number.isSafeInteger(batchesTracked) || batchesTracked < 0) {
    throw fail(`batchesTracked must be an integer ≥ 0 (training steps behind the running statistics), got ${describe(batchesTracked)}`);
  }
  return { runningStatistics: values as ArrayLike<number>, batchesTracked };
}

function isNumbers(value: unknown): value is ArrayLike<unknown> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

