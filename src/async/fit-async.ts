import type { EpochLogs, FitHistory, FitOptions } from '../fit.js';
import type { Matrix, Targets } from '../data.js';
import { checkFitOptions } from '../fit.js';
import { DisposedError, DivergenceError, FormatError, ShapeError, ValueError, WasmMlpError, type Divergence } from '../errors.js';
import { startWorker } from './spawn.js';
import type { FromWorker, StartMessage, WorkerFitOptions } from './messages.js';
import { stateBuffers, type FitAccess } from './state.js';

export type { FitAccess, NetworkState } from './state.js';

/** Options of `fitAsync`: every `fit` option, plus where to train. */
export interface FitAsyncOptions extends FitOptions {
  /** Train in a Web Worker (browsers) or a worker_threads Worker (Node). Default false: on this thread, yielding every ~16 ms. */
  worker?: boolean;
}

/**
 * Runs a fit that an AbortSignal may stop mid-epoch, and then puts back the state the last
 * completed epoch left: the partial epoch's steps are undone and dropped from the history.
 */
export async function keepCompletedEpochs(access: FitAccess, options: FitOptions, run: (options: FitOptions) => Promise<FitHistory>): Promise<FitHistory> {
  const { signal, onEpochEnd } = options;
  // Without a signal nothing can abort; a malformed callback is left for fit's own check.
  if (!signal || (onEpochEnd !== undefined && typeof onEpochEnd !== 'function')) return run(options);
  let saved = access.snapshot();
  let completed = 0;
  const history = await run({
    ...options,
    onEpochEnd: (epoch, logs) => {
      // An epoch that ends with the signal aborted was cut short (or ended just as it fired): not completed.
      if (signal.aborted) return false;
      completed++;
      saved = access.snapshot();
      return onEpochEnd?.(epoch, logs);
    },
  });
  if (history.stopReason === 'aborted' && history.epochs > completed) {
    access.restore(saved);
    return trimmed(history, completed);
  }
  return history;
}

/**
 * Trains in a worker. The data and the training state cross as transferred buffers; after
 * every epoch the worker sends its state back and this network takes it, so the network
 * always holds the last completed epoch: an abort, or a callback returning false, just ends
 * the worker.
 */
export async function fitInWorker(access: FitAccess, X: Matrix, Y: Targets, options: FitOptions): Promise<FitHistory> {
  const fn = 'fitAsync';
  const checked = checkFitOptions(fn, options, access.architecture);
  const data = access.toArrays(fn, X, Y);
  const { onEpochEnd, onBatchEnd, signal, schedule, validationData, ...plain } = options;
  const state = access.snapshot();
  const fitOptions: WorkerFitOptions = { ...plain };
  if (validationData) {
    const v = access.toArrays(fn, validationData.X, validationData.Y);
    fitOptions.validationData = { x: v.x, y: v.y, rows: v.rows };
  }
  if (typeof schedule === 'function') {
    // A function cannot cross to a worker: its rates for this call's epochs can.
    fitOptions.scheduleRates = { first: state.training.epoch, rates: Array.from({ length: checked.epochs }, (_, i) => schedule(state.training.epoch + i)) };
  } else if (schedule !== undefined) {
    fitOptions.schedule = schedule;
  }
  if (signal?.aborted) return trimmed(emptyHistory(), 0, 'aborted');
  const start: StartMessage = {
    type: 'start', architecture: access.architecture, backend: access.backend, threads: access.threads, state, x: data.x, y: data.y, rows: data.rows,
    options: fitOptions, reportBatches: onBatchEnd !== undefined,
  };
  const transfer = [...stateBuffers(state), data.x.buffer as ArrayBuffer, data.y.buffer as ArrayBuffer];
  if (fitOptions.validationData) transfer.push(fitOptions.validationData.x.buffer as ArrayBuffer, fitOptions.validationData.y.buffer as ArrayBuffer);
  const worker = await startWorker();
  return new Promise<FitHistory>((resolve, reject) => {
    const history = emptyHistory();
    let finished = false;
    const finish = (result: FitHistory | Error) => {
      // Messages already in flight when the worker is ended must not change the network.
      finished = true;
      signal?.removeEventListener('abort', abort);
      worker.terminate();
      if (result instanceof Error) reject(result); else resolve(result);
    };
    const abort = () => finish(trimmed(history, history.epochs, 'aborted'));
    signal?.addEventListener('abort', abort, { once: true });
    worker.onMessage((message: FromWorker) => {
      if (finished) return;
      try {
        if (message.type === 'batch') {
          if (onBatchEnd?.(message.batch, message.logs) === false) finish(trimmed(history, history.epochs, 'callback'));
        } else if (message.type === 'epoch') {
          access.restore(message.state);
          record(history, message.logs);
          if (onEpochEnd?.(message.epoch, message.logs) === false) finish(trimmed(history, history.epochs, 'callback'));
        } else if (message.type === 'done') {
          // The final state may differ from the last epoch's (early stopping restores the best θ).
          access.restore(message.state);
          finish(message.history);
        } else {
          if (message.state) access.restore(message.state);
          finish(rebuildError(message));
        }
      } catch (error) {
        finish(error as Error);
      }
    });
    worker.onError((error) => finished || finish(new WasmMlpError(`fitAsync: the training worker failed: ${error.message}`)));
    worker.post(start, transfer);
  });
}

function emptyHistory(): FitHistory {
  return { loss: [], valLoss: [], metrics: {}, valMetrics: {}, learningRate: [], elapsedMs: [], epochs: 0, stopReason: 'epochs' };
}

/** Appends one epoch's logs, as fit records them. */
function record(history: FitHistory, logs: EpochLogs): void {
  history.loss.push(logs.loss);
  if (logs.valLoss !== undefined) history.valLoss.push(logs.valLoss);
  const append = (into: Partial<Record<string, number[]>>, values: Partial<Record<string, number>>) => {
    for (const [m, v] of Object.entries(values)) (into[m] ??= []).push(v!);
  };
  append(history.metrics, logs.metrics);
  append(history.valMetrics, logs.valMetrics);
  history.learningRate.push(logs.learningRate);
  history.elapsedMs.push(logs.elapsedMs);
  history.epochs++;
}

/** The history of the first `epochs` epochs only. */
function trimmed(history: FitHistory, epochs: number, stopReason: FitHistory['stopReason'] = history.stopReason): FitHistory {
  const cut = (values: Partial<Record<string, number[]>>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v!.slice(0, epochs)]));
  return {
    ...history, loss: history.loss.slice(0, epochs), valLoss: history.valLoss.slice(0, epochs), metrics: cut(history.metrics), valMetrics: cut(history.valMetrics),
    learningRate: history.learningRate.slice(0, epochs), elapsedMs: history.elapsedMs.slice(0, epochs), epochs, stopReason,
  };
}

/** The worker's error as the class it had there, so `instanceof` works across the thread boundary. */
function rebuildError(message: { name: string; message: string; divergence?: Divergence }): Error {
  if (message.divergence) return new DivergenceError(message.message, message.divergence);
  const classes: Record<string, typeof WasmMlpError> = { ShapeError, ValueError, FormatError, DisposedError };
  const error = new (classes[message.name] ?? WasmMlpError)(message.message);
  error.name = message.name;
  return error;
}
