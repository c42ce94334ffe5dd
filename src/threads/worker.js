// One worker thread of a wasm-mlp network. It instantiates the threaded kernels over the
// network's shared memory and runs its share of every command the caller posts (assembly/
// threads.ts workerLoop) until told to stop. Plain JavaScript, so the same file runs from
// the sources (tests) and from dist, in Node's worker_threads and in browser Web Workers.

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';
// Hidden from bundlers: only Node has this module. No top-level await: bundlers emit workers
// as classic scripts. Node's parentPort queues messages until a listener is attached, and a
// browser delivers none before the microtask that attaches it, so nothing is missed.
const nodeThreads = 'node:worker_threads';
const portReady = isNode ? import(/* @vite-ignore */ /* webpackIgnore: true */ nodeThreads).then((m) => m.parentPort) : Promise.resolve(globalThis);
let port;

function post(message) {
  port.postMessage(message);
}

function onFirstMessage(handler) {
  portReady.then((ready) => {
    port = ready;
    if (isNode) port.once('message', handler);
    else port.addEventListener('message', (event) => handler(event.data), { once: true });
  });
}

/** Leaves the failure where the caller, blocked in wasm, can read it, and releases every thread. */
function report(exports, memory, ctrl, thread, error) {
  // Where the Control block's fields are: the module exports their offsets (assembly/layout.ts).
  const active = (ctrl + exports.Control_active.value) >> 2;
  const errorLength = (ctrl + exports.Control_errorLength.value) >> 2;
  const words = new Int32Array(memory.buffer);
  const text = new TextEncoder().encode(`worker thread ${thread}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`).subarray(0, exports.Control_errorCapacity.value);
  // The first failure wins; its text is complete before `active` drops, which the caller waits for.
  if (Atomics.compareExchange(words, errorLength, 0, text.length) === 0) {
    new Uint8Array(memory.buffer).set(text, ctrl + exports.Control_size.value);
  }
  exports.abortAll(ctrl);
  Atomics.sub(words, active, 1);
  Atomics.notify(words, active);
}

onFirstMessage(async ({ module, memory, ctrl, thread, started }) => {
  let exports;
  try {
    // As src/threads/wait.ts (this file cannot import TypeScript when run from the sources).
    const words = new Int32Array(memory.buffer);
    const wait32 = (word, value) => { Atomics.wait(words, word >> 2, value, 100); };
    exports = (await WebAssembly.instantiate(module, { env: { memory, wait32, now: () => performance.now() } })).exports;
  } catch (error) {
    post({ type: 'error', message: `worker thread ${thread} could not instantiate the kernels: ${error}` });
    if (started) {
      Atomics.add(started, 1, 1);
      Atomics.notify(started, 0);
    }
    return;
  }
  post({ type: 'ready' });
  // For a caller that waits for the workers inside a synchronous call (no event loop to see 'ready').
  if (started) {
    Atomics.add(started, 0, 1);
    Atomics.notify(started, 0);
  }
  try {
    exports.workerLoop(ctrl, thread);
    post({ type: 'stopped' });
  } catch (error) {
    report(exports, memory, ctrl, thread, error);
    post({ type: 'failed' });
  }
});
