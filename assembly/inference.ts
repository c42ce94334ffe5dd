// Entry of the forward-only builds behind `wasm-mlp/inference`: the forward pass and the input
// check of index.ts, with no backpropagation, loss, optimizer or dropout code, for apps that
// only predict. The forward pass is the same source as the full builds', so it computes the
// same numbers.

export { forward } from './network';
export { firstNonFinite } from './health';
export { heapBase, floatBytes } from './index';
