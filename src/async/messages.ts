import type { Divergence } from '../core/errors.js';
import type { Architecture, Backend, FloatArray } from '../model/options.js';
import type { ThreadsOption } from '../threads/support.js';
import type { BatchLogs, EpochLogs, FitHistory, FitOptions } from '../training/fit.js';
import type { NetworkState } from './state.js';

/** fit's options as they cross to the worker: no functions, no signal, data as flat arrays. */
export interface WorkerFitOptions extends Omit<FitOptions, 'onEpochEnd' | 'onBatchEnd' | 'signal' | 'schedule' | 'validationData'> {
  schedule?: Exclude<FitOptions['schedule'], (epoch: number) => number>;
  /** A schedule function's rates, evaluated on the calling side, for epochs first, first + 1, … */
  scheduleRates?: { first: number; rates: number[] };
  validationData?: { x: FloatArray; y: FloatArray; rows: number; w: FloatArray | null };
}

/** Starts training in the worker. The typed arrays' buffers are transferred, not copied. */
export interface StartMessage {
  type: 'start';
  architecture: Architecture;
  backend: Backend;
  /** The network's thread count, or 'auto': the worker's copy trains on as many (bit-identically to one). */
  threads: ThreadsOption;
  state: NetworkState;
  x: FloatArray;
  y: FloatArray;
  rows: number;
  options: WorkerFitOptions;
  /** Post a message per batch and wait for its answer (only when the caller listens). */
  reportBatches: boolean;
  /** Wait for an answer after each epoch's message (the caller has onEpochEnd). */
  awaitEpochs: boolean;
  /** The caller has an AbortSignal: train as fitAsync does with one (an abort undoes the epoch it interrupts). */
  watchSignal: boolean;
}

export type ToWorker =
  | StartMessage
  /** The caller's callback returned: stop (it returned false), and whether its signal is aborted now. */
  | { type: 'answer'; stop: boolean; aborted: boolean }
  /** The caller's signal was aborted. */
  | { type: 'abort' };

export type FromWorker =
  /** A batch ended; the worker waits for an answer. */
  | { type: 'batch'; batch: number; logs: BatchLogs }
  /** The state after the epoch (buffers transferred) and its logs; with awaitEpochs the worker waits for an answer. */
  | { type: 'epoch'; epoch: number; logs: EpochLogs; state: NetworkState }
  | { type: 'done'; history: FitHistory; state: NetworkState }
  /** A DivergenceError carries where it happened and the state before the failing step. */
  | { type: 'error'; name: string; message: string; divergence?: Divergence; state?: NetworkState };
