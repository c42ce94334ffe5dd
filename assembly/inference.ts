// Entry of the forward-only builds behind `wasm-mlp/inference`: the forward pass, the input
// check and the block layouts of index.ts, with no backpropagation, loss, optimizer, dropout or
// thread code, for apps that only predict. `forward` runs the rows through the same
// `forwardRows` as index.ts's forward does on one thread, so it computes the same numbers.

import { Network } from './blocks';
import { forwardRows } from './network';

export * from './layout';
export { firstNonFinite } from './health';
export { heapBase, floatBytes } from './index';

/** Runs `rows` staged samples through every layer, filling each layer's z and a (no dropout; batch norm's running statistics). */
export function forward(network: usize, rows: i32): void {
  const n = changetype<Network>(network);
  n.rows = rows;
  forwardRows(n, 0, rows);
}
export { quantizeRows, int8Gemm, int8Epilogue, int8RelaxedBuild } from './inference-int8';
