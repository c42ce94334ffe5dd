// Training run by every thread at once over one shared memory. Each thread computes a fixed
// share of every kernel — batch rows for the forward pass, dropout, the output delta and the
// input gradient; neurons for the weight gradient; a range of θ for clipping and the
// optimizer — so each output element is computed by exactly one thread with the arithmetic
// of the one-thread kernels, and results are bit-identical for any thread count. What is one
// sequential computation with one thread (the loss sum, the gradient's global norm, the
// dropout generator's stream) stays one, on thread 0. Barriers separate the phases that read
// what other threads wrote; weights and activations are never copied between threads.

import { denseForward } from './gemm/forward';
import { weightGradient } from './gemm/weight-gradient';
import { inputGradient } from './gemm/input-gradient';
import { shuffleOrder } from './epochs';
import { outputDeltaRows } from './losses';
import { optimizerStep } from './optimizers';
import { clipByValue, clipCoefficient, gradientNorm, scaleGradients } from './clipping';
import { clipNorm, clipValue, setStepCount, stepCount } from './optimizers/state';
import { applyMask, dropoutBackward, dropoutMask } from './dropout';
import {
  loss, layerCount, lossKind, record, inputs, outputs, activation, weights, bias, gradWeights,
  gradBias, preActivation, output, mask, dropped, dropoutRate, passedOn, dropoutRandom, optimizer,
  guardStep, stepFailed, recordFailedBatch, stopAtFailure,
} from './network';
import { barrier, waitWhile, abortAll } from './barrier';
import {
  CONTROL_BYTES, COMMAND_GENERATION, COMMAND, THREADS, ABORT, FAULT, ACTIVE, ERROR_LENGTH, BARRIER_COUNT, BARRIER_GENERATION,
  ARGS, LEARNING_RATE, RESULT, CLIP_COEFFICIENT, OPTIMIZER_COPIES, OPTIMIZER_COPY_BYTES, FORWARD, BACKWARD, STEP, BATCHES, EPOCHS, STOP,
} from './control';

export { abortAll };

// Argument words of a command (i32 each, from ARGS).
const DESC = 0, PARAMS = 1, GRADS = 2, PARAM_COUNT = 3, X = 4, Y = 5, ROWS = 6;
const DATA_X = 7, DATA_Y = 8, ORDER = 9, COUNT = 10, BATCH_SIZE = 11, FIRST_BATCH = 12, BATCH_COUNT = 13;
const EPOCH_COUNT = 14, SHUFFLE = 15, SHUFFLE_STATE = 16, LOSSES = 17;

/** Rows per share are a multiple of this: SIMD kernels work on row pairs, and shares stay off each other's cache lines. */
const ROW_ALIGN = 4;
/** θ per share is a multiple of 16 floats: whole cache lines. */
const PARAM_ALIGN = 16;
/** Units of the weight gradient per share are a multiple of the SIMD kernel's tile height. */
const UNIT_ALIGN = 4;

@inline function arg(ctrl: usize, i: i32): i32 { return load<i32>(ctrl + ARGS + (<usize>i << 2)); }
@inline function setArg(ctrl: usize, i: i32, v: i32): void { store<i32>(ctrl + ARGS + (<usize>i << 2), v); }
@inline function at(base: usize, i: i32): usize { return base + (<usize>i << alignof<float>()); }

/** Where thread t's share of `total` items starts; shares are equal multiples of `align`. */
@inline function share(total: i32, t: i32, threads: i32, align: i32): i32 {
  const chunk = ((total + threads - 1) / threads + align - 1) / align * align;
  return min(total, t * chunk);
}

/** Bytes the control block takes (at the start of the arena). */
export function controlBytes(): usize {
  return CONTROL_BYTES;
}

/** Sets up a control block for `threads` threads (the caller's included), before workers start. */
export function resetControl(ctrl: usize, threads: i32): void {
  store<i32>(ctrl + COMMAND_GENERATION, 0);
  store<i32>(ctrl + COMMAND, 0);
  store<i32>(ctrl + THREADS, threads);
  store<i32>(ctrl + ABORT, 0);
  store<i32>(ctrl + FAULT, 0);
  store<i32>(ctrl + ACTIVE, 0);
  store<i32>(ctrl + ERROR_LENGTH, 0);
  store<i32>(ctrl + BARRIER_COUNT, 0);
  atomic.store<i32>(ctrl + BARRIER_GENERATION, 0);
}

/** A worker's life: sleep until the caller posts a command, run its share, repeat until STOP. */
export function workerLoop(ctrl: usize, thread: i32): void {
  let seen = 0;
  while (true) {
    waitWhile(ctrl + COMMAND_GENERATION, seen, true);
    seen = atomic.load<i32>(ctrl + COMMAND_GENERATION);
    if (atomic.load<i32>(ctrl + COMMAND) == STOP) return;
    // Workers beyond the command's thread count sit this one out (a small batch).
    if (thread < atomic.load<i32>(ctrl + THREADS)) {
      run(ctrl, thread, true);
      atomic.sub<i32>(ctrl + ACTIVE, 1);
    }
  }
}

/** Ends every worker's loop. */
export function stopWorkers(ctrl: usize): void {
  post(ctrl, STOP, 1);
}

/** `forward` (assembly/network.ts) on every thread. */
export function parallelForward(ctrl: usize, threads: i32, canBlock: bool, desc: usize, x: usize, rows: i32): void {
  setArg(ctrl, DESC, <i32>desc); setArg(ctrl, X, <i32>x); setArg(ctrl, ROWS, rows);
  dispatch(ctrl, FORWARD, threads, canBlock);
}

/** `backward` on every thread; returns the loss. */
export function parallelBackward(ctrl: usize, threads: i32, canBlock: bool, desc: usize, x: usize, y: usize, rows: i32): f64 {
  setArg(ctrl, DESC, <i32>desc); setArg(ctrl, X, <i32>x); setArg(ctrl, Y, <i32>y); setArg(ctrl, ROWS, rows);
  return dispatch(ctrl, BACKWARD, threads, canBlock);
}

/** `trainStep` on every thread; returns the loss before the step. */
export function parallelStep(ctrl: usize, threads: i32, canBlock: bool, desc: usize, params: usize, grads: usize, paramCount: i32, x: usize, y: usize, rows: i32, learningRate: f64): f64 {
  setStepArgs(ctrl, desc, params, grads, paramCount, x, y, learningRate);
  setArg(ctrl, ROWS, rows);
  return dispatch(ctrl, STEP, threads, canBlock);
}

/** `trainBatches` on every thread; returns the sum of the batch losses, each times its rows. */
export function parallelBatches(
  ctrl: usize, threads: i32, canBlock: bool, desc: usize, params: usize, grads: usize, paramCount: i32,
  dataX: usize, dataY: usize, order: usize, count: i32, batchSize: i32,
  firstBatch: i32, batchCount: i32, batchX: usize, batchY: usize, learningRate: f64,
): f64 {
  setStepArgs(ctrl, desc, params, grads, paramCount, batchX, batchY, learningRate);
  setArg(ctrl, DATA_X, <i32>dataX); setArg(ctrl, DATA_Y, <i32>dataY); setArg(ctrl, ORDER, <i32>order);
  setArg(ctrl, COUNT, count); setArg(ctrl, BATCH_SIZE, batchSize);
  setArg(ctrl, FIRST_BATCH, firstBatch); setArg(ctrl, BATCH_COUNT, batchCount);
  return dispatch(ctrl, BATCHES, threads, canBlock);
}

/** `trainEpochs` (assembly/epochs.ts) on every thread: epoch e's mean loss goes to losses[e]. */
export function parallelEpochs(
  ctrl: usize, threads: i32, canBlock: bool, desc: usize, params: usize, grads: usize, paramCount: i32,
  dataX: usize, dataY: usize, order: usize, count: i32, batchSize: i32,
  batchX: usize, batchY: usize, learningRate: f64,
  epochs: i32, shuffle: bool, state: usize, losses: usize,
): void {
  setStepArgs(ctrl, desc, params, grads, paramCount, batchX, batchY, learningRate);
  setArg(ctrl, DATA_X, <i32>dataX); setArg(ctrl, DATA_Y, <i32>dataY); setArg(ctrl, ORDER, <i32>order);
  setArg(ctrl, COUNT, count); setArg(ctrl, BATCH_SIZE, batchSize);
  setArg(ctrl, FIRST_BATCH, 0); setArg(ctrl, BATCH_COUNT, (count + batchSize - 1) / batchSize);
  setArg(ctrl, EPOCH_COUNT, epochs); setArg(ctrl, SHUFFLE, shuffle ? 1 : 0);
  setArg(ctrl, SHUFFLE_STATE, <i32>state); setArg(ctrl, LOSSES, <i32>losses);
  dispatch(ctrl, EPOCHS, threads, canBlock);
}

/** `trainEpoch` on every thread; returns the epoch's mean loss. */
export function parallelEpoch(
  ctrl: usize, threads: i32, canBlock: bool, desc: usize, params: usize, grads: usize, paramCount: i32,
  dataX: usize, dataY: usize, order: usize, count: i32, batchSize: i32,
  batchX: usize, batchY: usize, learningRate: f64,
): f64 {
  const batches = (count + batchSize - 1) / batchSize;
  return parallelBatches(ctrl, threads, canBlock, desc, params, grads, paramCount, dataX, dataY, order, count, batchSize, 0, batches, batchX, batchY, learningRate) / <f64>count;
}

function setStepArgs(ctrl: usize, desc: usize, params: usize, grads: usize, paramCount: i32, x: usize, y: usize, learningRate: f64): void {
  setArg(ctrl, DESC, <i32>desc); setArg(ctrl, PARAMS, <i32>params); setArg(ctrl, GRADS, <i32>grads);
  setArg(ctrl, PARAM_COUNT, paramCount); setArg(ctrl, X, <i32>x); setArg(ctrl, Y, <i32>y);
  store<f64>(ctrl + LEARNING_RATE, learningRate);
}

/** Wakes the workers on a new command (the atomic bump publishes the arguments written before it). */
function post(ctrl: usize, command: i32, threads: i32): void {
  atomic.store<i32>(ctrl + COMMAND, command);
  atomic.store<i32>(ctrl + THREADS, threads);
  atomic.add<i32>(ctrl + ACTIVE, threads - 1);
  atomic.add<i32>(ctrl + COMMAND_GENERATION, 1);
  atomic.notify(ctrl + COMMAND_GENERATION, -1);
}

/** The caller's side: post the command to `threads` − 1 workers, run share 0, return the result (see ABORT for failure). */
function dispatch(ctrl: usize, command: i32, threads: i32, canBlock: bool): f64 {
  post(ctrl, command, threads);
  run(ctrl, 0, canBlock);
  return load<f64>(ctrl + RESULT);
}

/** One thread's share of the current command. Returns false if the work was aborted. */
function run(ctrl: usize, thread: i32, canBlock: bool): bool {
  if (atomic.load<i32>(ctrl + FAULT) == thread + 1) {
    atomic.store<i32>(ctrl + FAULT, 0);
    unreachable();
  }
  const command = atomic.load<i32>(ctrl + COMMAND);
  const threads = atomic.load<i32>(ctrl + THREADS);
  const desc = <usize>arg(ctrl, DESC);
  const x = <usize>arg(ctrl, X);
  const rows = arg(ctrl, ROWS);
  if (command == FORWARD) {
    forwardRows(desc, x, share(rows, thread, threads, ROW_ALIGN), share(rows, thread + 1, threads, ROW_ALIGN), false);
    return barrier(ctrl, canBlock);
  }
  if (command == BACKWARD) {
    return backwardShare(ctrl, thread, threads, canBlock, desc, x, <usize>arg(ctrl, Y), rows, false) && barrier(ctrl, canBlock);
  }
  if (command == STEP) return stepShare(ctrl, thread, threads, canBlock, rows);
  if (command == BATCHES) return batchesShare(ctrl, thread, threads, canBlock);
  if (command == EPOCHS) return epochsShare(ctrl, thread, threads, canBlock);
  return true;
}

/** Rows r0…r1−1 through every layer: a row's activations depend on that row alone, so no barrier. */
function forwardRows(desc: usize, x: usize, r0: i32, r1: i32, training: bool): void {
  if (r0 >= r1) return;
  let input = x;
  const count = layerCount(desc);
  for (let l = 0; l < count; l++) {
    const r = record(desc, l);
    const n = outputs(r);
    denseForward(preActivation(r), output(r), input, weights(r), bias(r), n, inputs(r), activation(r), r0, r1);
    if (training && dropoutRate(r) > 0) applyMask(at(dropped(r), r0 * n), at(mask(r), r0 * n), at(output(r), r0 * n), (r1 - r0) * n);
    input = passedOn(r, training);
  }
}

/** Whether any layer drops units out while training. */
function hasDropout(desc: usize): bool {
  for (let l = 0; l < layerCount(desc); l++) if (dropoutRate(record(desc, l)) > 0) return true;
  return false;
}

/** Every dropout mask of a batch, drawn in the one-thread order (layer by layer, row by row). */
function drawMasks(desc: usize, rows: i32): void {
  for (let l = 0; l < layerCount(desc); l++) {
    const r = record(desc, l);
    if (dropoutRate(r) > 0) dropoutMask(mask(r), rows * outputs(r), dropoutRate(r), dropoutRandom(desc));
  }
}

/** This thread's share of `backward`; thread 0 stores the loss in RESULT. */
function backwardShare(ctrl: usize, thread: i32, threads: i32, canBlock: bool, desc: usize, x: usize, y: usize, rows: i32, training: bool): bool {
  // The loss is one sum in sample order, as with one thread, so one thread computes it, after
  // every row's forward pass and before any delta overwrites z.
  if (!barrier(ctrl, canBlock)) return false;
  if (thread == 0) store<f64>(ctrl + RESULT, loss(desc, y, rows));
  if (!barrier(ctrl, canBlock)) return false;
  const r0 = share(rows, thread, threads, ROW_ALIGN);
  const r1 = share(rows, thread + 1, threads, ROW_ALIGN);
  const count = layerCount(desc);
  const last = record(desc, count - 1);
  outputDeltaRows(lossKind(desc), activation(last), preActivation(last), output(last), y, rows, outputs(last), r0, r1);
  for (let l = count - 1; l >= 0; l--) {
    // The weight gradient sums over every row's delta: wait for all of them.
    if (!barrier(ctrl, canBlock)) return false;
    const r = record(desc, l);
    const n = outputs(r);
    const k = inputs(r);
    const input = l == 0 ? x : passedOn(record(desc, l - 1), training);
    weightGradient(gradWeights(r), gradBias(r), preActivation(r), input, rows, n, k, share(n, thread, threads, UNIT_ALIGN), share(n, thread + 1, threads, UNIT_ALIGN));
    if (l > 0 && r0 < r1) {
      // Rows of the input gradient need only the same rows of delta, and write the layer
      // below's z, which no thread reads in this phase.
      const below = record(desc, l - 1);
      inputGradient(preActivation(below), preActivation(r), weights(r), output(below), activation(below), n, k, r0, r1);
      if (training && dropoutRate(below) > 0) dropoutBackward(at(preActivation(below), r0 * k), at(mask(below), r0 * k), (r1 - r0) * k);
    }
  }
  return true;
}

/** A training step on the batch at X/Y: masks, forward, backward, then this thread's range of the update. */
function stepShare(ctrl: usize, thread: i32, threads: i32, canBlock: bool, rows: i32): bool {
  const desc = <usize>arg(ctrl, DESC);
  const x = <usize>arg(ctrl, X);
  if (hasDropout(desc)) {
    // The masks come from one generator stream: one thread draws them all, as one thread would.
    if (thread == 0) drawMasks(desc, rows);
    if (!barrier(ctrl, canBlock)) return false;
  }
  forwardRows(desc, x, share(rows, thread, threads, ROW_ALIGN), share(rows, thread + 1, threads, ROW_ALIGN), true);
  if (!backwardShare(ctrl, thread, threads, canBlock, desc, x, <usize>arg(ctrl, Y), rows, true)) return false;
  const opt = optimizer(desc);
  // The divergence guard and the update read every gradient (and the clipping norm all of them).
  if (!barrier(ctrl, canBlock)) return false;
  if (thread == 0) {
    // As trainStep: a step whose loss or update is not finite is refused before anything
    // changes, the step count included. Every thread read the previous count before the last
    // step's final barrier.
    if (guardStep(desc, load<f64>(ctrl + RESULT), <usize>arg(ctrl, PARAMS), <usize>arg(ctrl, GRADS), arg(ctrl, PARAM_COUNT), load<f64>(ctrl + LEARNING_RATE))) {
      setStepCount(opt, stepCount(opt) + 1);
    }
  }
  if (!barrier(ctrl, canBlock)) return false;
  if (stepFailed(desc)) return true;
  return updateShare(ctrl, thread, threads, canBlock, opt) && barrier(ctrl, canBlock);
}

/** `optimizerUpdate` on this thread's range of θ; the global norm is one sum, taken by thread 0. */
function updateShare(ctrl: usize, thread: i32, threads: i32, canBlock: bool, opt: usize): bool {
  const params = <usize>arg(ctrl, PARAMS);
  const grads = <usize>arg(ctrl, GRADS);
  const count = arg(ctrl, PARAM_COUNT);
  const p0 = share(count, thread, threads, PARAM_ALIGN);
  const p1 = share(count, thread + 1, threads, PARAM_ALIGN);
  if (clipValue(opt) > 0) clipByValue(at(grads, p0), p1 - p0, clipValue(opt));
  if (clipNorm(opt) > 0) {
    if (!barrier(ctrl, canBlock)) return false;
    if (thread == 0) store<f64>(ctrl + CLIP_COEFFICIENT, clipCoefficient(gradientNorm(grads, count), clipNorm(opt)));
    if (!barrier(ctrl, canBlock)) return false;
    scaleGradients(at(grads, p0), p1 - p0, load<f64>(ctrl + CLIP_COEFFICIENT));
  }
  // The optimizer's state vectors run parallel to θ: a copy of its descriptor whose buffer
  // pointers start at p0 lets the one-thread update run unchanged on the share.
  const copy = ctrl + OPTIMIZER_COPIES + <usize>thread * OPTIMIZER_COPY_BYTES;
  memory.copy(copy, opt, OPTIMIZER_COPY_BYTES);
  for (let slot = 0; slot < 3; slot++) {
    const p = copy + 8 + (<usize>slot << 2);
    if (load<u32>(p) != 0) store<u32>(p, load<u32>(p) + (<u32>p0 << alignof<float>()));
  }
  optimizerStep(copy, at(params, p0), at(grads, p0), p1 - p0, load<f64>(ctrl + LEARNING_RATE));
  return true;
}

/** Epochs of `trainBatches`; the sample order is one generator's stream, so thread 0 shuffles it. */
function epochsShare(ctrl: usize, thread: i32, threads: i32, canBlock: bool): bool {
  const desc = <usize>arg(ctrl, DESC);
  const order = <usize>arg(ctrl, ORDER);
  const count = arg(ctrl, COUNT);
  for (let e = 0; e < arg(ctrl, EPOCH_COUNT); e++) {
    // Every thread has read the last epoch's order: each step ends with a barrier.
    if (thread == 0) {
      for (let i = 0; i < count; i++) store<i32>(order + (<usize>i << 2), i);
      if (arg(ctrl, SHUFFLE) != 0) shuffleOrder(order, count, <usize>arg(ctrl, SHUFFLE_STATE));
    }
    if (!barrier(ctrl, canBlock)) return false;
    if (!batchesShare(ctrl, thread, threads, canBlock)) return false;
    if (thread == 0) store<f64>(<usize>arg(ctrl, LOSSES) + (<usize>e << 3), load<f64>(ctrl + RESULT) / <f64>count);
    if (stepFailed(desc)) {
      if (thread == 0) stopAtFailure(desc, e);
      return true;
    }
  }
  return true;
}

/** `trainBatches`: each thread gathers its own rows of every batch, then steps with the others. */
function batchesShare(ctrl: usize, thread: i32, threads: i32, canBlock: bool): bool {
  const desc = <usize>arg(ctrl, DESC);
  const batchX = <usize>arg(ctrl, X);
  const batchY = <usize>arg(ctrl, Y);
  const dataX = <usize>arg(ctrl, DATA_X);
  const dataY = <usize>arg(ctrl, DATA_Y);
  const order = <usize>arg(ctrl, ORDER);
  const count = arg(ctrl, COUNT);
  const batchSize = arg(ctrl, BATCH_SIZE);
  const xBytes = <usize>inputs(record(desc, 0)) << alignof<float>();
  const yBytes = <usize>outputs(record(desc, layerCount(desc) - 1)) << alignof<float>();
  let total: f64 = 0;
  const end = min(count, (arg(ctrl, FIRST_BATCH) + arg(ctrl, BATCH_COUNT)) * batchSize);
  for (let start = arg(ctrl, FIRST_BATCH) * batchSize; start < end; start += batchSize) {
    const rows = min(batchSize, count - start);
    const r1 = share(rows, thread + 1, threads, ROW_ALIGN);
    for (let i = share(rows, thread, threads, ROW_ALIGN); i < r1; i++) {
      const sample = <usize>load<i32>(order + (<usize>(start + i) << 2));
      memory.copy(batchX + <usize>i * xBytes, dataX + sample * xBytes, xBytes);
      memory.copy(batchY + <usize>i * yBytes, dataY + sample * yBytes, yBytes);
    }
    if (!stepShare(ctrl, thread, threads, canBlock, rows)) return false;
    if (thread == 0) total += load<f64>(ctrl + RESULT) * <f64>rows;
    // Every thread sees the same guard word, written before the step's last barrier.
    if (stepFailed(desc)) {
      if (thread == 0) recordFailedBatch(desc, start / batchSize);
      break;
    }
  }
  if (thread == 0) store<f64>(ctrl + RESULT, total);
  return true;
}
