// Weighted losses, value and output delta side by side: per-row sample weights s (Keras's
// sample_weight), per-class weights w and label smoothing ε for cross-entropy
// (nn.CrossEntropyLoss(weight, label_smoothing)), per-output positive weights for binary
// cross-entropy (nn.BCEWithLogitsLoss(pos_weight)), all read from the Network block; a pointer
// of 0 means none (all ones).
//
// The batch's loss is Σᵢ sᵢ·ℓᵢ / Σᵢ sᵢ·dᵢ. For cross-entropy ℓᵢ = −Σⱼ wⱼ·ỹᵢⱼ·log pᵢⱼ with
// ỹ = (1 − ε)·y + ε/C, and dᵢ = w of the row's class when its target is one-hot, else 1: with
// s = 1 that is torch's mean over class indices (÷ Σ w_yᵢ) for one-hot rows and over probability
// targets (÷ N) for soft rows. For the elementwise losses ℓᵢ is the row's mean term and dᵢ = 1.
// A batch whose weights sum to 0 has loss 0 and gradient 0.

import { CROSS_ENTROPY, BINARY_CROSS_ENTROPY, crossEntropyTerms, elementGradients, lossTerms, smoothedTarget } from './losses';
import { activationBackward, slopeFromZ } from './activations';
import { at } from './address';
import { Network } from './blocks';

/** A row's sample weight (1 without sample weights). */
@inline function sampleWeight(s: usize, r: i32): float {
  return s == 0 ? <float>1 : load<float>(at(s, r));
}

/** The class of a one-hot target row (exactly one 1, the rest 0), or −1 for a soft row. */
function hotClass(yRow: usize, cols: i32): i32 {
  let hot = -1;
  for (let j = 0; j < cols; j++) {
    const t = load<float>(at(yRow, j));
    if (t == 0) continue;
    if (t != 1 || hot >= 0) return -1;
    hot = j;
  }
  return hot;
}

/** Σᵢ sᵢ·dᵢ over the batch, in row order (the mean's denominator is this, times the outputs for elementwise losses). */
export function lossWeight(kind: i32, y: usize, rows: i32, cols: i32, n: Network): f64 {
  const s = n.batchWeights;
  const w = n.classWeights;
  if (s == 0 && (kind != CROSS_ENTROPY || w == 0)) return <f64>rows;
  let sum: f64 = 0;
  for (let r = 0; r < rows; r++) {
    let d: f64 = <f64>sampleWeight(s, r);
    if (kind == CROSS_ENTROPY && w != 0) {
      const hot = hotClass(at(y, r * cols), cols);
      if (hot >= 0) d *= <f64>load<float>(at(w, hot));
    }
    sum += d;
  }
  return sum;
}

/** The mean's denominator: Σ sᵢ·dᵢ, times the outputs for the elementwise losses. */
export function lossDenominator(kind: i32, y: usize, rows: i32, cols: i32, n: Network): f64 {
  const weight = lossWeight(kind, y, rows, cols, n);
  return kind == CROSS_ENTROPY ? weight : weight * <f64>cols;
}

/** Rows r0…r1−1 of the weighted loss terms (see lossTerms, and crossEntropyTerms for `probabilities`): sᵢ times each element's term. */
export function weightedLossTerms(kind: i32, z: usize, a: usize, y: usize, cols: i32, r0: i32, r1: i32, terms: usize, parameter: f64, n: Network, probabilities: usize = 0): void {
  if (kind == CROSS_ENTROPY) crossEntropyTerms(z, y, cols, r0, r1, terms, n.classWeights, <float>n.labelSmoothing, probabilities);
  else if (kind == BINARY_CROSS_ENTROPY && n.posWeights != 0) binaryCrossEntropyTerms(z, y, cols, r0, r1, terms, n.posWeights);
  else lossTerms(kind, z, a, y, cols, r0, r1, terms, parameter);
  const s = n.batchWeights;
  if (s == 0) return;
  for (let r = r0; r < r1; r++) {
    const weight = load<float>(at(s, r));
    // A row of weight 0 adds nothing, even where its terms are not finite.
    for (let j = r * cols; j < (r + 1) * cols; j++) store<float>(at(terms, j), weight == 0 ? <float>0 : weight * load<float>(at(terms, j)));
  }
}

/** nn.BCEWithLogitsLoss(pos_weight) as torch computes it: (1 − y)·z + (1 + (p − 1)·y)·(log(1 + e^−|z|) + max(−z, 0)). */
function binaryCrossEntropyTerms(z: usize, y: usize, cols: i32, r0: i32, r1: i32, terms: usize, positive: usize): void {
  for (let r = r0; r < r1; r++) {
    for (let j = 0; j < cols; j++) {
      const i = r * cols + j;
      const v = load<float>(at(z, i));
      const t = load<float>(at(y, i));
      const logWeight = (load<float>(at(positive, j)) - <float>1) * t + <float>1;
      const softplus = <float>fmath.log1p(<float>fmath.exp(-<float>fmath.abs(v))) + <float>fmath.max(-v, 0);
      store<float>(at(terms, i), (<float>1 - t) * v + logWeight * softplus);
    }
  }
}

/**
 * Rows r0…r1−1 of delta ← ∂L/∂z of the weighted loss, for a batch whose mean's denominator is
 * `denominator` (lossDenominator of every row; 0 makes the delta 0). As outputDeltaRows, delta
 * may alias z and holds the output's slopes on entry when the activation `slopeFromZ`.
 */
export function weightedOutputDeltaRows(kind: i32, activation: i32, delta: usize, a: usize, y: usize, cols: i32, r0: i32, r1: i32, parameter: f64, n: Network, denominator: f64): void {
  const s = n.batchWeights;
  if (denominator == 0) {
    memory.fill(at(delta, r0 * cols), 0, <usize>((r1 - r0) * cols) << alignof<float>());
    return;
  }
  if (kind == CROSS_ENTROPY) {
    crossEntropyDelta(delta, a, y, cols, r0, r1, n, denominator);
    return;
  }
  if (kind == BINARY_CROSS_ENTROPY) {
    binaryCrossEntropyDelta(delta, a, y, cols, r0, r1, n, denominator);
    return;
  }
  // ∂L/∂a (times the slope already in delta), then sᵢ, then the activation's backward rule.
  const slopes = slopeFromZ(activation);
  elementGradients(kind, delta, a, y, r0 * cols, r1 * cols, denominator, parameter, slopes);
  if (s != 0) {
    for (let r = r0; r < r1; r++) {
      const weight = load<float>(at(s, r));
      for (let j = r * cols; j < (r + 1) * cols; j++) store<float>(at(delta, j), weight == 0 ? <float>0 : weight * load<float>(at(delta, j)));
    }
  }
  if (!slopes) activationBackward(activation, at(delta, r0 * cols), at(a, r0 * cols), r1 - r0, cols);
}

/** (sᵢ/D)·(Wᵢ·pⱼ − wⱼ·ỹⱼ) with Wᵢ = Σⱼ wⱼ·ỹⱼ: the weighted row's loss is Wᵢ·logsumexp(z) − Σⱼ wⱼ·ỹⱼ·zⱼ. */
function crossEntropyDelta(delta: usize, a: usize, y: usize, cols: i32, r0: i32, r1: i32, n: Network, denominator: f64): void {
  const w = n.classWeights;
  const epsilon = <float>n.labelSmoothing;
  for (let r = r0; r < r1; r++) {
    const yRow = at(y, r * cols);
    const scale = <float>(<f64>sampleWeight(n.batchWeights, r) / denominator);
    let total: float = 0;
    for (let j = 0; j < cols; j++) {
      const t = smoothedTarget(load<float>(at(yRow, j)), epsilon, cols);
      total += w == 0 ? t : load<float>(at(w, j)) * t;
    }
    for (let j = 0; j < cols; j++) {
      const i = r * cols + j;
      const t = smoothedTarget(load<float>(at(yRow, j)), epsilon, cols);
      const weighted = w == 0 ? t : load<float>(at(w, j)) * t;
      store<float>(at(delta, i), scale == 0 ? <float>0 : scale * (total * load<float>(at(a, i)) - weighted));
    }
  }
}

/** (sᵢ/D)·((1 + (pⱼ − 1)·y)·σ(z) − pⱼ·y), torch's gradient of BCEWithLogitsLoss(pos_weight). */
function binaryCrossEntropyDelta(delta: usize, a: usize, y: usize, cols: i32, r0: i32, r1: i32, n: Network, denominator: f64): void {
  const positive = n.posWeights;
  for (let r = r0; r < r1; r++) {
    const scale = <float>(<f64>sampleWeight(n.batchWeights, r) / denominator);
    for (let j = 0; j < cols; j++) {
      const i = r * cols + j;
      const t = load<float>(at(y, i));
      const p = positive == 0 ? <float>1 : load<float>(at(positive, j));
      const logWeight = (p - <float>1) * t + <float>1;
      store<float>(at(delta, i), scale == 0 ? <float>0 : scale * (logWeight * load<float>(at(a, i)) - p * t));
    }
  }
}

/** Whether the network's loss takes the weighted path at all. */
@inline export function isWeighted(n: Network): bool {
  return n.batchWeights != 0 || n.classWeights != 0 || n.posWeights != 0 || n.labelSmoothing != 0;
}

/** Whether the mean's denominator reads every row of the batch (its targets or sample weights). */
@inline export function denominatorReadsRows(n: Network): bool {
  return n.batchWeights != 0 || n.classWeights != 0;
}

/** The weighted mean from every row's terms: one f64 sum in element order, over lossDenominator (0 when that is 0). */
export function weightedLossMean(kind: i32, terms: usize, y: usize, rows: i32, cols: i32, n: Network): f64 {
  const denominator = lossDenominator(kind, y, rows, cols, n);
  if (denominator == 0) return 0;
  const len = rows * cols;
  let sum: f64 = 0;
  for (let i = 0; i < len; i++) sum += <f64>load<float>(at(terms, i));
  return sum / denominator;
}
