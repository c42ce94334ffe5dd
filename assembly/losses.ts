// Losses, value and output delta side by side. All are means over the batch, as PyTorch's
// reduction='mean'. The delta written is ∂L/∂z of the output layer, so the fused pairs
// (softmax + cross-entropy, sigmoid + binary cross-entropy) skip the activation's Jacobian
// and never divide by a probability.

import { activationBackward, slopeFromZ } from './activations';

export const MSE = 0;
export const CROSS_ENTROPY = 1;
export const BINARY_CROSS_ENTROPY = 2;

@inline function at(base: usize, i: i32): usize {
  return base + (<usize>i << alignof<float>());
}

/**
 * Rows r0…r1−1 of a batch's loss terms, into `terms` (laid out as z): what each output element
 * adds to the summed loss. A row's terms depend on that row alone, so threads each take their
 * rows right after their forward pass.
 */
export function lossTerms(kind: i32, z: usize, a: usize, y: usize, cols: i32, r0: i32, r1: i32, terms: usize): void {
  const first = r0 * cols;
  const end = r1 * cols;
  if (kind == MSE) {
    // MSELoss('mean'): over samples and outputs; with one output it is the worked example's L(D).
    for (let i = first; i < end; i++) {
      const d = load<float>(at(a, i)) - load<float>(at(y, i));
      store<float>(at(terms, i), d * d);
    }
    return;
  }
  if (kind == CROSS_ENTROPY) {
    // −Σ y·log softmax(z) = Σ y·(logsumexp(z) − z), with the row maximum factored out.
    for (let r = r0; r < r1; r++) {
      const zRow = at(z, r * cols);
      const yRow = at(y, r * cols);
      const tRow = at(terms, r * cols);
      let max = load<float>(zRow);
      for (let j = 1; j < cols; j++) max = <float>fmath.max(max, load<float>(at(zRow, j)));
      let total: float = 0;
      for (let j = 0; j < cols; j++) total += <float>fmath.exp(load<float>(at(zRow, j)) - max);
      const logSumExp = max + <float>fmath.log(total);
      for (let j = 0; j < cols; j++) {
        const t = load<float>(at(yRow, j));
        // A zero target contributes nothing, even where z is not finite.
        const term: float = t != 0 ? t * (logSumExp - load<float>(at(zRow, j))) : 0;
        store<float>(at(tRow, j), term);
      }
    }
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
export function outputDeltaRows(kind: i32, activation: i32, delta: usize, a: usize, y: usize, rows: i32, cols: i32, r0: i32, r1: i32): void {
  const first = r0 * cols;
  const end = r1 * cols;
  if (kind == MSE) {
    const scale = <float>(2.0 / <f64>(rows * cols));
    if (slopeFromZ(activation)) {
      for (let i = first; i < end; i++) {
        store<float>(at(delta, i), scale * (load<float>(at(a, i)) - load<float>(at(y, i))) * load<float>(at(delta, i)));
      }
      return;
    }
    for (let i = first; i < end; i++) {
      store<float>(at(delta, i), scale * (load<float>(at(a, i)) - load<float>(at(y, i))));
    }
    activationBackward(activation, at(delta, first), at(a, first), r1 - r0, cols);
    return;
  }
  // Fused: p − y, averaged the way the loss is (per sample for cross-entropy, per element for BCE).
  const scale = <float>(1.0 / <f64>(kind == CROSS_ENTROPY ? rows : rows * cols));
  for (let i = first; i < end; i++) {
    store<float>(at(delta, i), scale * (load<float>(at(a, i)) - load<float>(at(y, i))));
  }
}
