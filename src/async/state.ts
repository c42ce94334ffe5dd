import type { Dataset, TrainingState } from '../fit.js';
import type { Matrix, Targets } from '../data.js';
import type { Architecture, Backend, FloatArray } from '../options.js';
import type { OptimizerState } from '../optimizers.js';

/** Everything training changes: θ, the generators, the optimizer's state, fit's counters. */
export interface NetworkState {
  parameters: FloatArray;
  random: number[];
  optimizer: OptimizerState;
  dropoutRandom: number[];
  training: TrainingState;
}

/** What fitAsync needs beyond the public API: the network's shape, checked data and the whole training state. */
export interface FitAccess {
  readonly architecture: Architecture;
  readonly backend: Backend;
  readonly threads: number;
  toArrays(fn: string, X: Matrix, Y: Targets): Dataset;
  snapshot(): NetworkState;
  restore(state: NetworkState): void;
}

/** The buffers of a state, to transfer rather than copy. */
export function stateBuffers(state: NetworkState): ArrayBuffer[] {
  return [state.parameters, ...state.optimizer.buffers].map((a) => a.buffer as ArrayBuffer);
}
