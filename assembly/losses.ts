// Losses, value and output delta side by side. All are means over the batch, as PyTorch's
// reduction='mean'. The delta written is ∂L/∂z of the output layer, so the fused pairs
// (softmax + cross-entropy, sigmoid + binary cross-entropy) skip the activation's Jacobian
// and never divide by a probability.

import { activationBackward, rowMax, slopeFromZ, softmaxSum } from './activations';

// Each loss's code.
// @generate codes loss
export const MSE = 0;
export const CROSS_ENTROPY = 1;
export const BINARY_CROSS_ENTROPY = 2;
export const L1 = 3;
export const HUBER = 4;
export const SMOOTH_L1 = 5;

@inline function at(base: usize, i: i32): usize {
  return base + (<usize>i << alignof<float>());
}

/**
 * Rows r0…r1−1 of a batch's loss terms, into `terms` (laid out as z): what each output element
 * adds to the summed loss. A row's terms depend on that row alone, so threads each take their
 * rows right after their forward pass. `parameter` is huber's δ or smooth-l1's β.
 */
export function lossTerms(kind: i32, z: usize, a: usize, y: usize, cols: i32, r0: i32, r1: i32, terms: usize, parameter: f64, probabilities: usize = 0): void {
  const first = r0 * cols;
  const end = r1 * cols;
  if (kind == L1) {
    for (let i = first; i < end; i++) {
      store<float>(at(terms, i), <float>fmath.abs(load<float>(at(a, i)) - load<float>(at(y, i))));
    }
    return;
  }
  if (kind == HUBER) {
    // nn.HuberLoss: ½d² inside ±δ, δ·(|d| − ½δ) outside.
    const delta = <float>parameter;
    for (let i = first; i < end; i++) {
      const d = <float>fmath.abs(load<float>(at(a, i)) - load<float>(at(y, i)));
      store<float>(at(terms, i), d < delta ? <float>0.5 * d * d : delta * (d - <float>0.5 * delta));
    }
    return;
  }
  if (kind == SMOOTH_L1) {
    // nn.SmoothL1Loss: ½d²/β inside ±β, |d| − ½β outside.
    const beta = <float>parameter;
    for (let i = first; i < end; i++) {
      const d = <float>fmath.abs(load<float>(at(a, i)) - load<float>(at(y, i)));
      store<float>(at(terms, i), d < beta ? <float>0.5 * d * d / beta : d - <float>0.5 * beta);
    }
    return;
  }
  if (kind == MSE) {
    // MSELoss('mean'): over samples and outputs; with one output it is the worked example's L(D).
    for (let i = first; i < end; i++) {
      const d = load<float>(at(a, i)) - load<float>(at(y, i));
      store<float>(at(terms, i), d * d);
    }
    return;
  }
  if (kind == CROSS_ENTROPY) {
    crossEntropyTerms(z, y, cols, r0, r1, terms, 0, 0, probabilities);
    return;
  }
  // BINARY_CROSS_ENTROPY, as BCEWithLogitsLoss: max(z,0) − z·y + log(1 + e^−|z|).
  for (let i = first; i < end; i++) {
    const v = load<float>(at(z, i));
    const t = load<float>(at(y, i));
    store<float>(at(terms, i), <float>fmath.max(v, 0) - v * t + <float>fmath.log1p(<float>fmath.exp(-<float>fmath.abs(v))));
  }
}

/**
 * Rows r0…r1−1 of cross-entropy's terms −wⱼ·ỹⱼ·log softmax(z)ⱼ = wⱼ·ỹⱼ·(logsumexp(z) − zⱼ),
 * ỹ = (1 − ε)·y + ε/C: with class weights w (`classes`, 0: all 1) and label smoothing ε
 * (assembly/weighting.ts), or neither, −Σ y·log softmax(z). With `probabilities` (not 0), a
 * training step's output layer whose softmax the forward pass left to the loss: softmax(z) goes
 * there, from the same exponentials as logsumexp (the same bits as taking each alone).
 */
export function crossEntropyTerms(z: usize, y: usize, cols: i32, r0: i32, r1: i32, terms: usize, classes: usize, epsilon: float, probabilities: usize = 0): void {
  for (let r = r0; r < r1; r++) {
    const zRow = at(z, r * cols);
    const yRow = at(y, r * cols);
    const tRow = at(terms, r * cols);
    const total = probabilities != 0 ? softmaxSum(at(probabilities, r * cols), zRow, cols) : rowExpSum(zRow, cols);
    const logSumExp = rowMax(zRow, cols) + <float>fmath.log(total);
    for (let j = 0; j < cols; j++) {
      const t = smoothedTarget(load<float>(at(yRow, j)), epsilon, cols);
      const weighted = classes == 0 ? t : load<float>(at(classes, j)) * t;
      // A zero target contributes nothing, even where z is not finite.
      store<float>(at(tRow, j), weighted != 0 ? weighted * (logSumExp - load<float>(at(zRow, j))) : <float>0);
    }
  }
}

/** ỹ = (1 − ε)·y + ε/C, a class's target after label smoothing. */
@inline export function smoothedTarget(t: float, epsilon: float, cols: i32): float {
  return epsilon == 0 ? t : (<float>1 - epsilon) * t + epsilon / <float>cols;
}

/** Σⱼ e^(zⱼ − max) of one row: with the row maximum factored out no exponential overflows, and logsumexp is max + log of it. */
function rowExpSum(zRow: usize, cols: i32): float {
  const max = rowMax(zRow, cols);
  let total: float = 0;
  for (let j = 0; j < cols; j++) total += <float>fmath.exp(load<float>(at(zRow, j)) - max);
  return total;
}

/**
 * Mean loss of a batch from its terms (lossTerms): one f64 sum in element order, so the bits do
 * not depend on how rows were shared among threads.
 */
export function lossMean(kind: i32, terms: usize, rows: i32, cols: i32): f64 {
  const len = rows * cols;
  let sum: f64 = 0;
  for (let i = 0; i < len; i++) sum += <f64>load<float>(at(terms, i));
  return sum / <f64>(kind == CROSS_ENTROPY ? rows : len);
}

/**
 * Rows r0…r1−1 of delta ← ∂L/∂z for the output layer, scaled by the whole batch of `rows`;
 * delta may alias z (z is no longer needed). For output activations that `slopeFromZ`, delta
 * holds the slopes act'(z) on entry (assembly/activations.ts storeSlopes).
 */
export function outputDeltaRows(kind: i32, activation: i32, delta: usize, a: usize, y: usize, rows: i32, cols: i32, r0: i32, r1: i32, parameter: f64): void {
  const first = r0 * cols;
  const end = r1 * cols;
  if (kind != CROSS_ENTROPY && kind != BINARY_CROSS_ENTROPY) {
    // ∂L/∂a, then through the activation: times the slope already in delta, or its backward rule.
    const slopes = slopeFromZ(activation);
    elementGradients(kind, delta, a, y, first, end, <f64>(rows * cols), parameter, slopes);
    if (!slopes) activationBackward(activation, at(delta, first), at(a, first), r1 - r0, cols);
    return;
  }
  // Fused: p − y, averaged the way the loss is (per sample for cross-entropy, per element for BCE).
  const scale = <float>(1.0 / <f64>(kind == CROSS_ENTROPY ? rows : rows * cols));
  for (let i = first; i < end; i++) {
    store<float>(at(delta, i), scale * (load<float>(at(a, i)) - load<float>(at(y, i))));
  }
}

/**
 * delta[i] ← ∂L/∂a[i] for the elementwise losses (mse, l1, huber, smooth-l1) averaged over
 * `count` elements, times delta[i] itself when it holds a slope. Each is PyTorch's backward rule.
 */
export function elementGradients(kind: i32, delta: usize, a: usize, y: usize, first: i32, end: i32, count: f64, parameter: f64, slopes: bool): void {
  const scale = <float>((kind == MSE ? 2.0 : 1.0) / count);
  if (kind == MSE) {
    for (let i = first; i < end; i++) {
      const g = scale * (load<float>(at(a, i)) - load<float>(at(y, i)));
      store<float>(at(delta, i), slopes ? g * load<float>(at(delta, i)) : g);
    }
  } else if (kind == L1) {
    // sign(a − y), 0 where they are equal.
    for (let i = first; i < end; i++) {
      const d = load<float>(at(a, i)) - load<float>(at(y, i));
      const g = d > 0 ? scale : d < 0 ? -scale : <float>0;
      store<float>(at(delta, i), slopes ? g * load<float>(at(delta, i)) : g);
    }
  } else if (kind == HUBER) {
    // d clamped to ±δ.
    const limit = <float>parameter;
    for (let i = first; i < end; i++) {
      const d = load<float>(at(a, i)) - load<float>(at(y, i));
      const g = scale * (d <= -limit ? -limit : d >= limit ? limit : d);
      store<float>(at(delta, i), slopes ? g * load<float>(at(delta, i)) : g);
    }
  } else {
    // SMOOTH_L1: d/β clamped to ±1.
    const beta = <float>parameter;
    for (let i = first; i < end; i++) {
      const d = load<float>(at(a, i)) - load<float>(at(y, i));
      const g = d <= -beta ? -scale : d >= beta ? scale : scale * d / beta;
      store<float>(at(delta, i), slopes ? g * load<float>(at(delta, i)) : g);
    }
  }
}
