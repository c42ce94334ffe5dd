// A network as the kernels see it: a descriptor in linear memory that the TypeScript side
// writes once when it lays out the arena. Walking layers here, not in JS, is what lets a
// whole training step (or epoch) be one call across the JS↔wasm boundary.
//
// Descriptor: a header of 8 i32 then one 16-i32 record per layer.
//   header:  layerCount, loss, dropoutRandom* (4 u32), optimizer* (assembly/optimizers/state.ts),
//            failure, failedBatch, failedEpoch (see the divergence guard below), reserved
//   record:  inputs, outputs, activation, weights*, bias*, gradWeights*, gradBias*, z*, a*,
//            mask*, dropped*, reserved, dropoutRate (f64 at byte 48)
// A layer with a dropout rate > 0 passes `dropped` = a ⊙ mask on while training, `a` otherwise.

import { denseForward } from './gemm/forward';
import { weightGradient } from './gemm/weight-gradient';
import { inputGradient } from './gemm/input-gradient';
import { lossValue, outputDelta } from './losses';
import { optimizerUpdate } from './optimizers';
import { dropoutForward, dropoutBackward } from './dropout';
import { updateIsFinite } from './health';

const HEADER_BYTES: usize = 32;
const RECORD_BYTES: usize = 64;

@inline export function layerCount(desc: usize): i32 { return load<i32>(desc); }
@inline export function lossKind(desc: usize): i32 { return load<i32>(desc, 4); }
@inline export function dropoutRandom(desc: usize): usize { return <usize>load<u32>(desc, 8); }
@inline export function optimizer(desc: usize): usize { return <usize>load<u32>(desc, 12); }
@inline export function record(desc: usize, l: i32): usize { return desc + HEADER_BYTES + <usize>l * RECORD_BYTES; }
@inline export function inputs(r: usize): i32 { return load<i32>(r); }
@inline export function outputs(r: usize): i32 { return load<i32>(r, 4); }
@inline export function activation(r: usize): i32 { return load<i32>(r, 8); }
@inline export function weights(r: usize): usize { return <usize>load<u32>(r, 12); }
@inline export function bias(r: usize): usize { return <usize>load<u32>(r, 16); }
@inline export function gradWeights(r: usize): usize { return <usize>load<u32>(r, 20); }
@inline export function gradBias(r: usize): usize { return <usize>load<u32>(r, 24); }
@inline export function preActivation(r: usize): usize { return <usize>load<u32>(r, 28); }
@inline export function output(r: usize): usize { return <usize>load<u32>(r, 32); }
@inline export function mask(r: usize): usize { return <usize>load<u32>(r, 36); }
@inline export function dropped(r: usize): usize { return <usize>load<u32>(r, 40); }
@inline export function dropoutRate(r: usize): f64 { return load<f64>(r, 48); }
/** What the next layer reads: the dropped-out activations while training, else a. */
@inline export function passedOn(r: usize, training: bool): usize { return training && dropoutRate(r) > 0 ? dropped(r) : output(r); }

/** Runs `rows` samples at x through every layer, filling each layer's z and a (no dropout). */
export function forward(desc: usize, x: usize, rows: i32): void {
  forwardPass(desc, x, rows, false);
}

function forwardPass(desc: usize, x: usize, rows: i32, training: bool): void {
  let input = x;
  const count = layerCount(desc);
  for (let l = 0; l < count; l++) {
    const r = record(desc, l);
    denseForward(preActivation(r), output(r), input, weights(r), bias(r), outputs(r), inputs(r), activation(r), 0, rows);
    if (training && dropoutRate(r) > 0) dropoutForward(dropped(r), mask(r), output(r), rows * outputs(r), dropoutRate(r), dropoutRandom(desc));
    input = passedOn(r, training);
  }
}

/** Mean loss of the last forward pass against targets y. */
export function loss(desc: usize, y: usize, rows: i32): f64 {
  const last = record(desc, layerCount(desc) - 1);
  return lossValue(lossKind(desc), preActivation(last), output(last), y, rows, outputs(last));
}

/**
 * After `forward`: returns the loss and fills every gradient. Each layer's z buffer is
 * reused for its delta ∂L/∂z, so backpropagation needs no memory of its own.
 */
export function backward(desc: usize, x: usize, y: usize, rows: i32): f64 {
  return backwardPass(desc, x, y, rows, false);
}

function backwardPass(desc: usize, x: usize, y: usize, rows: i32, training: bool): f64 {
  const count = layerCount(desc);
  const last = record(desc, count - 1);
  const value = loss(desc, y, rows);
  outputDelta(lossKind(desc), activation(last), preActivation(last), output(last), y, rows, outputs(last));
  for (let l = count - 1; l >= 0; l--) {
    const r = record(desc, l);
    const input = l == 0 ? x : passedOn(record(desc, l - 1), training);
    weightGradient(gradWeights(r), gradBias(r), preActivation(r), input, rows, outputs(r), inputs(r), 0, outputs(r));
    if (l > 0) {
      // Fused with the lower layer's activation derivative: its z buffer receives its δ.
      const below = record(desc, l - 1);
      inputGradient(preActivation(below), preActivation(r), weights(r), output(below), activation(below), outputs(r), inputs(r), 0, rows);
      // Dropout's mask and the activation derivative are both elementwise factors of δ.
      if (training && dropoutRate(below) > 0) dropoutBackward(preActivation(below), mask(below), rows * outputs(below));
    }
  }
  return value;
}

/**
 * One training step on a batch: forward (dropout on), backward, the optimizer's update. Returns
 * the loss before the step. The update is skipped, and the failure word set, when the loss or
 * the update is not finite.
 */
export function trainStep(desc: usize, params: usize, grads: usize, paramCount: i32, x: usize, y: usize, rows: i32, learningRate: f64): f64 {
  forwardPass(desc, x, rows, true);
  const value = backwardPass(desc, x, y, rows, true);
  if (!guardStep(desc, value, params, grads, paramCount, learningRate)) return value;
  optimizerUpdate(optimizer(desc), params, grads, paramCount, learningRate);
  return value;
}

/**
 * One epoch of mini-batch training over a dataset already in memory, in the sample order given
 * by `order` (i32 indices). Returns the sample-weighted mean of the batch losses.
 */
export function trainEpoch(
  desc: usize, params: usize, grads: usize, paramCount: i32,
  dataX: usize, dataY: usize, order: usize, count: i32, batchSize: i32,
  batchX: usize, batchY: usize, learningRate: f64,
): f64 {
  const batches = (count + batchSize - 1) / batchSize;
  return trainBatches(desc, params, grads, paramCount, dataX, dataY, order, count, batchSize, 0, batches, batchX, batchY, learningRate) / <f64>count;
}

/**
 * Batches first…first+batchCount−1 of an epoch (the last one may be partial), so a caller
 * can stop between batches with one call per batch instead of one per sample. Rows are
 * gathered into the batch buffers so layers see contiguous input. Returns the sum over
 * those batches of batch loss × batch rows.
 */
export function trainBatches(
  desc: usize, params: usize, grads: usize, paramCount: i32,
  dataX: usize, dataY: usize, order: usize, count: i32, batchSize: i32,
  firstBatch: i32, batchCount: i32, batchX: usize, batchY: usize, learningRate: f64,
): f64 {
  const first = record(desc, 0);
  const xBytes = <usize>inputs(first) << alignof<float>();
  const yBytes = <usize>outputs(record(desc, layerCount(desc) - 1)) << alignof<float>();
  let total: f64 = 0;
  const end = min(count, (firstBatch + batchCount) * batchSize);
  for (let start = firstBatch * batchSize; start < end; start += batchSize) {
    const rows = min(batchSize, count - start);
    for (let i = 0; i < rows; i++) {
      const sample = <usize>load<i32>(order + (<usize>(start + i) << 2));
      memory.copy(batchX + <usize>i * xBytes, dataX + sample * xBytes, xBytes);
      memory.copy(batchY + <usize>i * yBytes, dataY + sample * yBytes, yBytes);
    }
    total += trainStep(desc, params, grads, paramCount, batchX, batchY, rows, learningRate) * <f64>rows;
    if (stepFailed(desc)) {
      recordFailedBatch(desc, start / batchSize);
      break;
    }
  }
  return total;
}

// Divergence guard. A step whose loss or update is non-finite is not applied, so θ stays the
// last finite state; header word 4 says why (1: loss, 2: gradient or update, as
// src/divergence.ts FailureCause) and trainEpoch stops, with the batch in header word 5.
const FAILURE: usize = 16;
const FAILED_BATCH: usize = 20;
const FAILED_EPOCH: usize = 24;
const FAILURE_NONE: i32 = 0;
const FAILURE_LOSS: i32 = 1;
const FAILURE_UPDATE: i32 = 2;

/** True when the last step was refused by the guard. */
export function stepFailed(desc: usize): bool {
  return load<i32>(desc, FAILURE) != FAILURE_NONE;
}

/** Records which batch of the epoch was refused. */
export function recordFailedBatch(desc: usize, batch: i32): void {
  store<i32>(desc, batch, FAILED_BATCH);
}

/** After an epoch inside trainEpochs: true (recording the epoch in header word 6) when a step failed. */
export function stopAtFailure(desc: usize, epoch: i32): bool {
  if (load<i32>(desc, FAILURE) == FAILURE_NONE) return false;
  store<i32>(desc, epoch, FAILED_EPOCH);
  return true;
}

/** Checks a step before its update (the parallel step calls it on one thread); false when it must not be applied. */
export function guardStep(desc: usize, value: f64, params: usize, grads: usize, paramCount: i32, learningRate: f64): bool {
  const failure = value - value != 0 ? FAILURE_LOSS : updateIsFinite(params, grads, paramCount, learningRate) ? FAILURE_NONE : FAILURE_UPDATE;
  store<i32>(desc, failure, FAILURE);
  return failure == FAILURE_NONE;
}

