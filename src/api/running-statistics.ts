// Batch norm's running statistics as `getRunningStatistics` gives them and
// `setRunningStatistics` takes them: one entry per batch-norm layer, in layer order.
import type { Engine } from '../engine/engine.js';
import type { DType, FloatArray } from '../model/options.js';
import { arrayType } from '../model/options.js';
import { runningOffsets, type ParameterLayout } from '../model/layout.js';
import { ShapeError, ValueError, describe } from '../core/errors.js';
import { badValue, isAllowed, plural } from '../model/data.js';
import type { NetworkState } from '../state/network-state.js';
import type { RunningStatistics } from './call-options.js';
import { isNumberArray } from './arguments.js';

/** A copy of each batch-norm layer's running statistics. */
export function runningStatisticsOf(engine: Engine): RunningStatistics[] {
  const running = engine.runningStatistics();
  const batchesTracked = engine.batchesTracked();
  return runningOffsets(engine.layout).flatMap((at, l) => {
    const n = engine.layout.layers[l].outputs;
    return at < 0 ? [] : [{ layer: l, runningMean: running.slice(at, at + n), runningVar: running.slice(at + n, at + 2 * n), batchesTracked }];
  });
}

/**
 * `stats` checked against the network's batch-norm layers, entry by entry, as the state pieces
 * they replace; null for a network without batch norm (nothing to replace).
 */
export function checkRunningStatistics(fn: string, layout: ParameterLayout, dtype: DType, stats: readonly RunningStatistics[]): Pick<NetworkState, 'runningStatistics' | 'batchesTracked'> | null {
  const layers = runningOffsets(layout).flatMap((at, l) => (at < 0 ? [] : [{ l, units: layout.layers[l].outputs }]));
  const expected = `one entry per batch-norm layer (layers ${layers.map((b) => b.l).join(', ') || 'none'})`;
  if (!Array.isArray(stats)) throw new ValueError(`${fn}: stats must be an array with ${expected}, got ${describe(stats)}`);
  if (stats.length !== layers.length) throw new ShapeError(`${fn}: stats has ${stats.length} ${stats.length === 1 ? 'entry' : 'entries'}, expected ${expected}`);
  const float32 = dtype === 'float32';
  const values: number[] = [];
  let tracked: number | undefined;
  stats.forEach((entry, i) => {
    const name = `stats[${i}]`;
    const { l, units } = layers[i];
    if (typeof entry !== 'object' || entry === null) throw new ValueError(`${fn}: ${name} must be { layer, runningMean, runningVar, batchesTracked }, got ${describe(entry)}`);
    if (entry.layer !== l) throw new ValueError(`${fn}: ${name}.layer must be ${l} (the network's batch-norm layers are ${layers.map((b) => b.l).join(', ')}), got ${describe(entry.layer)}`);
    if (!Number.isSafeInteger(entry.batchesTracked) || entry.batchesTracked < 0) throw new ValueError(`${fn}: ${name}.batchesTracked must be a non-negative integer, got ${describe(entry.batchesTracked)}`);
    if (tracked !== undefined && entry.batchesTracked !== tracked) throw new ValueError(`${fn}: ${name}.batchesTracked is ${entry.batchesTracked}, but stats[0].batchesTracked is ${tracked} (one count serves every layer)`);
    tracked = entry.batchesTracked;
    for (const key of ['runningMean', 'runningVar'] as const) {
      const list = entry[key];
      if (!isNumberArray(list)) throw new ValueError(`${fn}: ${name}.${key} must be an array or typed array of ${units} numbers, got ${describe(list)}`);
      if (list.length !== units) throw new ShapeError(`${fn}: ${name}.${key} has ${plural(list.length, 'value')}, expected ${units} (layer ${l}'s units)`);
      for (let u = 0; u < units; u++) {
        const v = list[u];
        if (typeof v !== 'number' || !isAllowed(v, undefined, float32)) throw badValue(fn, `${name}.${key}[${u}]`, v, undefined, float32);
        if (key === 'runningVar' && v < 0) throw new ValueError(`${fn}: ${name}.runningVar[${u}] must be a variance (≥ 0), got ${v}`);
        values.push(v);
      }
    }
  });
  return layers.length > 0 ? { runningStatistics: arrayType(dtype).from(values) as FloatArray, batchesTracked: tracked ?? 0 } : null;
}
