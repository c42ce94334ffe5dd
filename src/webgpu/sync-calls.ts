// The synchronous calls a WebGPU network refuses: they would need the GPU's results before
// returning, and a GPU read-back is asynchronous. Each names the call to use instead.

import { ValueError } from '../core/errors.js';

/** Each refused call and its asynchronous counterpart ('' where there is none on WebGPU). */
const ASYNC_FOR: Readonly<Record<string, string>> = {
  fit: 'fitAsync', step: 'fitAsync', fitDataset: 'fitAsync',
  predict: 'predictAsync', predictClasses: 'predictAsync', predictInto: 'predictAsync',
  evaluate: 'evaluateAsync', loss: 'evaluateAsync', gradient: '', trace: '',
};

/**
 * Throws for a call a WebGPU network cannot answer synchronously; returns for any other.
 * @throws {ValueError} naming the asynchronous call to use (or the wasm backend, where there is none).
 */
export function refuseSyncOnWebGpu(fn: string): void {
  const instead = ASYNC_FOR[fn];
  if (instead === undefined) return;
  const use = instead ? `use await net.${instead}(…) instead` : `load the network on backend 'wasm' for it (MLP.load(net.save(), { backend: 'wasm' }))`;
  throw new ValueError(`${fn}: a network on backend 'webgpu' cannot ${fn} synchronously (the GPU's results arrive asynchronously); ${use}`);
}
