import type { FitHistory, FitOptions } from '../training/fit.js';
import type { Matrix, Targets } from '../model/data.js';
import type { Metric } from '../training/metrics.js';
import { RATE_CHUNK, checkFitOptions, defaultEpochs, disposedWhileTraining, emptyHistory, trainingRows } from '../training/fit.js';
import { checkRate } from '../training/schedules.js';
import { DisposedError, DivergenceError, FormatError, ShapeError, ValueError, WasmMlpError, WorkerError, type Divergence } from '../core/errors.js';
import { startWorker } from './spawn.js';
import type { FromWorker, StartMessage, WorkerFitOptions } from './messages.js';
import type { FitAccess } from './state.js';
import { transferList } from '../state/network-state.js';

/** Options of `fitAsync`: every `fit` option, plus where to train. */
export interface FitAsyncOptions<M extends readonly Metric[] = readonly Metric[]> extends FitOptions<M> {
  /** Train in a Web Worker (browsers) or a worker_threads Worker (Node). Default false: on this thread, yielding every ~16 ms. */
  worker?: boolean;
}

export type { FitAccess, NetworkState } from './state.js';

/**
 * Trains in a worker, exactly as fitAsync on this thread does: the worker runs the same epoch
 * loop and, at each callback, waits for this thread to call it and answer (a stop, an abort).
 * The data and the training state cross as transferred buffers; after every epoch the worker
 * sends its state back and this network takes it, and the final state (restoreBest's θ, an
 * interrupted epoch undone) ends the call.
 */
export async function fitInWorker(access: FitAccess, X: Matrix, Y: Targets, options: FitOptions): Promise<FitHistory> {
  const fn = 'fitAsync';
  const checked = checkFitOptions(fn, options, access.architecture);
  const data = access.toArrays(fn, X, Y, '', checked.sampleWeight);
  if (options.epochs === undefined) checked.epochs = defaultEpochs(trainingRows(data.rows, checked.validationSplit), checked.batchSize);
  const { schedule, rates } = scheduleForWorker(fn, checked.schedule, checked.epochs, access.epoch);
  // Everything fit would refuse is refused here, before a worker starts.
  access.check(fn, X, Y, { ...options, schedule });
  // fitAsync encoded raw rows and class names before this call.
  const v = checked.validationData;
  const validation = v ? access.toArrays(fn, v.X as Matrix, v.Y as Targets, 'options.validationData.', v.sampleWeight) : undefined;
  // Only checked, plain data crosses: whatever else the caller's options hold stays here.
  const fitOptions = definedOnly<WorkerFitOptions>({
    epochs: checked.epochs, batchSize: checked.batchSize, learningRate: checked.learningRate, shuffle: checked.shuffle,
    validationSplit: checked.validationSplit, validationShuffle: checked.validationShuffle || undefined, stratify: options.stratify, metrics: checked.metrics, errorThreshold: checked.errorThreshold, onDivergence: checked.onDivergence,
    earlyStopping: checked.earlyStopping ?? undefined,
    optimizer: access.fitOptimizer(fn, options.optimizer),
    schedule: typeof schedule === 'function' ? undefined : schedule,
    scheduleRates: rates,
    sampleWeight: data.w ?? undefined,
    validationData: validation && { x: validation.x, y: validation.y, rows: validation.rows, w: validation.w ?? null },
  });
  const state = access.snapshot();
  const { signal, onBatchEnd, onEpochEnd } = checked;
  const worker = await startWorker().catch((error: unknown) => {
    throw new WorkerError(`fitAsync: the training worker could not start (${error instanceof Error ? error.message : String(error)}); train without { worker: true }`);
  });
  // fitAsync trains only after the event loop has run once: an abort or a dispose meanwhile wins.
  if (access.disposed) {
    worker.terminate();
    throw disposedWhileTraining(fn);
  }
  if (signal?.aborted) {
    worker.terminate();
    return { ...emptyHistory(checked.metrics, (checked.validationSplit ?? 0) > 0 || validation !== undefined), stopReason: 'aborted' };
  }
  const start: StartMessage = {
    type: 'start', architecture: access.architecture, backend: access.backend, threads: access.threads, state, x: data.x, y: data.y, rows: data.rows,
    options: fitOptions, reportBatches: onBatchEnd !== undefined, awaitEpochs: onEpochEnd !== undefined, watchSignal: signal !== undefined,
  };
  const transfer = [...transferList(state), data.x.buffer as ArrayBuffer, data.y.buffer as ArrayBuffer];
  if (validation) transfer.push(validation.x.buffer as ArrayBuffer, validation.y.buffer as ArrayBuffer);
  return new Promise<FitHistory>((resolve, reject) => {
    let finished = false;
    const finish = (result: FitHistory | Error) => {
      // Messages already in flight when the worker is ended must not change the network.
      finished = true;
      signal?.removeEventListener('abort', abort);
      worker.terminate();
      if (result instanceof Error) reject(result); else resolve(result);
    };
    const abort = () => worker.post({ type: 'abort' });
    signal?.addEventListener('abort', abort, { once: true });
    const answer = (value: boolean | void) => {
      if (access.disposed) finish(disposedWhileTraining(fn));
      else worker.post({ type: 'answer', stop: value === false, aborted: signal?.aborted ?? false });
    };
    worker.onMessage((message: FromWorker) => {
      if (finished) return;
      try {
        if (access.disposed) throw disposedWhileTraining(fn);
        if (message.type === 'batch') {
          answer(onBatchEnd!(message.batch, message.logs));
        } else if (message.type === 'epoch') {
          access.restore(message.state);
          if (onEpochEnd) answer(onEpochEnd(message.epoch, message.logs));
        } else if (message.type === 'done') {
          // The final state may differ from the last epoch's (restoreBest, an interrupted epoch undone).
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
    worker.onError((error) => finished || finish(new WorkerError(`fitAsync: the training worker failed: ${error.message}`)));
    try {
      worker.post(start, transfer);
    } catch (error) {
      finish(new ValueError(`fitAsync: the training could not be sent to a worker (${(error as Error).message})`));
    }
  });
}

/**
 * A schedule function cannot cross to a worker: its rates for this call's epochs can, computed
 * (and checked) here, once. Beyond RATE_CHUNK epochs that list would grow with options.epochs.
 */
function scheduleForWorker(fn: string, schedule: FitOptions['schedule'], epochs: number, first: number): { schedule: FitOptions['schedule']; rates?: { first: number; rates: number[] } } {
  if (typeof schedule !== 'function') return { schedule };
  if (epochs > RATE_CHUNK) {
    throw new ValueError(`fitAsync: with { worker: true } a schedule function is evaluated before training for every epoch, so options.epochs must be at most ${RATE_CHUNK}, got ${epochs}; use a schedule object, or train in several calls`);
  }
  const rates = Array.from({ length: epochs }, (_, i) => checkRate(fn, first + i, schedule(first + i)));
  return { schedule: (epoch: number) => rates[epoch - first], rates: { first, rates } };
}

/** The object without its undefined entries. */
function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The worker's error as the class it had there, so `instanceof` works across the thread boundary. */
function rebuildError(message: { name: string; message: string; divergence?: Divergence }): Error {
  if (message.divergence) return new DivergenceError(message.message, message.divergence);
  const classes: Record<string, typeof WasmMlpError> = { ShapeError, ValueError, FormatError, DisposedError };
  const error = new (classes[message.name] ?? WasmMlpError)(message.message);
  error.name = message.name;
  return error;
}
