// Chunks of a streamed CSV, parsed in a worker thread ahead of training: while the network
// trains on one chunk, the worker reads and parses the next ones (up to PREFETCH_CHUNKS ahead,
// so memory stays bounded), and hands them over without copying (transferred buffers).
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FormatError } from '../core/errors.js';
import { streamChunks, type Chunk, type StreamPlan } from './csv-stream.js';

/** Chunks the worker may have parsed and not yet handed over. */
export const PREFETCH_CHUNKS = 3;

/** A message from the worker: a chunk, the end, or a failure. */
export type WorkerMessage = { chunk: Chunk } | { done: true } | { error: string; format: boolean };

/** Smaller files are parsed in this thread: starting a thread (~50 ms) costs more than it saves. */
export const PREFETCH_ABOVE_BYTES = 8 * 2 ** 20;

const WORKER_URL = new URL('./chunk-worker.js', import.meta.url);

/**
 * The plan's chunks, parsed in a worker thread when `worker` is true, else in this thread. By
 * default a worker reads files over PREFETCH_ABOVE_BYTES, where the compiled worker exists (run
 * from TypeScript sources, there is none).
 */
export function chunkSource(plan: StreamPlan, worker = (statSync(plan.file, { throwIfNoEntry: false })?.size ?? 0) > PREFETCH_ABOVE_BYTES && existsSync(fileURLToPath(WORKER_URL))): AsyncGenerator<Chunk> {
  return worker ? workerChunks(plan) : inlineChunks(plan);
}

/** Parsing in this thread, a piece of the file at a time. */
export async function* inlineChunks(plan: StreamPlan): AsyncGenerator<Chunk> {
  const ready: Chunk[] = [];
  for (const _ of streamChunks(plan, (chunk) => ready.push(chunk))) {
    while (ready.length > 0) yield ready.shift()!;
  }
  while (ready.length > 0) yield ready.shift()!;
}

async function* workerChunks(plan: StreamPlan): AsyncGenerator<Chunk> {
  const worker = new Worker(WORKER_URL, { workerData: plan });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  const notify = () => { wake?.(); wake = null; };
  worker.on('message', (message: WorkerMessage) => { queue.push(message); notify(); });
  worker.on('error', (error) => { failure = error; notify(); });
  worker.on('exit', (code) => { if (code !== 0) failure ??= new Error(`the CSV reading thread stopped (exit code ${code})`); notify(); });
  try {
    for (;;) {
      while (queue.length === 0) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      const message = queue.shift()!;
      if ('done' in message) return;
      if ('error' in message) throw message.format ? new FormatError(message.error) : new Error(message.error);
      // One chunk taken: the worker may parse one more.
      worker.postMessage(1);
      yield message.chunk;
    }
  } finally {
    await worker.terminate();
  }
}
