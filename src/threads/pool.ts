import { isNode } from './support.js';
import { startNodeWorker } from './exec-argv.js';

/** What every worker of a network is given: the kernels, the shared memory, the control block. */
export interface WorkerInit {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrl: number;
  /** One i32 each worker adds 1 to as it enters its loop: a caller can wait for it without the event loop. */
  started?: Int32Array;
}

/** Node's Worker class, loaded ahead so workers can start inside a synchronous call. */
export type NodeWorker = typeof import('node:worker_threads').Worker;

/** Loads Node's Worker class (null elsewhere). */
export async function loadNodeWorker(): Promise<NodeWorker | null> {
  if (!isNode()) return null;
  const nodeThreads = 'node:worker_threads';
  return ((await import(/* @vite-ignore */ /* webpackIgnore: true */ nodeThreads)) as typeof import('node:worker_threads')).Worker;
}

interface Message {
  type: 'ready' | 'error' | 'stopped' | 'failed' | 'exit';
  message?: string;
}

/** One worker, the same shape in Node and in browsers. */
interface Thread {
  post(message: unknown): void;
  /** Lets the process exit while this worker lives (Node); a no-op in browsers. */
  unref(): void;
  terminate(): Promise<void>;
}

/**
 * The n − 1 workers of one network. They are started once, sit blocked in wasm between
 * commands, and are ended by `terminate` (the network's dispose) or replaced after a failure.
 */
export class WorkerPool {
  /** Called when a worker ends without being told to (its process or thread died). */
  onLost: ((reason: string) => void) | null = null;
  private ending = false;

  private constructor(private readonly threads: Thread[]) {}

  /** Starts `count` workers and resolves once each has instantiated the kernels and entered its loop. */
  static async start(count: number, init: WorkerInit): Promise<WorkerPool> {
    return WorkerPool.launch(count, init, await loadNodeWorker()).ready;
  }

  /**
   * Starts `count` workers. With Node's Worker class they are created and sent their work
   * synchronously, so the caller may block until `init.started` counts them all (a synchronous
   * call that needs them); `ready` resolves once each has entered its loop. Throws when Node
   * refuses to create a worker, so that no caller waits for workers that cannot start.
   */
  static launch(count: number, init: WorkerInit, nodeWorker: NodeWorker | null): { pool: WorkerPool; ready: Promise<WorkerPool> } {
    const threads: Thread[] = [];
    const pool = new WorkerPool(threads);
    let ready = false;
    let failure: unknown = null;
    const started = Array.from({ length: count }, (_, i) => new Promise<void>((resolve, reject) => {
      const listener = (m: Message) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'error' || m.type === 'exit') {
          const reason = m.message ?? `worker thread ${i + 1} exited`;
          if (!ready) failedToStart(init);
          reject(new Error(reason));
          if (ready && !pool.ending) pool.onLost?.(reason);
        }
      };
      const begin = (thread: Thread) => {
        threads.push(thread);
        thread.post({ ...init, thread: i + 1 });
      };
      if (!nodeWorker) spawnWeb(listener).then(begin, reject);
      else if (failure === null) {
        try {
          begin(spawnNode(nodeWorker, listener));
        } catch (error) {
          failure = error;
          reject(error);
        }
      } else reject(failure);
    }));
    if (failure !== null) {
      // A worker Node refused to create: the caller must not wait for it (nor for the others).
      pool.ending = true;
      void Promise.allSettled(started);
      void pool.terminate();
      throw failure;
    }
    const whenReady = Promise.all(started).then(
      () => {
        ready = true;
        // Blocked workers must not keep a process alive that forgot to dispose its network.
        for (const t of threads) t.unref();
        return pool;
      },
      async (error: unknown) => {
        pool.ending = true;
        await Promise.all(threads.map((t) => t.terminate()));
        throw error;
      },
    );
    return { pool, ready: whenReady };
  }

  /** Ends every worker (they may be blocked in wasm: termination interrupts the wait). */
  terminate(): Promise<void> {
    this.ending = true;
    return Promise.all(this.threads.map((t) => t.terminate())).then(() => undefined);
  }
}

/** Counts a worker that will never enter its loop, for a caller blocked waiting for them (init.started[1]). */
function failedToStart(init: WorkerInit): void {
  if (!init.started) return;
  Atomics.add(init.started, 1, 1);
  Atomics.notify(init.started, 0);
}

function spawnNode(Worker: NodeWorker, listener: (m: Message) => void): Thread {
  const worker = startNodeWorker(Worker, new URL('./worker.js', import.meta.url));
  worker.on('message', listener);
  worker.on('error', (error) => listener({ type: 'error', message: String(error) }));
  worker.on('exit', (code) => listener({ type: 'exit', message: `a worker thread exited with code ${code}` }));
  return {
    post: (message) => worker.postMessage(message),
    unref: () => worker.unref(),
    terminate: () => worker.terminate().then(() => undefined),
  };
}

async function spawnWeb(listener: (m: Message) => void): Promise<Thread> {
  // The literal `new Worker(new URL(…, import.meta.url))` lets bundlers find and emit the file.
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.addEventListener('message', (event: MessageEvent<Message>) => listener(event.data));
  worker.addEventListener('error', (event) => listener({ type: 'error', message: event.message || 'a worker thread failed to load' }));
  return {
    post: (message) => worker.postMessage(message),
    unref: () => {},
    terminate: async () => worker.terminate(),
  };
}
