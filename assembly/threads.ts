// Entry of the threaded builds (asconfig targets *-threads): every kernel of index.ts plus
// the parallel phase loop, compiled with atomics over imported shared memory.

export * from './index';
export {
  controlBytes, resetControl, workerLoop, stopWorkers, abortAll,
  parallelForward, parallelBackward, parallelStep, parallelEpoch, parallelBatches, parallelEpochs,
} from './parallel';
