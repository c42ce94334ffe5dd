// The weighted losses of the pure-TypeScript reference, as assembly/weighting.ts: the batch's
// loss is Σᵢ sᵢ·ℓᵢ / Σᵢ sᵢ·dᵢ (see the README's "Weighting"); with per-class weights and label
// smoothing for cross-entropy, per-output positive weights for binary cross-entropy.
import type { Activation, FloatArray, Loss } from '../model/options.js';
import { activationBackward, lossValue, outputDelta, slopeFromZ } from './math.js';

/** What a weighted loss reads besides the batch: null where the network has none. */
export interface Weighting {
  sample: FloatArray | null;
  classes: readonly number[] | null;
  positive: readonly number[] | null;
  smoothing: number;
}

/** Whether the loss takes the weighted path at all. */
export function isWeighted(w: Weighting): boolean {
  return w.sample !== null || w.classes !== null || w.positive !== null || w.smoothing !== 0;
}

/** The class of a one-hot target row (exactly one 1, the rest 0), or −1 for a soft row. */
function hotClass(y: FloatArray, o: number, cols: number): number {
  let hot = -1;
  for (let j = 0; j < cols; j++) {
    const t = y[o + j];
    if (t === 0) continue;
    if (t !== 1 || hot >= 0) return -1;
    hot = j;
  }
  return hot;
}

/** Σᵢ sᵢ·dᵢ: dᵢ is the class weight of a one-hot cross-entropy row, else 1. */
export function lossWeight(kind: Loss, y: FloatArray, rows: number, cols: number, w: Weighting): number {
  if (w.sample === null && (kind !== 'cross-entropy' || w.classes === null)) return rows;
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    let d = w.sample === null ? 1 : w.sample[r];
    const hot = kind === 'cross-entropy' && w.classes !== null ? hotClass(y, r * cols, cols) : -1;
    if (hot >= 0) d *= w.classes![hot];
    sum += d;
  }
  return sum;
}

function denominator(kind: Loss, y: FloatArray, rows: number, cols: number, w: Weighting): number {
  const weight = lossWeight(kind, y, rows, cols, w);
  return kind === 'cross-entropy' ? weight : weight * cols;
}

/** wⱼ·ỹⱼ of a cross-entropy target, ỹ = (1 − ε)·y + ε/C. */
function weightedTarget(w: Weighting, t: number, j: number, cols: number): number {
  const smoothed = w.smoothing === 0 ? t : (1 - w.smoothing) * t + w.smoothing / cols;
  return w.classes === null ? smoothed : w.classes[j] * smoothed;
}

/** A row's summed terms of the loss (before its sample weight and the mean). */
function rowLoss(kind: Loss, z: FloatArray, a: FloatArray, y: FloatArray, r: number, cols: number, parameter: number, w: Weighting): number {
  const o = r * cols;
  let sum = 0;
  if (kind === 'cross-entropy') {
    let max = z[o];
    for (let j = 1; j < cols; j++) max = Math.max(max, z[o + j]);
    let total = 0;
    for (let j = 0; j < cols; j++) total += Math.exp(z[o + j] - max);
    const logSumExp = max + Math.log(total);
    for (let j = 0; j < cols; j++) {
      const t = weightedTarget(w, y[o + j], j, cols);
      if (t !== 0) sum += t * (logSumExp - z[o + j]);
    }
    return sum;
  }
  if (kind === 'binary-cross-entropy' && w.positive !== null) {
    // torch's form: (1 − y)·z + (1 + (p − 1)·y)·(log(1 + e^−|z|) + max(−z, 0)).
    for (let j = 0; j < cols; j++) {
      const v = z[o + j];
      const t = y[o + j];
      sum += (1 - t) * v + ((w.positive[j] - 1) * t + 1) * (Math.log1p(Math.exp(-Math.abs(v))) + Math.max(-v, 0));
    }
    return sum;
  }
  // The unweighted loss of this one row, as a mean over its outputs: × cols is its sum.
  return lossValue(kind, z.subarray(o, o + cols), a.subarray(o, o + cols), y.subarray(o, o + cols), 1, cols, parameter) * cols;
}

/** The weighted mean loss of a batch; 0 when its weights sum to 0. */
export function weightedLossValue(kind: Loss, z: FloatArray, a: FloatArray, y: FloatArray, rows: number, cols: number, parameter: number, w: Weighting): number {
  const d = denominator(kind, y, rows, cols, w);
  if (d === 0) return 0;
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const s = w.sample === null ? 1 : w.sample[r];
    if (s !== 0) sum += s * rowLoss(kind, z, a, y, r, cols, parameter, w);
  }
  return sum / d;
}

/** delta ← ∂L/∂z of the weighted loss at the output layer (slopes: act'(z) where the activation keeps them). */
export function weightedOutputDelta(kind: Loss, activation: Activation, delta: FloatArray, a: FloatArray, y: FloatArray, rows: number, cols: number, slopes: FloatArray, parameter: number, w: Weighting): void {
  const d = denominator(kind, y, rows, cols, w);
  const len = rows * cols;
  if (d === 0) {
    delta.fill(0, 0, len);
    return;
  }
  const sampleScale = (r: number) => (w.sample === null ? 1 : w.sample[r]) / d;
  if (kind === 'cross-entropy') {
    // (sᵢ/D)·(Wᵢ·pⱼ − wⱼ·ỹⱼ), Wᵢ = Σⱼ wⱼ·ỹⱼ.
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let total = 0;
      for (let j = 0; j < cols; j++) total += weightedTarget(w, y[o + j], j, cols);
      const scale = sampleScale(r);
      for (let j = 0; j < cols; j++) delta[o + j] = scale === 0 ? 0 : scale * (total * a[o + j] - weightedTarget(w, y[o + j], j, cols));
    }
    return;
  }
  if (kind === 'binary-cross-entropy') {
    // (sᵢ/D)·((1 + (p − 1)·y)·σ(z) − p·y), torch's gradient with pos_weight.
    for (let r = 0; r < rows; r++) {
      const scale = sampleScale(r);
      for (let j = 0; j < cols; j++) {
        const i = r * cols + j;
        const p = w.positive === null ? 1 : w.positive[j];
        delta[i] = scale === 0 ? 0 : scale * (((p - 1) * y[i] + 1) * a[i] - p * y[i]);
      }
    }
    return;
  }
  // The unweighted gradient of the mean over all elements, rescaled row by row: len/D · sᵢ.
  outputDelta(kind, 'linear', delta, a, y, rows, cols, slopes, parameter);
  for (let r = 0; r < rows; r++) {
    const scale = (w.sample === null ? 1 : w.sample[r]) * (len / d);
    for (let i = r * cols; i < (r + 1) * cols; i++) delta[i] = scale === 0 ? 0 : scale * delta[i];
  }
  activationBackward(activation, delta, slopeFromZ(activation) ? slopes : a, rows, cols);
}
