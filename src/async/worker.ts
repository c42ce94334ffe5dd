// The training worker behind `fitAsync(…, { worker: true })`: rebuilds the network from the
// transferred θ, runs the batch loop, and reports each batch and epoch back.
import { MLP, fitAccess } from '../mlp.js';
import { runBatchLoop } from './batch-loop.js';
import { stateBuffers } from './fit-async.js';
import type { FromWorker, StartMessage, ToWorker } from './messages.js';

interface Port {
  post(message: FromWorker, transfer?: ArrayBuffer[]): void;
  listen(listener: (message: ToWorker) => void): void;
}

async function connect(): Promise<Port> {
  const scope = globalThis as unknown as { postMessage?: (m: unknown, t: ArrayBuffer[]) => void; addEventListener?: (type: string, l: (e: MessageEvent) => void) => void };
  // A Web Worker has a global postMessage; a worker_threads worker has parentPort instead.
  if (typeof scope.postMessage === 'function' && typeof scope.addEventListener === 'function') {
    return {
      post: (message, transfer = []) => scope.postMessage!(message, transfer),
      listen: (listener) => scope.addEventListener!('message', (event) => listener(event.data as ToWorker)),
    };
  }
  const threads = 'node:worker_threads';
  const { parentPort } = (await import(/* @vite-ignore */ threads)) as typeof import('node:worker_threads');
  return {
    post: (message, transfer = []) => parentPort!.postMessage(message, transfer),
    listen: (listener) => parentPort!.on('message', listener),
  };
}

async function train(port: Port, start: StartMessage, nextMessage: () => Promise<ToWorker>): Promise<void> {
  const net = await MLP.create({ ...start.architecture, backend: start.backend });
  try {
    const access = fitAccess(net);
    access.restore(start.state);
    await runBatchLoop(net, access.random, start.x, start.y, start.rows, start.loop, {
      afterBatch: (batch, logs) => { if (start.reportBatches) port.post({ type: 'batch', batch, logs }); },
      afterEpoch: async (epoch, loss) => {
        const state = access.snapshot();
        port.post({ type: 'epoch', epoch, loss, state }, stateBuffers(state));
        // The caller's onEpochEnd decides whether to go on; the caller ends this worker to stop.
        await nextMessage();
      },
      stopped: () => false,
    });
    port.post({ type: 'done' });
  } finally {
    net.dispose();
  }
}

const port = await connect();
const queue: ToWorker[] = [];
let waiting: ((m: ToWorker) => void) | null = null;
const nextMessage = () => new Promise<ToWorker>((resolve) => {
  const m = queue.shift();
  if (m) resolve(m); else waiting = resolve;
});
port.listen((message) => {
  if (message.type === 'start') {
    train(port, message, nextMessage).catch((error: Error) => port.post({ type: 'error', name: error?.name ?? 'Error', message: error?.message ?? String(error) }));
  } else if (waiting) {
    const resolve = waiting;
    waiting = null;
    resolve(message);
  } else {
    queue.push(message);
  }
});
