// A network's calls — forward, backward, a training step, batches and epochs of steps — as
// one code path for any thread count. Every phase takes (thread, threads) and computes a
// share: batch rows for the forward pass, dropout, the loss terms, the output delta and the
// input gradient; units for the weight gradient, clipping by value and the divergence guard's
// scan (one thread scans all of θ at once); ranges of θ for the optimizer. A layer wider than
// the batch is split by units instead (splitsUnits): its forward pass, the δ reaching it and
// its update, so each thread reads only the weights it updates. Each output element is
// computed by exactly one thread with the same arithmetic, so results are bit-identical for
// any thread count, and wherever the shares are cut (balance.ts moves the cuts towards the
// threads' speeds), by construction; one thread is threads = 1, where every barrier is free,
// and builds without threads compile no barrier at all.
//
// A step of an L-layer network has L + 2 barriers: one before each layer's weight gradient
// (it sums over every row's δ), one that also gathers the guard's flags (every gradient is
// done), one after the update (the next pass reads every weight); global-norm clipping adds
// one (the norm before scaling), dropout none, and each batch-norm layer three (its statistics
// sum every row's h and δz down columns: one waits for every row's h, one for every unit's z
// before the activation, one for every unit's δh before the input gradient, which the first
// layer does not take); layer norm works within a row and adds none. A layer split by units
// adds one (before it: it reads every row of its input) and each run of split layers one more
// (after it: the next reads whole rows), and a split layer's own δ needs no barrier before its
// weight gradient, but one before the input gradient below it, except for the first layer,
// which has none; a step of fit whose first layer is split, as the next step's is, runs into
// the next without its last barrier. What is one sequential
// computation stays one: the loss sum and the gradient's norm, a few adds per element in a
// fixed order, are taken by every thread itself, so no thread waits for another's result;
// each thread draws its rows' dropout masks from their place in the one generator stream (it
// skips ahead to it); only the shuffle, one draw per sample and epoch, is one thread's.

import { Network, Layer, Optimizer, Control, layerAt } from './blocks';
import { at } from './address';
import { denseForward } from './gemm/forward';
import { weightGradient } from './gemm/weight-gradient';
import { inputGradient } from './gemm/input-gradient';
import { CROSS_ENTROPY, lossMean, lossTerms, outputDeltaRows } from './losses';
import { denominatorReadsRows, isWeighted, lossDenominator, lossWeight as rowsWeight, weightedLossMean, weightedLossTerms, weightedOutputDeltaRows } from './weighting';
import { optimizerStep } from './optimizers';
import { clipByValue, clipCoefficient, gradientNorm, scaleGradients } from './clipping';
import { applyMask, dropoutBackward, dropoutMask } from './dropout';
import { updateIsFinite } from './health';
import { slopeFromZ, activate, LINEAR, SOFTMAX } from './activations';
import { storeSlopeRows } from './slopes';
import { resetOrder } from './shuffle';
import { cursorFrom, cursorSkip, cursorTo } from './random';
import { gather } from './barrier';
import { cutAt, startWork } from './balance';
import { post, threadsFor } from './control';
import { NO_NORM, overBatch, normalizeRows, normalizeColumns, normalizeBackwardColumns, normalizeBackwardRows, updateRunningOf } from './normalization';

// Commands a call runs on its threads.
export const FORWARD = 1;
export const BACKWARD = 2;
export const STEP = 3;
export const BATCHES = 4;
export const EPOCHS = 5;
export const STOP = 6;

// How a thread's share of a step ended. After a call's last barrier no thread reads the
// Network block again: the caller may return and change it while the others finish.
const APPLIED = 0;
const REFUSED = 1;
const ABORTED = -1;

// Divergence guard: why a step was refused (TypeScript's FailureCause is generated from these).
// @generate codes failure FailureCause
export const FAILURE_NONE: i32 = 0;
export const FAILURE_LOSS: i32 = 1;
export const FAILURE_UPDATE: i32 = 2;
/** A thread's flag for the guard: θ − η·∇θ is not finite somewhere in its units. */
const UPDATE_NOT_FINITE: i32 = 1;

/** Rows per share are a multiple of this: SIMD kernels work on row pairs, and shares stay off each other's cache lines. */
const ROW_ALIGN = 4;
/** θ per share is a multiple of 16 floats: whole cache lines. */
const PARAM_ALIGN = 16;
/** Units of the weight gradient per share are a multiple of the SIMD kernel's tile height. */
const UNIT_ALIGN = 4;
/** Steps that may run into each other without a barrier between, at most (the last keeps it, and rebalances there). */
const REBALANCE_STEPS = 8;
/** Units per share of a layer split by units: whole cache lines of each output row, so no two threads write one line. */
const COLUMN_ALIGN = 16;

/**
 * Runs `rows` samples of the batch inputs through every layer, filling each layer's z and a (no
 * dropout); batch norm uses the batch's statistics when `batchStatistics`, else the running ones.
 */
export function forward(network: usize, rows: i32, batchStatistics: bool): void {
  const n = changetype<Network>(network);
  n.rows = rows;
  n.batchStatistics = batchStatistics ? 1 : 0;
  call(n, FORWARD, rows);
}

/** Mean loss of the last forward pass against the batch targets. */
export function loss(network: usize, rows: i32): f64 {
  const n = changetype<Network>(network);
  lossRows(n, 0, rows, false);
  return lossOf(n, rows);
}

/** Σ of the loss's row weights for the staged batch (assembly/weighting.ts): `rows` when nothing is weighted. */
export function lossWeight(network: usize, rows: i32): f64 {
  const n = changetype<Network>(network);
  return rowsWeight(n.loss, n.batchTargets, rows, layerAt(network, n.layerCount - 1).outputs, n);
}

/**
 * After `forward`: returns the loss and fills every gradient. Each layer's z buffer is reused
 * for its delta ∂L/∂z, so backpropagation needs no memory of its own.
 */
export function backward(network: usize, rows: i32): f64 {
  const n = changetype<Network>(network);
  n.rows = rows;
  call(n, BACKWARD, rows);
  return n.result;
}

/**
 * One training step on the batch: forward (dropout on), backward, clipping, the optimizer's
 * update. Returns the loss before the step. The update is skipped, and `failure` set, when
 * the loss or the update is not finite.
 */
export function trainStep(network: usize, rows: i32, learningRate: f64): f64 {
  const n = changetype<Network>(network);
  n.rows = rows;
  n.learningRate = learningRate;
  call(n, STEP, rows);
  return n.result;
}

/**
 * Batches firstBatch…firstBatch+batchCount−1 of an epoch over the dataset in `order` (the last
 * may be partial), so a caller can stop between batches. Returns the sum over those batches of
 * batch loss × batch weight (its rows when nothing is weighted); the weights' sum is left in the
 * Network block's resultWeight.
 */
export function trainBatches(network: usize, firstBatch: i32, batchCount: i32, learningRate: f64): f64 {
  const n = changetype<Network>(network);
  n.firstBatch = firstBatch;
  n.batchCount = batchCount;
  n.learningRate = learningRate;
  call(n, BATCHES, min(n.batchSize, n.sampleCount));
  return n.result;
}

/**
 * `epochs` epochs over 0…count−1, shuffled (when `shuffle`) by the shuffle generator; epoch e's
 * mean loss goes to epochLosses[e]. Stops after an epoch in which a step failed.
 */
export function trainEpochs(network: usize, epochs: i32, shuffle: bool, learningRate: f64): void {
  const n = changetype<Network>(network);
  n.epochCount = epochs;
  n.shuffle = shuffle ? 1 : 0;
  n.learningRate = learningRate;
  call(n, EPOCHS, min(n.batchSize, n.sampleCount));
}

/** Runs a command on as many threads as its batch is worth: the workers' shares are posted, the caller takes share 0. */
function call(n: Network, command: i32, rows: i32): void {
  let threads = 1;
  if (ASC_FEATURE_THREADS) {
    threads = threadsFor(n, rows);
    if (threads > 1) post(changetype<Control>(n.control), command, threads, changetype<usize>(n));
  }
  execute(n, command, 0, threads);
}

/** This thread's share of a command. Returns false if the work was aborted (another thread failed). */
export function execute(n: Network, command: i32, thread: i32, threads: i32): bool {
  if (ASC_FEATURE_THREADS) {
    if (threads > 1) startWork();
  }
  if (command == FORWARD) return forwardShare(n, thread, threads, n.rows, false, n.batchStatistics != 0) && sync(n, thread, threads);
  if (command == BACKWARD) {
    if (backwardShare(n, thread, threads, n.rows, false) < 0 || !sync(n, thread, threads)) return false;
    if (thread == 0) n.result = lossOf(n, n.rows);
    return true;
  }
  if (command == STEP) return stepShare(n, thread, threads, n.rows, true) != ABORTED;
  if (command == BATCHES) return batchesShare(n, thread, threads, n.firstBatch, n.batchCount) != ABORTED;
  if (command == EPOCHS) return epochsShare(n, thread, threads);
  return true;
}

/** Waits for every thread of the call; free on one thread, and compiled only into threaded builds. */
@inline function sync(n: Network, thread: i32, threads: i32): bool {
  return syncFlags(n, thread, threads, 0, false) >= 0;
}

/**
 * Waits for every thread of the call and returns the OR of their `flags` (−1: aborted); on one
 * thread, `flags`. `rebalancing`: no share computed before this barrier is used after it, so
 * the cuts between shares may move here.
 */
@inline function syncFlags(n: Network, thread: i32, threads: i32, flags: i32, rebalancing: bool): i32 {
  if (ASC_FEATURE_THREADS) {
    if (threads > 1) {
      const c = changetype<Control>(n.control);
      return gather(c, thread != 0 || c.callerCanBlock != 0, flags, thread, rebalancing);
    }
  }
  return flags;
}

/**
 * Where thread t's share of `total` items starts: at its cut (equal shares, or moved towards
 * the threads' measured speeds by assembly/balance.ts), rounded to a multiple of `align`.
 */
@inline function share(n: Network, total: i32, t: i32, threads: i32, align: i32): i32 {
  // One thread's share is everything (t is 0 or 1): no division on the one-thread path.
  if (threads == 1) return t * total;
  if (t == threads) return total;
  const cut = ASC_FEATURE_THREADS ? cutAt(changetype<Control>(n.control), t, threads) : <f64>t / <f64>threads;
  return min(total, (<i32>(cut * <f64>total) + (align >> 1)) / align * align);
}
@inline function rowShare(n: Network, rows: i32, t: i32, threads: i32): i32 { return share(n, rows, t, threads, ROW_ALIGN); }

/** What layer l hands the next layer: its dropped-out activations while training, else a. */
@inline function passedOn(layer: Layer, training: bool): usize {
  return training && layer.dropoutRate > 0 ? layer.dropped : layer.a;
}

/**
 * Whether a layer's forward pass — and the δ reaching its output, and its update — is split by
 * units (every row, a share of the units) rather than by rows. A thread then reads only the
 * share of the weights that it updates itself, not all of them: when the layer has more units
 * than the batch has rows, that moves less memory between the cores' caches than it adds
 * (every row of the input). Only for layers whose outputs are elementwise, each unit alone (no
 * normalization, no softmax), with a cache line of units per thread. Every thread decides
 * alike, from the call's rows and threads.
 */
@inline function splitsUnits(layer: Layer, rows: i32, threads: i32): bool {
  return threads > 1 && layer.outputs > rows && layer.outputs >= threads * COLUMN_ALIGN
    && layer.normalization == NO_NORM && layer.activation != SOFTMAX;
}

/**
 * Rows r0…r1−1 through every layer, batch norm with its running statistics (inference): a
 * row's activations depend on that row alone.
 */
export function forwardRows(n: Network, r0: i32, r1: i32): void {
  let input = n.batchInputs;
  for (let l = 0; l < n.layerCount; l++) {
    const layer = layerAt(changetype<usize>(n), l);
    layerRows(layer, input, r0, r1);
    input = layer.a;
  }
}

/**
 * This thread's share of a forward pass: its rows through every layer, with dropout while
 * training. With `batchStatistics` a batch-norm layer's statistics need every row's h: the
 * threads meet, normalize their units down all rows, and meet again before the activation.
 * Returns false if the work was aborted.
 */
function forwardShare(n: Network, thread: i32, threads: i32, rows: i32, dropout: bool, batchStatistics: bool): bool {
  const r0 = rowShare(n, rows, thread, threads);
  const r1 = rowShare(n, rows, thread + 1, threads);
  let input = n.batchInputs;
  // How the layer before split its outputs (the batch inputs count as split by rows).
  let aboveByUnits = false;
  for (let l = 0; l < n.layerCount; l++) {
    const layer = layerAt(changetype<usize>(n), l);
    const units = layer.outputs;
    const byUnits = splitsUnits(layer, rows, threads);
    // A layer split by units reads every row of its input, one split by rows every unit of its
    // rows: wait for the other threads' shares. Before the first layer this also waits for
    // every thread's batch rows and dropout masks, and for the last update of θ.
    if ((byUnits || aboveByUnits) && !sync(n, thread, threads)) return false;
    aboveByUnits = byUnits;
    if (byUnits) {
      const u0 = share(n, units, thread, threads, COLUMN_ALIGN);
      const u1 = share(n, units, thread + 1, threads, COLUMN_ALIGN);
      denseForward(layer.z, layer.a, input, layer.weights, layer.bias, units, layer.inputs, layer.activation, 0, rows, u0, u1);
      if (dropout && layer.dropoutRate > 0 && u0 < u1) {
        for (let r = 0; r < rows; r++) applyMask(at(layer.dropped, r * units + u0), at(layer.mask, r * units + u0), at(layer.a, r * units + u0), u1 - u0);
      }
      input = passedOn(layer, dropout);
      continue;
    }
    if (batchStatistics && overBatch(layer.normalization)) {
      denseForward(layer.h, layer.h, input, layer.weights, layer.bias, units, layer.inputs, LINEAR, r0, r1, 0, units);
      if (!sync(n, thread, threads)) return false;
      normalizeColumns(layer, rows, share(n, units, thread, threads, UNIT_ALIGN), share(n, units, thread + 1, threads, UNIT_ALIGN));
      if (!sync(n, thread, threads)) return false;
      if (r0 < r1) activate(layer.activation, at(layer.a, r0 * units), at(layer.z, r0 * units), r1 - r0, units);
    } else if (dropout && l == n.layerCount - 1 && softmaxInLoss(n, layer)) {
      // z only: the loss takes the softmax from its own exponentials (lossRows).
      if (r0 < r1) denseForward(layer.z, layer.z, input, layer.weights, layer.bias, units, layer.inputs, LINEAR, r0, r1, 0, units);
    } else {
      layerRows(layer, input, r0, r1);
    }
    if (dropout && layer.dropoutRate > 0 && r0 < r1) applyMask(at(layer.dropped, r0 * units), at(layer.mask, r0 * units), at(layer.a, r0 * units), (r1 - r0) * units);
    input = passedOn(layer, dropout);
  }
  return true;
}

/** Rows r0…r1−1 of one layer: its Linear, its normalization (batch norm's running statistics), its activation. */
function layerRows(layer: Layer, input: usize, r0: i32, r1: i32): void {
  if (r0 >= r1) return;
  const units = layer.outputs;
  if (layer.normalization == NO_NORM) {
    denseForward(layer.z, layer.a, input, layer.weights, layer.bias, units, layer.inputs, layer.activation, r0, r1, 0, units);
    return;
  }
  denseForward(layer.h, layer.h, input, layer.weights, layer.bias, units, layer.inputs, LINEAR, r0, r1, 0, units);
  normalizeRows(layer, r0, r1);
  activate(layer.activation, at(layer.a, r0 * units), at(layer.z, r0 * units), r1 - r0, units);
}

/**
 * Whether a training step's output layer leaves its softmax to the loss: cross-entropy computes
 * logsumexp(z) from the same maximum and exponentials as softmax(z), so the step takes both in
 * one pass (a 10-class layer's 2 × 320 exponentials were a tenth of a digits-sized step). Only
 * where nothing reads a between the forward pass and the loss (no normalization, no dropout).
 */
@inline function softmaxInLoss(n: Network, layer: Layer): bool {
  return n.loss == CROSS_ENTROPY && layer.activation == SOFTMAX && layer.normalization == NO_NORM && layer.dropoutRate <= 0;
}

/** Loss terms of rows r0…r1−1, before their δ overwrites z; in a training step, also the output softmax that the forward pass left to it (softmaxInLoss). */
function lossRows(n: Network, r0: i32, r1: i32, training: bool): void {
  const last = layerAt(changetype<usize>(n), n.layerCount - 1);
  const probabilities = training && softmaxInLoss(n, last) ? last.a : 0;
  if (isWeighted(n)) weightedLossTerms(n.loss, last.z, last.a, n.batchTargets, last.outputs, r0, r1, n.lossTerms, n.lossParameter, n, probabilities);
  else lossTerms(n.loss, last.z, last.a, n.batchTargets, last.outputs, r0, r1, n.lossTerms, n.lossParameter, probabilities);
}

/** The batch's mean loss from every row's terms. */
function lossOf(n: Network, rows: i32): f64 {
  const cols = layerAt(changetype<usize>(n), n.layerCount - 1).outputs;
  if (isWeighted(n)) return weightedLossMean(n.loss, n.lossTerms, n.batchTargets, rows, cols, n);
  return lossMean(n.loss, n.lossTerms, rows, cols);
}

/**
 * The dropout masks of rows r0…r1−1 of a batch of `rows`. A step's masks are one generator
 * stream, drawn layer by layer, row by row (as the js backend draws them); each thread skips its
 * cursor to where its rows' draws sit in that stream, so no thread waits for another's draws.
 * Returns true when the cursor ends at the stream's end (the thread has the batch's last rows).
 */
function drawMaskRows(n: Network, rows: i32, r0: i32, r1: i32): bool {
  cursorFrom(n.dropoutRandom);
  if (r0 >= r1) return false;
  let ahead: u64 = 0;
  for (let l = 0; l < n.layerCount; l++) {
    const layer = layerAt(changetype<usize>(n), l);
    if (layer.dropoutRate <= 0) continue;
    const units = layer.outputs;
    cursorSkip(ahead + <u64>r0 * <u64>units);
    dropoutMask(at(layer.mask, r0 * units), (r1 - r0) * units, layer.dropoutRate);
    ahead = <u64>(rows - r1) * <u64>units;
  }
  return r1 == rows;
}

function hasDropout(n: Network): bool {
  for (let l = 0; l < n.layerCount; l++) if (layerAt(changetype<usize>(n), l).dropoutRate > 0) return true;
  return false;
}

/**
 * This thread's share of backpropagation, after its rows' forward pass: its rows' loss terms,
 * then every gradient. While training, each thread also scans the update of the units whose
 * gradient it computed (the divergence guard) and clips them by value. Returns the guard's
 * flags for this thread's units, or −1 if the work was aborted.
 */
function backwardShare(n: Network, thread: i32, threads: i32, rows: i32, training: bool): i32 {
  const r0 = rowShare(n, rows, thread, threads);
  const r1 = rowShare(n, rows, thread + 1, threads);
  const network = changetype<usize>(n);
  const last = layerAt(network, n.layerCount - 1);
  // A row's loss terms and its output δ need only that row's forward pass (every unit of it);
  // the terms are taken before the slopes of the smooth activations replace z.
  if (splitsUnits(last, rows, threads) && !sync(n, thread, threads)) return -1;
  if (r0 < r1) lossRows(n, r0, r1, training);
  storeSlopeRows(network, r0, r1);
  if (isWeighted(n)) {
    // A weighted mean's denominator reads every row: wait until all are staged.
    if (denominatorReadsRows(n) && !sync(n, thread, threads)) return -1;
    const denominator = lossDenominator(n.loss, n.batchTargets, rows, last.outputs, n);
    weightedOutputDeltaRows(n.loss, last.activation, last.z, last.a, n.batchTargets, last.outputs, r0, r1, n.lossParameter, n, denominator);
  } else {
    outputDeltaRows(n.loss, last.activation, last.z, last.a, n.batchTargets, rows, last.outputs, r0, r1, n.lossParameter);
  }
  let flags = 0;
  // Whether this layer's δ came split by units: each thread then has every row of its own units.
  let deltaByUnits = false;
  for (let l = n.layerCount - 1; l >= 0; l--) {
    // The weight gradient sums over every row's delta: wait for all of them, unless this
    // thread computed every row of its units' δ itself.
    if (!deltaByUnits && !sync(n, thread, threads)) return -1;
    const layer = layerAt(network, l);
    const units = layer.outputs;
    const inputs = layer.inputs;
    const input = l == 0 ? n.batchInputs : passedOn(layerAt(network, l - 1), training);
    const align = splitsUnits(layer, rows, threads) ? COLUMN_ALIGN : UNIT_ALIGN;
    const u0 = share(n, units, thread, threads, align);
    const u1 = share(n, units, thread + 1, threads, align);
    // δ of the Linear's output: δz itself, or δh through the normalization (batch norm's down
    // this thread's columns; layer norm's was taken row by row in the phase before).
    let delta = layer.z;
    if (layer.normalization != NO_NORM) {
      normalizeBackwardColumns(layer, rows, u0, u1);
      delta = layer.h;
    }
    weightGradient(layer.gradWeights, layer.gradBias, delta, input, rows, units, inputs, u0, u1);
    if (training && threads > 1 && u0 < u1) flags |= guardUnits(n, layer, u0, u1);
    if (l == 0) continue;
    // The input gradient reads every unit's δ (δh) of the rows it computes.
    if ((deltaByUnits || overBatch(layer.normalization)) && !sync(n, thread, threads)) return -1;
    // Fused with the lower layer's activation derivative: its z buffer receives its δ. Rows
    // and units of it need only the same rows of delta, and no other thread reads them in
    // this phase. Split as the lower layer's forward pass was: by its units or by rows.
    const below = layerAt(network, l - 1);
    const slopes = slopeFromZ(below.activation) ? below.z : below.a;
    deltaByUnits = splitsUnits(below, rows, threads);
    if (deltaByUnits) {
      const c0 = share(n, inputs, thread, threads, COLUMN_ALIGN);
      const c1 = share(n, inputs, thread + 1, threads, COLUMN_ALIGN);
      inputGradient(below.z, delta, layer.weights, slopes, below.activation, units, inputs, 0, rows, c0, c1);
      // Dropout's mask and the activation derivative are both elementwise factors of δ.
      if (training && below.dropoutRate > 0 && c0 < c1) {
        for (let r = 0; r < rows; r++) dropoutBackward(at(below.z, r * inputs + c0), at(below.mask, r * inputs + c0), c1 - c0);
      }
    } else if (r0 < r1) {
      inputGradient(below.z, delta, layer.weights, slopes, below.activation, units, inputs, r0, r1, 0, inputs);
      if (training && below.dropoutRate > 0) dropoutBackward(at(below.z, r0 * inputs), at(below.mask, r0 * inputs), (r1 - r0) * inputs);
      if (below.normalization != NO_NORM) normalizeBackwardRows(below, r0, r1);
    }
  }
  // One thread's units are all of θ, one contiguous vector: one scan, not two per layer.
  if (training && threads == 1) flags = guardRange(n, n.parameters, n.gradient, n.parameterCount);
  return flags;
}

/**
 * The divergence guard's scan of units u0…u1−1 of a layer, right after their gradient (still in
 * cache): is θ − η·∇θ finite? Then clipping by value, which the guard does not see.
 */
function guardUnits(n: Network, layer: Layer, u0: i32, u1: i32): i32 {
  const inputs = layer.inputs;
  let flags = guardRange(n, at(layer.weights, u0 * inputs), at(layer.gradWeights, u0 * inputs), (u1 - u0) * inputs)
    | guardRange(n, at(layer.bias, u0), at(layer.gradBias, u0), u1 - u0);
  if (layer.normalization != NO_NORM) flags |= guardRange(n, at(layer.gamma, u0), at(layer.gradGamma, u0), u1 - u0) | guardRange(n, at(layer.beta, u0), at(layer.gradBeta, u0), u1 - u0);
  return flags;
}

/** The guard's flag for `len` parameters and their gradient, which it then clips by value. */
function guardRange(n: Network, params: usize, grads: usize, len: i32): i32 {
  const finite = updateIsFinite(params, grads, len, n.learningRate);
  const o = changetype<Optimizer>(n.optimizer);
  if (o.clipValue > 0) clipByValue(grads, len, o.clipValue);
  return finite ? 0 : UPDATE_NOT_FINITE;
}

/**
 * A training step on the batch: masks, forward, backward, the guard, then this thread's range
 * of the update. Returns APPLIED, REFUSED (by the divergence guard) or ABORTED. The guard
 * refuses a step whose loss or update θ − η·∇θ is not finite before anything changes, so θ
 * stays the last finite state.
 */
function stepShare(n: Network, thread: i32, threads: i32, rows: i32, endBarrier: bool): i32 {
  const r0 = rowShare(n, rows, thread, threads);
  const r1 = rowShare(n, rows, thread + 1, threads);
  // The thread with the batch's last rows ends its cursor where the step's stream ends; it
  // stores it once every thread has read the old state, and only if the step is applied, so a
  // refused step leaves the dropout generator as it was.
  const endsStream = hasDropout(n) && drawMaskRows(n, rows, r0, r1);
  if (!forwardShare(n, thread, threads, rows, true, true)) return ABORTED;
  const flags = backwardShare(n, thread, threads, rows, true);
  if (flags < 0) return ABORTED;
  // The optimizer's step count advances before the barrier that publishes it: nothing reads it
  // before the update, and a refused step takes it back.
  const o = changetype<Optimizer>(n.optimizer);
  const step = thread == 0 ? o.step : 0;
  if (thread == 0) o.step = step + 1;
  // Every thread sums the loss itself (a few adds a sample), so none waits for another; every
  // row's terms are in since backpropagation's first barrier. Both read the batch before the
  // next barrier: after it, other threads may stage the next batch.
  const value = lossOf(n, rows);
  if (thread == 0) n.resultWeight = rowsWeight(n.loss, n.batchTargets, rows, layerAt(changetype<usize>(n), n.layerCount - 1).outputs, n);
  // Every gradient and every thread's guard flags are in.
  const gathered = syncFlags(n, thread, threads, flags, false);
  if (gathered < 0) return ABORTED;
  const failure = value - value != 0 ? FAILURE_LOSS : gathered != 0 ? FAILURE_UPDATE : FAILURE_NONE;
  if (failure == FAILURE_NONE) {
    if (thread == 0) {
      n.result = value;
      n.failure = FAILURE_NONE;
      // A few values per unit; read by no thread before the next step.
      updateRunningStatistics(n);
    }
    if (endsStream) cursorTo(n.dropoutRandom);
    // The step's last barrier may rebalance: every share after it is computed afresh.
    return updateShare(n, thread, threads, rows) && (!endBarrier || syncFlags(n, thread, threads, 0, true) >= 0) ? APPLIED : ABORTED;
  }
  if (thread == 0) {
    n.result = value;
    n.failure = failure;
    o.step = step;
  }
  return sync(n, thread, threads) ? REFUSED : ABORTED;
}

/** Batch norm's running statistics after an applied step, from the statistics of its batch. */
function updateRunningStatistics(n: Network): void {
  let tracked = false;
  for (let l = 0; l < n.layerCount; l++) {
    const layer = layerAt(changetype<usize>(n), l);
    if (!overBatch(layer.normalization)) continue;
    updateRunningOf(layer);
    tracked = true;
  }
  if (tracked) n.batchesTracked += 1;
}

/**
 * Global-norm clipping and the optimizer's update of this thread's share of θ (already clipped
 * by value): each layer split by units updates the units this thread computes in the forward
 * pass (so the next step's may follow without a barrier), every other parameter vector is cut
 * into equal ranges.
 */
function updateShare(n: Network, thread: i32, threads: i32, rows: i32): bool {
  const o = changetype<Optimizer>(n.optimizer);
  let coefficient: f64 = 1;
  if (o.clipNorm > 0) {
    // One sum in θ order, taken by every thread; scaling waits until all have read ∇θ.
    coefficient = clipCoefficient(gradientNorm(n.gradient, n.parameterCount), o.clipNorm);
    if (!sync(n, thread, threads)) return false;
  }
  if (threads == 1) {
    updateRange(n, o, 0, n.parameterCount, coefficient);
    return true;
  }
  for (let l = 0; l < n.layerCount; l++) {
    const layer = layerAt(changetype<usize>(n), l);
    const units = layer.outputs;
    const inputs = layer.inputs;
    const weights = indexOf(n, layer.weights);
    const bias = indexOf(n, layer.bias);
    if (splitsUnits(layer, rows, threads)) {
      const u0 = share(n, units, thread, threads, COLUMN_ALIGN);
      const u1 = share(n, units, thread + 1, threads, COLUMN_ALIGN);
      updateRange(n, o, weights + u0 * inputs, weights + u1 * inputs, coefficient);
      updateRange(n, o, bias + u0, bias + u1, coefficient);
      continue;
    }
    updateShareOf(n, o, weights, units * inputs, thread, threads, coefficient);
    updateShareOf(n, o, bias, units, thread, threads, coefficient);
    if (layer.normalization != NO_NORM) {
      updateShareOf(n, o, indexOf(n, layer.gamma), units, thread, threads, coefficient);
      updateShareOf(n, o, indexOf(n, layer.beta), units, thread, threads, coefficient);
    }
  }
  return true;
}

/** Index in θ of a parameter vector's first element. */
@inline function indexOf(n: Network, vector: usize): i32 {
  return <i32>((vector - n.parameters) >> alignof<float>());
}

/** This thread's equal range of the `length` parameters from θ index `begin`. */
function updateShareOf(n: Network, o: Optimizer, begin: i32, length: i32, thread: i32, threads: i32, coefficient: f64): void {
  updateRange(n, o, begin + share(n, length, thread, threads, PARAM_ALIGN), begin + share(n, length, thread + 1, threads, PARAM_ALIGN), coefficient);
}

/** θ[begin, end): global-norm clipping's scaling, then the optimizer's update (elementwise, so any range agrees bit for bit). */
function updateRange(n: Network, o: Optimizer, begin: i32, end: i32, coefficient: f64): void {
  if (begin >= end) return;
  if (o.clipNorm > 0) scaleGradients(at(n.gradient, begin), end - begin, coefficient);
  optimizerStep(o, n.parameters, n.gradient, begin, end, n.learningRate);
}

/**
 * Batches firstBatch…firstBatch+batchCount−1 of the epoch: each thread gathers its own rows of
 * every batch, then steps with the others. Returns how the last step ended.
 */
function batchesShare(n: Network, thread: i32, threads: i32, firstBatch: i32, batchCount: i32): i32 {
  const count = n.sampleCount;
  const batchSize = n.batchSize;
  const network = changetype<usize>(n);
  const xBytes = <usize>layerAt(network, 0).inputs << alignof<float>();
  const yBytes = <usize>layerAt(network, n.layerCount - 1).outputs << alignof<float>();
  // Sample weights are gathered with the rows only while they are switched on.
  const weights = n.batchWeights != 0 ? n.dataWeights : 0;
  let total: f64 = 0;
  let totalWeight: f64 = 0;
  let outcome = APPLIED;
  const end = min(count, (firstBatch + batchCount) * batchSize);
  for (let start = firstBatch * batchSize; start < end; start += batchSize) {
    const rows = min(batchSize, count - start);
    const r1 = rowShare(n, rows, thread + 1, threads);
    for (let i = rowShare(n, rows, thread, threads); i < r1; i++) {
      const sample = <usize>load<i32>(n.order + (<usize>(start + i) << 2));
      memory.copy(n.batchInputs + <usize>i * xBytes, n.dataInputs + sample * xBytes, xBytes);
      memory.copy(n.batchTargets + <usize>i * yBytes, n.dataTargets + sample * yBytes, yBytes);
      if (weights != 0) store<float>(n.batchWeights + (<usize>i << alignof<float>()), load<float>(weights + (sample << alignof<float>())));
    }
    // A step ends with a barrier unless the next one's first barrier can stand for it; every
    // REBALANCE_STEPS-th keeps it anyway, for the shares to follow the threads' speeds.
    const next = start + batchSize;
    const endBarrier = next >= end || (start / batchSize) % REBALANCE_STEPS == REBALANCE_STEPS - 1 || !overlaps(n, rows, min(batchSize, count - next), threads);
    outcome = stepShare(n, thread, threads, rows, endBarrier);
    if (outcome == ABORTED) return ABORTED;
    if (thread == 0) {
      // Each batch counts by its loss's weight (its rows when nothing is weighted).
      total += n.result * n.resultWeight;
      totalWeight += n.resultWeight;
    }
    if (outcome == REFUSED) {
      if (thread == 0) n.failedBatch = start / batchSize;
      break;
    }
  }
  if (thread == 0) {
    n.result = total;
    n.resultWeight = totalWeight;
  }
  return outcome;
}

/**
 * Whether a step of `rows` rows may run into the next step of `nextRows` without a barrier
 * between: when both split the first layer by units, every thread updates the first layer's
 * weights that it alone reads next, and the next step waits for every thread before its first
 * layer, after staging its rows (which no thread reads after the step's last barrier). Dropout
 * needs the barrier: the generator's state, which every thread reads, is stored after the update.
 */
function overlaps(n: Network, rows: i32, nextRows: i32, threads: i32): bool {
  const first = layerAt(changetype<usize>(n), 0);
  return splitsUnits(first, rows, threads) && splitsUnits(first, nextRows, threads) && !hasDropout(n);
}

/** Epochs of batches; the sample order is one generator's stream, so thread 0 shuffles it. */
function epochsShare(n: Network, thread: i32, threads: i32): bool {
  const count = n.sampleCount;
  const epochs = n.epochCount;
  const batches = (count + n.batchSize - 1) / n.batchSize;
  for (let e = 0; e < epochs; e++) {
    // Every thread has read the last epoch's order: each step ends with a barrier.
    if (thread == 0) resetOrder(n.order, count, n.shuffle != 0, n.shuffleRandom);
    if (!sync(n, thread, threads)) return false;
    const outcome = batchesShare(n, thread, threads, 0, batches);
    if (outcome == ABORTED) return false;
    if (outcome == REFUSED) {
      if (thread == 0) n.failedEpoch = e;
      return true;
    }
    if (thread == 0) store<f64>(n.epochLosses + (<usize>e << 3), n.resultWeight == 0 ? 0 : n.result / n.resultWeight);
  }
  return true;
}
