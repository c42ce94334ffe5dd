import type { Engine } from '../engine/engine.js';
import type { Architecture } from '../model/options.js';
import { WorkerError } from '../core/errors.js';
import type { instantiate as instantiateThreaded } from './build/kernels-threads.js';
import { createWasmEngine, type KernelHost, type Kernels } from './engine.js';
import { startOnOneThread } from './auto-engine.js';
import { BlockAccess, readBlocks, type Blocks } from './blocks.js';
import { kernelModule, kernelVariant } from './loader.js';
import { singleThreadHost } from './host.js';
import { WorkerPool, loadNodeWorker } from '../threads/pool.js';
import { clock, waitImport } from '../threads/wait.js';
import { WORK_PER_THREAD, availableCores, batchesUseThreads, canBlock, threadsUnavailableReason, type ThreadsOption } from '../threads/support.js';

/** The threaded build's exports (assembly/threads.ts), as the compiler declares them. */
type ThreadedKernels = Awaited<ReturnType<typeof instantiateThreaded>>;

let workPerThread = WORK_PER_THREAD;

/** Internal, for tests: the work threshold (0 runs even the smallest call on every thread); no argument restores it. */
export function setWorkPerThread(work = WORK_PER_THREAD): void {
  workPerThread = work;
}
/** 'auto' uses at most this many threads: beyond it a batch is split too finely to gain. */
const AUTO_MAX_THREADS = 16;
/** fit's default batch size: 'auto' networks for which it is not worth threads start on the one-thread build. */
const DEFAULT_BATCH_ROWS = 32;
/** How long the caller waits for the other threads to leave a failed command. */
const SETTLE_MS = 10_000;
/** How long a synchronous call waits for 'auto' workers to start; past it, it runs on one thread. */
const STARTUP_MS = 10_000;

/** Threading facts of an engine, readable as `net.threads` and `net.threadsFallbackReason` (and by tests through src/api/test-seam.ts). */
export interface Threading {
  threads: number;
  threadsFallbackReason: string | null;
  /** Calls that ran on more than one thread (observable by tests). */
  parallelCalls: number;
  /** Barriers those calls passed (observable by tests: the count per step is documented). */
  barriers: number;
  /** Worker threads running now (observable by tests: 'auto' starts them at the first call worth them). */
  workers: number;
  /** Where each thread's share of a phase starts, as fractions (observable by tests: they follow the threads' speeds). */
  cuts(): number[];
  /** Where the threads' control block lies in the engine's shared memory; null on one thread. */
  control: ControlBlock | null;
}

/** The control block of a threaded engine (assembly/blocks.ts `Control`, the balance table after it), in its memory. */
export interface ControlBlock {
  memory: WebAssembly.Memory;
  address: number;
  blocks: Blocks;
}

/**
 * A wasm engine whose training and inference calls run on `threads` threads (see
 * assembly/network.ts), or on one thread with the reason when threads are unavailable.
 * Results are bit-identical to one thread, so a fallback changes speed only. With 'auto' the
 * workers start at the first call whose batch is worth more than one thread; until then a
 * small network computes on the one-thread build (src/wasm/auto-engine.ts). A network whose
 * batches never are worth it (a 2-D toy) never leaves the one-thread build.
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
  if (threads === 1) return withThreading(await createWasmEngine(arch, await singleThreadHost(arch)), singleThread(reason), request);
  let host: ThreadedHost;
  try {
    host = await threadedHost(arch, threads, request === 'auto');
  } catch (error) {
    const why = `the worker threads could not start (${error instanceof Error ? error.message : String(error)})`;
    return withThreading(await createWasmEngine(arch, await singleThreadHost(arch)), singleThread(why), request);
  }
  const threaded = await createWasmEngine(arch, host);
  const parameters = threaded.layout.parameterCount;
  const worth = (rows: number) => batchesUseThreads(rows, parameters, workPerThread);
  // A network whose batches of fit's default size already are worth threads starts on them; a
  // smaller one (under 65,536 parameters, whose θ, ∇θ and optimizer state both builds then hold
  // until it moves) on the one-thread build.
  if (request !== 'auto' || worth(DEFAULT_BATCH_ROWS)) return withThreading(threaded, host.threading, request);
  const { threading } = host;
  const refused = (error: unknown) => {
    threading.threads = 1;
    threading.threadsFallbackReason = `the network could not move to the threaded build (${error instanceof Error ? error.message : String(error)})`;
  };
  return withThreading(startOnOneThread(await createWasmEngine(arch, await singleThreadHost(arch)), threaded, worth, refused), threading, request);
}

function singleThread(reason: string | null): Threading {
  return { threads: 1, threadsFallbackReason: reason, parallelCalls: 0, barriers: 0, workers: 0, cuts: () => [0, 1], control: null };
}

function withThreading(engine: Engine, threading: Threading, request: ThreadsOption): Engine {
  Object.defineProperties(engine, {
    threadsRequested: { value: request, enumerable: true },
    threads: { get: () => threading.threads, enumerable: true },
    threadsFallbackReason: { get: () => threading.threadsFallbackReason, enumerable: true },
    threading: { value: threading },
  });
  return engine;
}

interface ThreadedHost extends KernelHost {
  threading: Threading;
}

async function threadedHost(arch: Architecture, threads: number, startLazily: boolean): Promise<ThreadedHost> {
  let lazy = startLazily;
  // The same build as one thread would use, so results stay bit-identical to it.
  const module = await kernelModule(arch.dtype, kernelVariant(), true);
  const memory = sharedMemory();
  const k = (await WebAssembly.instantiate(module, { env: { memory, wait32: waitImport(memory), now: clock } })).exports as unknown as ThreadedKernels;
  const blocks = readBlocks(module, k as unknown as Record<string, unknown>);
  const ctrl = Math.ceil(k.heapBase() / 64) * 64;
  const control = new BlockAccess(memory, blocks.Control, ctrl);
  // A view of a SharedArrayBuffer never detaches, and the control block never moves.
  const words = new Int32Array(memory.buffer, ctrl, blocks.Control.size / 4);
  const word = (field: 'abort' | 'active' | 'errorLength') => blocks.Control.offset[field] / 4;
  const blocking = canBlock();
  const nodeWorker = await loadNodeWorker();

  /** The workers calls may use; `starting` while they start. */
  let pool: WorkerPool | null = null;
  let starting: Promise<void> | null = null;
  let disposed = false;
  const threading: Threading = {
    threads,
    threadsFallbackReason: null,
    get parallelCalls() { return control.get('parallelCalls'); },
    get barriers() { return control.get('barriers'); },
    get workers() { return pool ? threads - 1 : 0; },
    cuts: () => Array.from({ length: threads + 1 }, (_, t) => k.shareCut(ctrl, t, threads)),
    control: { memory, address: ctrl, blocks },
  };

  /**
   * Starts the workers; calls use them once every one has entered its loop. With `waitHere`
   * (Node, on a thread that may block) the caller waits for them here, without the event loop,
   * so the synchronous call that needs them already runs on them.
   */
  function start(waitHere: boolean): Promise<void> {
    k.resetControl(ctrl, threads, blocking);
    // [workers in their loop, workers that failed to start]
    const started = new Int32Array(new SharedArrayBuffer(8));
    const launch = WorkerPool.launch(threads - 1, { module, memory, ctrl, started }, nodeWorker);
    const use = () => {
      if (disposed || pool === launch.pool) return;
      launch.pool.onLost = () => replace(launch.pool);
      pool = launch.pool;
      control.set('available', threads);
    };
    const ready = launch.ready.then(() => {
      starting = null;
      if (disposed) void launch.pool.terminate();
      else use();
    }, (error: unknown) => {
      starting = null;
      throw error;
    });
    starting = ready;
    if (waitHere && nodeWorker && blocking && waitForWorkers(started, threads - 1)) use();
    return ready;
  }

  /** Whether a call of `name` with `args` has batches worth more than one thread (as threadsFor decides in the kernels). */
  let words32 = new Int32Array(memory.buffer);
  const { batchSize, sampleCount, parameterCount } = blocks.Network.offset;
  function worthThreads(name: string, network: number, rowsArgument: number): boolean {
    if (network + blocks.Network.size > words32.byteLength) words32 = new Int32Array(memory.buffer);
    const rows = name === 'trainBatches' || name === 'trainEpochs' ? Math.min(words32[(network + batchSize) >> 2], words32[(network + sampleCount) >> 2]) : rowsArgument;
    return batchesUseThreads(rows, words32[(network + parameterCount) >> 2], workPerThread);
  }

  /** Without workers: whether this call should start them ('auto', and its batch is worth it); it then runs guarded. */
  function startsWorkers(name: string, network: number, rows: number): boolean {
    if (!lazy || starting || disposed || !worthThreads(name, network, rows)) return false;
    startForCall();
    return true;
  }

  /** 'auto': starts the workers at the first call worth them; if they cannot start, the network stays on one thread and says why. */
  function startForCall(): void {
    try {
      start(true).catch(fallBack);
    } catch (error) {
      fallBack(error);
    }
  }

  function fallBack(error: unknown): void {
    starting = null;
    lazy = false;
    threading.threads = 1;
    threading.threadsFallbackReason = `the worker threads could not start (${error instanceof Error ? error.message : String(error)})`;
  }

  /** Ends a failed pool and starts another; calls run on one thread (same results) meanwhile. */
  function replace(failed: WorkerPool): void {
    if (pool !== failed) return;
    pool = null;
    control.set('available', 1);
    void failed.terminate().then(() => (disposed ? undefined : start(false))).catch((error: unknown) => {
      threading.threads = 1;
      threading.threadsFallbackReason = `the worker threads failed and could not restart (${error instanceof Error ? error.message : String(error)})`;
    });
  }

  /** Runs a call that may use the threads; a failure in any thread ends it everywhere and surfaces here. */
  function guarded<T>(run: () => T): T {
    const current = pool;
    control.set('workPerThread', workPerThread);
    let result: T;
    try {
      result = run();
    } catch (error) {
      if (!current) throw error;
      // The caller's own share failed: release the workers waiting for it.
      k.abortAll(ctrl);
      settle();
      replace(current);
      throw error;
    }
    if (current && Atomics.load(words, word('abort')) !== 0) {
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
    for (let active = Atomics.load(words, word('active')); active > 0 && Date.now() < deadline; active = Atomics.load(words, word('active'))) {
      if (blocking) Atomics.wait(words, word('active'), active, 50);
    }
  }

  function failureMessage(): string {
    const length = Atomics.load(words, word('errorLength'));
    if (length <= 0) return 'a worker thread failed';
    const start = ctrl + blocks.Control.size;
    // TextDecoder refuses views of shared memory: decode a copy.
    return new TextDecoder().decode(new Uint8Array(memory.buffer).slice(start, start + length));
  }

  if (lazy) k.resetControl(ctrl, threads, blocking);
  else await start(false);

  /** Whether a call runs guarded on the workers: they are running, or this call starts them. */
  const parallel = (name: string, network: number, rows: number): boolean => pool !== null || startsWorkers(name, network, rows);
  // One function literal per call: a wrapper shared by every call would make its call of the
  // export polymorphic, which V8 cannot inline (~60 ns more per call, most of a seed-size step).
  // Without workers a call goes straight to the export, with its own arity: on a network too
  // small for threads, 'auto' costs what one thread does.
  const kernels: Kernels = {
    ...(k as unknown as Kernels),
    forward: (net, rows, batchStatistics) => (parallel('forward', net, rows) ? guarded(() => k.forward(net, rows, batchStatistics)) : k.forward(net, rows, batchStatistics)),
    backward: (net, rows) => (parallel('backward', net, rows) ? guarded(() => k.backward(net, rows)) : k.backward(net, rows)),
    trainStep: (net, rows, rate) => (parallel('trainStep', net, rows) ? guarded(() => k.trainStep(net, rows, rate)) : k.trainStep(net, rows, rate)),
    trainBatches: (net, first, count, rate) => (parallel('trainBatches', net, first) ? guarded(() => k.trainBatches(net, first, count, rate)) : k.trainBatches(net, first, count, rate)),
    trainEpochs: (net, epochs, shuffle, rate) => (parallel('trainEpochs', net, epochs) ? guarded(() => k.trainEpochs(net, epochs, shuffle, rate)) : k.trainEpochs(net, epochs, shuffle, rate)),
  };
  return {
    memory,
    kernels,
    blocks,
    // The control block, a failed worker's message and the balance table sit where the arena would otherwise begin.
    arenaStart: ctrl + blocks.Control.size + blocks.controlTail,
    control: ctrl,
    threading,
    dispose() {
      disposed = true;
      if (!pool) return; // workers still starting end when they are ready
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

/** Blocks until `count` workers have entered their loop; false if one failed or they took too long. */
function waitForWorkers(started: Int32Array, count: number): boolean {
  const deadline = Date.now() + STARTUP_MS;
  for (let now = Atomics.load(started, 0); now < count; now = Atomics.load(started, 0)) {
    if (Atomics.load(started, 1) > 0 || Date.now() >= deadline) return false;
    Atomics.wait(started, 0, now, 50);
  }
  return true;
}
