import type { Dataset, EpochLoop, FitOptions } from '../training/fit.js';
import type { Matrix, Targets } from '../model/data.js';
import type { Architecture, Backend } from '../model/options.js';
import type { ThreadsOption } from '../threads/support.js';
import type { OptimizerConfig, OptimizerOptions } from '../registry/optimizers.js';
import type { NetworkState } from '../state/network-state.js';

export type { NetworkState } from '../state/network-state.js';

/** What fitAsync needs beyond the public API: the network's shape, checked data, fitAsync's epoch loop and the whole training state. */
export interface FitAccess {
  readonly architecture: Architecture;
  readonly backend: Backend;
  /** The network's thread count, or 'auto' if it was asked for (the worker's copy then starts its threads as lazily). */
  readonly threads: ThreadsOption;
  /** Epochs trained over the network's life. */
  readonly epoch: number;
  readonly disposed: boolean;
  /** The dataset as flat arrays; with sample weights when `sampleWeight` is given (named with `prefix`). */
  toArrays(fn: string, X: Matrix, Y: Targets, prefix?: string, sampleWeight?: unknown): Dataset;
  /** Throws whatever fitAsync would refuse, changing nothing. */
  check(fn: string, X: Matrix, Y: Targets, options: FitOptions): void;
  /** fitAsync's epoch loop (pausing between batches; an abort undoes the epoch it interrupts), not yet started. */
  loop(fn: string, X: Matrix, Y: Targets, options: FitOptions): EpochLoop;
  /** The optimizer fit trains with: the one given, the network's own, or fit's default. */
  fitOptimizer(fn: string, given: OptimizerOptions | OptimizerOptions['type'] | undefined): OptimizerConfig;
  snapshot(): NetworkState;
  restore(state: NetworkState): void;
}
