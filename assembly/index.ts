// The module's exports: numbers and pointers only, so no glue code copies arrays per call.
// Memory is imported: the TypeScript side lays out every block (src/wasm/arena.ts) with the
// field offsets exported from layout.ts.

import { Optimizer } from './blocks';
import { optimizerStep } from './optimizers';
import { stripScratchEnd } from './gemm/column-strips';

export * from './layout';
export { denseForward } from './gemm/forward';
export { weightGradient } from './gemm/weight-gradient';
export { inputGradient } from './gemm/input-gradient';
export { storeSlopes } from './activations';
export { forward, loss, lossWeight, backward, trainStep, trainBatches, trainEpochs } from './network';
export { updateIsFinite, firstNonFinite } from './health';
export { nextUint32, skipDraws } from './random';

/** First byte past the module's static data and its strip scratch (assembly/gemm/column-strips.ts): where the arena may begin. */
export function heapBase(): usize {
  return stripScratchEnd();
}

/** Size in bytes of one `float` in this build (4 or 8). */
export function floatBytes(): i32 {
  return sizeof<float>();
}

/** One optimizer update of θ[begin, end), as a step takes it: for kernel tests and the benchmark's phase table. */
export function optimizerUpdate(optimizer: usize, params: usize, grads: usize, begin: i32, end: i32, learningRate: f64): void {
  optimizerStep(changetype<Optimizer>(optimizer), params, grads, begin, end, learningRate);
}
