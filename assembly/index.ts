// The module's exports: numbers and pointers only, so no glue code copies arrays per call.
// Memory is imported: the TypeScript side owns the layout of every byte (src/wasm/arena.ts).

export { denseForward } from './gemm/forward';
export { weightGradient } from './gemm/weight-gradient';
export { inputGradient } from './gemm/input-gradient';
export { activate, activationBackward } from './activations';
export { lossValue, outputDelta } from './losses';
export { sgdUpdate, optimizerUpdate } from './optimizers';
export { clipByValue, clipByNorm } from './clipping';
export { dropoutForward, dropoutBackward } from './dropout';
export { forward, loss, backward, trainStep, trainEpoch, trainBatches } from './network';
export { trainEpochs } from './epochs';

/** First byte past the module's static data: where the arena may begin. */
export function heapBase(): usize {
  return __heap_base;
}

/** Size in bytes of one `float` in this build (4 or 8). */
export function floatBytes(): i32 {
  return sizeof<float>();
}
