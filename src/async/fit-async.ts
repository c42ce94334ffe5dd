import type { MLP } from '../mlp.js';
import type { Matrix, Targets } from '../data.js';
import type { FitOptions } from '../fit.js';
import type { FloatArray } from '../options.js';
import type { Random } from '../random.js';
import type { OptimizerState } from '../optimizers.js';
import { checkFitOptions } from '../fit.js';
import { ValueError, WasmMlpError, describe } from '../errors.js';
import { checkBoolean } from '../validate.js';
import { runBatchLoop, type AsyncFitHistory, type BatchLogs, type BatchLoopOptions } from './batch-loop.js';
import { startWorker, type WorkerHandle } from './spawn.js';
import type { FromWorker, StartMessage } from './messages.js';

/** Options of `fitAsync`: every `fit` option, plus where to train, progress per batch and cancellation. */
export interface FitAsyncOptions extends FitOptions {
  /** Train in a Web Worker (browsers) or a worker_threads Worker (Node). Default false: this thread, yielding between batches. */
  worker?: boolean;
  /** Stops training; the network keeps the weights of the last completed epoch. */
  signal?: AbortSignal;
  /** Called after each step with that batch's loss. */
  onBatchEnd?: (batch: number, logs: BatchLogs) => void;
}

/** Everything training changes: θ, the shuffling and dropout generators, the optimizer's state. */
export interface TrainingState {
  parameters: FloatArray;
  random: number[];
  optimizer: OptimizerState;
  dropoutRandom: number[];
}

/** What `fitAsync` needs from the network beyond its public API: checked data, the generator, its whole training state. */
export interface FitAccess {
  toArrays(fn: string, X: Matrix, Y: Targets): { x: FloatArray; y: FloatArray; rows: number };
  random: Random;
  snapshot(): TrainingState;
  restore(state: TrainingState): void;
}

/** The buffers of a state, to transfer rather than copy. */
export function stateBuffers(state: TrainingState): ArrayBuffer[] {
  return [state.parameters, ...state.optimizer.buffers].map((a) => a.buffer as ArrayBuffer);
}

/** Trains like `fit`, asynchronously; see `FitAsyncOptions`. Resolves with the history ('aborted' if the signal fired). */
export async function fitAsync(net: MLP, access: FitAccess, X: Matrix, Y: Targets, options: FitAsyncOptions = {}): Promise<AsyncFitHistory> {
  const fn = 'fitAsync';
  const { worker = false, signal, onBatchEnd, ...fitOptions } = options ?? {};
  checkBoolean(fn, 'options.worker', worker);
  if (signal !== undefined && !isAbortSignal(signal)) throw new ValueError(`${fn}: options.signal must be an AbortSignal, got ${describe(signal)}`);
  if (onBatchEnd !== undefined && typeof onBatchEnd !== 'function') throw new ValueError(`${fn}: options.onBatchEnd must be a function, got ${describe(onBatchEnd)}`);
  const checked = checkFitOptions(fn, fitOptions);
  const { x, y, rows } = access.toArrays(fn, X, Y);
  const { epochs, batchSize: _b, learningRate, shuffle, onEpochEnd, ...passThrough } = fitOptions;
  const loop: BatchLoopOptions = {
    epochs: checked.epochs, batchSize: checked.batchSize ?? Math.min(32, rows), shuffle: checked.shuffle, learningRate: checked.learningRate,
    passThrough: withoutFunctions(passThrough),
  };
  const rate = checked.learningRate ?? net.optimizer.learningRate;
  const epochEnd = (epoch: number, loss: number) => onEpochEnd?.(epoch, { loss, learningRate: rate });
  if (signal?.aborted) return { loss: [], epochs: 0, stopReason: 'aborted' };
  return worker ? inWorker(net, access, x, y, rows, loop, { signal, onBatchEnd, epochEnd }) : onThisThread(net, access, x, y, rows, loop, { signal, onBatchEnd, epochEnd });
}

interface Callbacks {
  signal: AbortSignal | undefined;
  onBatchEnd: FitAsyncOptions['onBatchEnd'];
  epochEnd: (epoch: number, loss: number) => boolean | void;
}

/** On the calling thread, yielding to the event loop after every batch. */
async function onThisThread(net: MLP, access: FitAccess, x: FloatArray, y: FloatArray, rows: number, loop: BatchLoopOptions, c: Callbacks): Promise<AsyncFitHistory> {
  // What to go back to if aborted mid-epoch: the state the last completed epoch left.
  let saved = access.snapshot();
  const history = await runBatchLoop(net, access.random, x, y, rows, loop, {
    afterBatch: async (batch, logs) => {
      c.onBatchEnd?.(batch, logs);
      await yieldToEventLoop();
    },
    afterEpoch: (epoch, loss) => {
      saved = access.snapshot();
      return c.epochEnd(epoch, loss);
    },
    stopped: () => c.signal?.aborted === true,
  });
  if (history.stopReason === 'aborted') access.restore(saved);
  return history;
}

/** In a worker: the training state and the data go over as transferred buffers; the state comes back after every epoch. */
async function inWorker(net: MLP, access: FitAccess, x: FloatArray, y: FloatArray, rows: number, loop: BatchLoopOptions, c: Callbacks): Promise<AsyncFitHistory> {
  const state = access.snapshot();
  const start: StartMessage = {
    type: 'start', architecture: net.architecture, backend: net.backend, state, x, y, rows, loop,
    reportBatches: c.onBatchEnd !== undefined,
  };
  const worker: WorkerHandle = await startWorker();
  return new Promise<AsyncFitHistory>((resolve, reject) => {
    const history: AsyncFitHistory = { loss: [], epochs: 0, stopReason: 'epochs' };
    let finished = false;
    const finish = (result: AsyncFitHistory | Error) => {
      // Messages already in flight when the worker is stopped must not change the network.
      finished = true;
      c.signal?.removeEventListener('abort', abort);
      worker.terminate();
      if (result instanceof Error) reject(result); else resolve(result);
    };
    // The network already holds the last completed epoch's state: stopping the worker is enough.
    const abort = () => finish({ ...history, stopReason: 'aborted' });
    c.signal?.addEventListener('abort', abort, { once: true });
    worker.onMessage((message: FromWorker) => {
      if (finished) return;
      try {
        if (message.type === 'batch') {
          c.onBatchEnd?.(message.batch, message.logs);
        } else if (message.type === 'epoch') {
          access.restore(message.state);
          history.loss.push(message.loss);
          history.epochs++;
          const go = c.epochEnd(message.epoch, message.loss) !== false;
          if (!go) finish({ ...history, stopReason: 'callback' });
          else worker.post({ type: 'continue' });
        } else if (message.type === 'done') {
          finish(history);
        } else {
          finish(rebuildError(message.name, message.message));
        }
      } catch (error) {
        finish(error as Error);
      }
    });
    worker.onError((error) => finished || finish(new WasmMlpError(`fitAsync: the training worker failed: ${error.message}`)));
    worker.post(start, [...stateBuffers(state), x.buffer as ArrayBuffer, y.buffer as ArrayBuffer]);
  });
}

/** Lets timers, I/O and rendering run: a macrotask turn, not just a microtask. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return typeof value === 'object' && value !== null && typeof (value as AbortSignal).aborted === 'boolean' && typeof (value as AbortSignal).addEventListener === 'function';
}

/** Functions cannot cross to a worker; fitAsync runs its callbacks itself. */
function withoutFunctions<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => typeof v !== 'function')) as T;
}

function rebuildError(name: string, message: string): Error {
  const error = new WasmMlpError(message);
  error.name = name;
  return error;
}
