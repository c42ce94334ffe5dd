import type { Architecture, Backend, FloatArray } from '../options.js';
import type { BatchLogs, BatchLoopOptions } from './batch-loop.js';
import type { TrainingState } from './fit-async.js';

/** Starts training in the worker. The typed arrays' buffers are transferred, not copied. */
export interface StartMessage {
  type: 'start';
  architecture: Architecture;
  backend: Backend;
  state: TrainingState;
  x: FloatArray;
  y: FloatArray;
  rows: number;
  loop: BatchLoopOptions;
  /** Post a message per batch (only when the caller listens). */
  reportBatches: boolean;
}

/** Sent to the worker after each epoch message, once the caller's onEpochEnd has run. */
export interface ContinueMessage { type: 'continue' }

export type ToWorker = StartMessage | ContinueMessage;

export type FromWorker =
  | { type: 'batch'; batch: number; logs: BatchLogs }
  /** The training state after the epoch (its buffers transferred). */
  | { type: 'epoch'; epoch: number; loss: number; state: TrainingState }
  | { type: 'done' }
  | { type: 'error'; name: string; message: string };
