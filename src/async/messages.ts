import type { Architecture, Backend, FloatArray } from '../options.js';
import type { BatchLogs, BatchLoopOptions } from './batch-loop.js';

/** Starts training in the worker. The typed arrays' buffers are transferred, not copied. */
export interface StartMessage {
  type: 'start';
  architecture: Architecture;
  backend: Backend;
  parameters: FloatArray;
  random: number[];
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
  /** θ and the generator state after the epoch (θ's buffer transferred). */
  | { type: 'epoch'; epoch: number; loss: number; parameters: FloatArray; random: number[] }
  | { type: 'done' }
  | { type: 'error'; name: string; message: string };
