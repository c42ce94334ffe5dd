// The page's side of trainer.js: requests with ids, answered by promises. A reply from before the
// latest build (an older generation) resolves as stale, so a reset never shows old weights.

export class Trainer {
  constructor() {
    this.worker = new Worker(new URL('./trainer.js', import.meta.url), { type: 'module' });
    this.pending = new Map();
    this.nextId = 1;
    this.generation = 0;
    this.worker.onmessage = ({ data }) => {
      const done = this.pending.get(data.id);
      this.pending.delete(data.id);
      done?.({ ...data, stale: data.generation !== this.generation });
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      for (const done of this.pending.values()) done({ type: 'error', message: event.message || 'the training worker failed to start', stale: false });
      this.pending.clear();
    };
  }

  request(message, transfer = []) {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  /** A new network and data in the worker; replies to earlier requests become stale. */
  build(message, transfer) {
    this.generation++;
    return this.request({ ...message, type: 'build', generation: this.generation }, transfer);
  }

  train(epochs) {
    return this.request({ type: 'train', epochs });
  }

  configure(options) {
    return this.request({ type: 'configure', ...options });
  }
}
