// The optional training part of `toJSON({ training: true })`: optimizer state and counters
// as plain JSON, so a JSON round trip can resume training like a binary checkpoint.
import { FormatError } from '../core/errors.js';
import type { FloatArray } from '../model/options.js';
import { checkOptimizerState, type OptimizerConfig, type OptimizerState } from '../registry/optimizers.js';
import type { TrainingState } from '../state/training-state.js';
import { checkTraining, trainingStateToJSON, type TrainingStateJSON } from './checkpoint.js';

/** Training state in JSON: the optimizer's configuration, step and state vectors, and fit's counters. */
export interface TrainingJSON {
  optimizer: { config: OptimizerConfig; step: number; buffers: number[][] };
  state: TrainingStateJSON;
}

export function trainingToJSON(optimizer: OptimizerState, training: TrainingState): TrainingJSON {
  return { optimizer: { config: optimizer.config, step: optimizer.step, buffers: optimizer.buffers.map((b) => Array.from(b)) }, state: trainingStateToJSON(training) };
}

/** Checks `training` of a model JSON against a network of `parameterCount` parameters. */
export function checkTrainingJSON(fn: string, value: unknown, parameterCount: number, Float: { from(values: number[]): FloatArray }): { optimizer: OptimizerState; training: TrainingState } {
  const fail = (what: string) => new FormatError(`${fn}: training ${what}`);
  if (typeof value !== 'object' || value === null) throw fail('must be an object from toJSON({ training: true })');
  const t = value as Partial<TrainingJSON>;
  const o = t.optimizer;
  try {
    checkOptimizerState(fn, o as unknown as OptimizerState, parameterCount);
  } catch (error) {
    throw new FormatError((error as Error).message.replace('state.', 'training.optimizer.'));
  }
  o!.buffers.forEach((b, i) => b.forEach((v, j) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw fail(`optimizer.buffers[${i}][${j}] must be a finite number`);
  }));
  return {
    optimizer: { config: o!.config, step: o!.step, buffers: o!.buffers.map((b) => Float.from(b)) },
    training: checkTraining(t.state, (what) => new FormatError(`${fn}: ${what.replace(/^training/, 'training.state')}`)),
  };
}
