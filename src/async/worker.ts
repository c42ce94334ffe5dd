// The training worker behind `fitAsync(…, { worker: true })`: rebuilds the network from the
// transferred state, runs fit (yielding, so it stays stoppable), and reports batches, epochs
// and the final state back.
import { MLP, fitAccess } from '../api/mlp.js';
import { DivergenceError } from '../core/errors.js';
import { runYielding, type FitOptions } from '../training/fit.js';
import { transferList } from '../state/network-state.js';
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
  const { parentPort } = (await import(/* @vite-ignore */ /* webpackIgnore: true */ threads)) as typeof import('node:worker_threads');
  return {
    post: (message, transfer = []) => parentPort!.postMessage(message, transfer),
    listen: (listener) => parentPort!.on('message', listener),
  };
}

/** Answers to the worker's callback messages, in order, and the caller's aborts. */
class Replies {
  private waiting: ((stop: boolean) => void) | null = null;
  readonly controller = new AbortController();

  receive(message: ToWorker): void {
    if (message.type === 'abort') this.controller.abort();
    if (message.type !== 'answer') return;
    // The caller's callback may have aborted its signal: the loop must see that before it goes on.
    if (message.aborted) this.controller.abort();
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.(message.stop);
  }

  /** The answer to the callback message just posted: false stops training. */
  next(): Promise<boolean | void> {
    return new Promise((resolve) => (this.waiting = (stop) => resolve(stop ? false : undefined)));
  }
}

async function train(port: Port, start: StartMessage, replies: Replies): Promise<void> {
  const net = await MLP.create({ ...start.architecture, backend: start.backend, threads: start.threads });
  try {
    const access = fitAccess(net);
    access.restore(start.state);
    const { scheduleRates, validationData, ...rest } = start.options;
    // Placeholders: the loop pauses where the caller's callbacks exist; the caller runs them.
    const options: FitOptions = { ...rest, onEpochEnd: () => undefined };
    if (start.reportBatches) options.onBatchEnd = () => undefined;
    if (start.watchSignal) options.signal = replies.controller.signal;
    if (scheduleRates) options.schedule = (epoch) => scheduleRates.rates[epoch - scheduleRates.first];
    if (validationData) options.validationData = { X: validationData.x, Y: validationData.y, ...(validationData.w && { sampleWeight: validationData.w }) };
    let history;
    try {
      history = await runYielding(access.loop('fitAsync', start.x, start.y, options), (pause) => {
        if (pause.kind === 'batch') {
          port.post({ type: 'batch', batch: pause.batch, logs: pause.logs });
          return replies.next();
        }
        const state = access.snapshot();
        port.post({ type: 'epoch', epoch: pause.epoch, logs: pause.logs, state }, transferList(state));
        return start.awaitEpochs ? replies.next() : undefined;
      });
    } catch (error) {
      if (!(error instanceof DivergenceError)) throw error;
      // θ stops before the failing step, mid-epoch: send that state, not the last epoch's.
      const state = access.snapshot();
      port.post({ type: 'error', name: error.name, message: error.message, divergence: error.divergence, state }, transferList(state));
      return;
    }
    const state = access.snapshot();
    port.post({ type: 'done', history, state }, transferList(state));
  } finally {
    net.dispose();
  }
}

// No top-level await: bundlers' default worker format (Vite's is iife) does not allow it. Messages
// wait in the port's queue until the listener is attached.
const replies = new Replies();
void connect().then((port) => port.listen((message) => {
  if (message.type === 'start') {
    train(port, message, replies).catch((error: Error) => port.post({ type: 'error', name: error?.name ?? 'Error', message: error?.message ?? String(error) }));
  } else {
    replies.receive(message);
  }
}));
