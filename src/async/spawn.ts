import type { FromWorker, ToWorker } from './messages.js';
import { startNodeWorker } from '../threads/exec-argv.js';

/** The few things fitAsync does with a worker, the same over Web Workers and worker_threads. */
export interface WorkerHandle {
  post(message: ToWorker, transfer?: ArrayBuffer[]): void;
  onMessage(listener: (message: FromWorker) => void): void;
  onError(listener: (error: Error) => void): void;
  terminate(): void;
}

/**
 * Starts the training worker (./worker.js beside this file). In browsers the literal
 * `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })` is what bundlers
 * such as Vite recognise and bundle without plugins; in Node the same file runs in worker_threads.
 */
export async function startWorker(): Promise<WorkerHandle> {
  if (typeof Worker === 'function') {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    return {
      post: (message, transfer = []) => worker.postMessage(message, transfer),
      onMessage: (listener) => { worker.onmessage = (event: MessageEvent<FromWorker>) => listener(event.data); },
      onError: (listener) => { worker.onerror = (event) => { event.preventDefault(); listener(new Error(event.message || 'the worker failed to load')); }; },
      terminate: () => worker.terminate(),
    };
  }
  // Hidden from bundlers: only Node (and Deno, Bun) get here.
  const threads = 'node:worker_threads';
  const { Worker: NodeWorker } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ threads)) as typeof import('node:worker_threads');
  const worker = startNodeWorker(NodeWorker, new URL('./worker.js', import.meta.url));
  // A training worker must not keep the process alive once its caller is done with it.
  worker.unref();
  return {
    post: (message, transfer = []) => worker.postMessage(message, transfer),
    onMessage: (listener) => { worker.on('message', listener); },
    onError: (listener) => { worker.on('error', listener); },
    terminate: () => { void worker.terminate(); },
  };
}
