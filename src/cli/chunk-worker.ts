// The worker thread of prefetch.ts: parses a plan's chunks and posts them, at most
// PREFETCH_CHUNKS ahead of what the main thread has taken.
import { parentPort, workerData } from 'node:worker_threads';
import { FormatError } from '../core/errors.js';
import { streamChunks, type Chunk, type StreamPlan } from './csv-stream.js';
import { PREFETCH_CHUNKS, type WorkerMessage } from './prefetch.js';

const port = parentPort!;
let credits = PREFETCH_CHUNKS;
let wake: (() => void) | null = null;
port.on('message', (n: number) => {
  credits += n;
  wake?.();
  wake = null;
});

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function send(chunk: Chunk): Promise<void> {
  while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
  credits--;
  post({ chunk }, [chunk.X.buffer as ArrayBuffer, chunk.Y.buffer as ArrayBuffer]);
}

try {
  const ready: Chunk[] = [];
  for (const _ of streamChunks(workerData as StreamPlan, (chunk) => ready.push(chunk))) {
    while (ready.length > 0) await send(ready.shift()!);
  }
  while (ready.length > 0) await send(ready.shift()!);
  post({ done: true });
} catch (error) {
  post({ error: (error as Error).message, format: error instanceof FormatError });
}
port.unref();
