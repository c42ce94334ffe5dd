import type { Engine } from '../engine.js';
import type { Architecture } from '../options.js';
import { WorkerError } from '../errors.js';
import { parameterLayout } from '../layout.js';
import { createWasmEngine, type KernelHost, type Kernels } from './engine.js';
import { kernelModule, kernelVariant } from './loader.js';
import { singleThreadHost } from './host.js';
import { WorkerPool } from '../threads/pool.js';
import { waitImport } from '../threads/wait.js';
import { availableCores, canBlock, threadsUnavailableReason, type ThreadsOption } from '../threads/support.js';

/** Exports only the threaded build has (assembly/parallel.ts). */
interface ParallelKernels extends Kernels {
  controlBytes(): number;
  resetControl(ctrl: number, threads: number): void;
  stopWorkers(ctrl: number): void;
  abortAll(ctrl: number): void;
  parallelForward(ctrl: number, threads: number, canBlock: boolean, desc: number, x: number, rows: number): void;
  parallelBackward(ctrl: number, threads: number, canBlock: boolean, desc: number, x: number, y: number, rows: number): number;
  parallelStep(ctrl: number, threads: number, canBlock: boolean, desc: number, params: number, grads: number, count: number, x: number, y: number, rows: number, learningRate: number): number;
  parallelEpoch(ctrl: number, threads: number, canBlock: boolean, desc: number, params: number, grads: number, count: number, dataX: number, dataY: number, order: number, samples: number, batchSize: number, batchX: number, batchY: number, learningRate: number): number;
  parallelEpochs(ctrl: number, threads: number, canBlock: boolean, desc: number, params: number, grads: number, count: number, dataX: number, dataY: number, order: number, samples: number, batchSize: number, batchX: number, batchY: number, learningRate: number, epochs: number, shuffle: number, state: number, losses: number): void;
  parallelBatches(ctrl: number, threads: number, canBlock: boolean, desc: number, params: number, grads: number, count: number, dataX: number, dataY: number, order: number, samples: number, batchSize: number, firstBatch: number, batchCount: number, batchX: number, batchY: number, learningRate: number): number;
}

// Control block words (assembly/control.ts byte offsets / 4).
const ABORT = 3;
const FAULT = 4;
const ACTIVE = 5;
const ERROR_LENGTH = 80;

/**
 * Below this many multiply-adds per thread and forward pass (batch rows × parameters), waking
 * another thread and the barriers between phases cost more than the thread saves: such calls
 * use fewer threads, down to one (the seed's network, 2-D toys).
 */
const WORK_PER_THREAD = 1 << 20;
let workPerThread = WORK_PER_THREAD;

/** Internal, for tests: the work threshold (0 runs even the smallest call on every thread); no argument restores it. */
export function setWorkPerThread(work = WORK_PER_THREAD): void {
  workPerThread = work;
}
/** 'auto' uses at most this many threads: beyond it a batch is split too finely to gain. */
const AUTO_MAX_THREADS = 16;
/** How long the caller waits for the other threads to leave a failed command. */
const SETTLE_MS = 10_000;

/** Threading facts of an engine, readable as `net.threads` and `net.threadsFallbackReason`. */
interface Threading {
  threads: number;
  threadsFallbackReason: string | null;
  /** Calls that ran on more than one thread (observable by tests). */
  parallelCalls: number;
  /** Test hook: makes thread `thread` (0 = the caller) trap at the start of its next command. */
  injectFault(thread: number): void;
}

/**
 * A wasm engine whose training and inference calls run on `threads` threads (see
 * assembly/parallel.ts), or on one thread with the reason when threads are unavailable.
 * Results are bit-identical to one thread, so a fallback changes speed only.
 */
export async function createThreadedEngine(arch: Architecture, request: ThreadsOption): Promise<Engine> {
  const unavailable = request === 1 ? null : threadsUnavailableReason();
  let threads = request === 'auto' ? Math.min(await availableCores(), AUTO_MAX_THREADS) : request;
  let reason: string | null = null;
  if (threads > 1 && unavailable) {
    reason = unavailable;
    threads = 1;
  } else if (request === 'auto' && threads === 1) {
    reason = 'only one CPU core is available';
  }
  if (threads === 1) return withThreading(await createWasmEngine(arch, await singleThreadHost(arch)), singleThread(reason));
  let host: ThreadedHost;
  try {
    host = await threadedHost(arch, threads);
  } catch (error) {
    const why = `the worker threads could not start (${error instanceof Error ? error.message : String(error)})`;
    return withThreading(await createWasmEngine(arch, await singleThreadHost(arch)), singleThread(why));
  }
  return withThreading(await createWasmEngine(arch, host), host.threading);
}

function singleThread(reason: string | null): Threading {
  return { threads: 1, threadsFallbackReason: reason, parallelCalls: 0, injectFault: () => {} };
}

function withThreading(engine: Engine, threading: Threading): Engine {
  Object.defineProperties(engine, {
    threads: { get: () => threading.threads, enumerable: true },
    threadsFallbackReason: { get: () => threading.threadsFallbackReason, enumerable: true },
    threading: { value: threading },
  });
  return engine;
}

interface ThreadedHost extends KernelHost {
  threading: Threading;
}

async function threadedHost(arch: Architecture, threads: number): Promise<ThreadedHost> {
  // The same build as one thread would use, so results stay bit-identical to it.
  const module = await kernelModule(arch.dtype, kernelVariant(), true);
  const memory = sharedMemory();
  const k = (await WebAssembly.instantiate(module, { env: { memory, wait32: waitImport(memory) } })).exports as unknown as ParallelKernels;
  const ctrl = Math.ceil(k.heapBase() / 64) * 64;
  // A view of a SharedArrayBuffer never detaches, and the control block never moves.
  const controlBytes = k.controlBytes();
  const control = new Int32Array(memory.buffer, ctrl, controlBytes / 4);
  const blocking = canBlock();
  const parameters = parameterLayout(arch).parameterCount;

  let pool: WorkerPool | null = null;
  let disposed = false;
  const threading: Threading = {
    threads,
    threadsFallbackReason: null,
    parallelCalls: 0,
    injectFault: (thread) => Atomics.store(control, FAULT, thread + 1),
  };

  async function start(): Promise<void> {
    k.resetControl(ctrl, threads);
    const started = await WorkerPool.start(threads - 1, { module, memory, ctrl });
    if (disposed) {
      void started.terminate();
      return;
    }
    started.onLost = () => replace(started);
    pool = started;
  }

  /** Ends a failed pool and starts another; calls run on one thread (same results) meanwhile. */
  function replace(failed: WorkerPool): void {
    if (pool !== failed) return;
    pool = null;
    void failed.terminate().then(() => (disposed ? undefined : start())).catch((error: unknown) => {
      threading.threads = 1;
      threading.threadsFallbackReason = `the worker threads failed and could not restart (${error instanceof Error ? error.message : String(error)})`;
    });
  }

  /** Threads worth using for `rows` rows: one below the work threshold. */
  function share(rows: number): number {
    if (!pool) return 1;
    return Math.max(1, Math.min(threads, workPerThread === 0 ? threads : Math.floor((rows * parameters) / workPerThread)));
  }

  /** Runs a parallel command; a failure in any thread ends it everywhere and surfaces here. */
  function guarded<T>(run: () => T): T {
    const current = pool!;
    threading.parallelCalls++;
    let result: T;
    try {
      result = run();
    } catch (error) {
      // The caller's own share failed: release the workers waiting for it.
      k.abortAll(ctrl);
      settle();
      replace(current);
      throw error;
    }
    if (Atomics.load(control, ABORT) !== 0) {
      settle();
      const message = failureMessage();
      replace(current);
      throw new WorkerError(`${message}. The call was abandoned; the network stays usable (on one thread until new workers have started)`);
    }
    return result;
  }

  /** Waits until every worker has left the aborted command, so none still writes the arena. */
  function settle(): void {
    const deadline = Date.now() + SETTLE_MS;
    for (let active = Atomics.load(control, ACTIVE); active > 0 && Date.now() < deadline; active = Atomics.load(control, ACTIVE)) {
      if (blocking) Atomics.wait(control, ACTIVE, active, 50);
    }
  }

  function failureMessage(): string {
    const length = Atomics.load(control, ERROR_LENGTH);
    if (length <= 0) return 'a worker thread failed';
    const start = ctrl + ERROR_LENGTH * 4 + 4;
    // TextDecoder refuses views of shared memory: decode a copy.
    return new TextDecoder().decode(new Uint8Array(memory.buffer).slice(start, start + length));
  }

  await start();

  const kernels: Kernels = {
    ...k,
    // The control block sits where the arena would otherwise begin.
    heapBase: () => ctrl + controlBytes,
    forward(desc, x, rows) {
      const t = share(rows);
      if (t === 1) k.forward(desc, x, rows);
      else guarded(() => k.parallelForward(ctrl, t, blocking, desc, x, rows));
    },
    backward(desc, x, y, rows) {
      const t = share(rows);
      return t === 1 ? k.backward(desc, x, y, rows) : guarded(() => k.parallelBackward(ctrl, t, blocking, desc, x, y, rows));
    },
    trainStep(desc, params, grads, count, x, y, rows, learningRate) {
      const t = share(rows);
      return t === 1
        ? k.trainStep(desc, params, grads, count, x, y, rows, learningRate)
        : guarded(() => k.parallelStep(ctrl, t, blocking, desc, params, grads, count, x, y, rows, learningRate));
    },
    trainEpoch(desc, params, grads, count, dataX, dataY, order, samples, batchSize, batchX, batchY, learningRate) {
      const t = share(Math.min(batchSize, samples));
      return t === 1
        ? k.trainEpoch(desc, params, grads, count, dataX, dataY, order, samples, batchSize, batchX, batchY, learningRate)
        : guarded(() => k.parallelEpoch(ctrl, t, blocking, desc, params, grads, count, dataX, dataY, order, samples, batchSize, batchX, batchY, learningRate));
    },
    trainEpochs(desc, params, grads, count, dataX, dataY, order, samples, batchSize, batchX, batchY, learningRate, epochs, shuffle, state, losses) {
      const t = share(Math.min(batchSize, samples));
      if (t === 1) k.trainEpochs(desc, params, grads, count, dataX, dataY, order, samples, batchSize, batchX, batchY, learningRate, epochs, shuffle, state, losses);
      else guarded(() => k.parallelEpochs(ctrl, t, blocking, desc, params, grads, count, dataX, dataY, order, samples, batchSize, batchX, batchY, learningRate, epochs, shuffle, state, losses));
    },
    trainBatches(desc, params, grads, count, dataX, dataY, order, samples, batchSize, firstBatch, batchCount, batchX, batchY, learningRate) {
      const t = share(Math.min(batchSize, samples));
      return t === 1
        ? k.trainBatches(desc, params, grads, count, dataX, dataY, order, samples, batchSize, firstBatch, batchCount, batchX, batchY, learningRate)
        : guarded(() => k.parallelBatches(ctrl, t, blocking, desc, params, grads, count, dataX, dataY, order, samples, batchSize, firstBatch, batchCount, batchX, batchY, learningRate));
    },
  };
  return {
    memory,
    kernels,
    threading,
    dispose() {
      disposed = true;
      if (!pool) return;
      k.stopWorkers(ctrl);
      void pool.terminate();
      pool = null;
    },
  };
}

/** Shared memory as large as the engine allows: it cannot move when grown, so its maximum is reserved up front. */
function sharedMemory(): WebAssembly.Memory {
  for (const maximum of [65536, 16384, 4096]) {
    try {
      return new WebAssembly.Memory({ initial: 1, maximum, shared: true });
    } catch {
      // Try a smaller reservation (32-bit or memory-constrained engines).
    }
  }
  throw new Error('could not reserve shared WebAssembly memory');
}
