// The weighted losses of the pure-TypeScript reference, as assembly/weighting.ts: the batch's
// loss is Σᵢ sᵢ·ℓᵢ / Σᵢ sᵢ·dᵢ (see the README's "Weighting"). Sample weights sᵢ scale any loss's
// rows; a loss with weights of its own (cross-entropy's class weights and label smoothing, binary
// cross-entropy's positive weights) computes its terms through its record's `weighted` terms
// (src/registry/loss-references.ts), looked up once per call.
import type { Activation, FloatArray, Loss } from '../model/options.js';
import { lossRecord, type LossRecord } from '../registry/losses.js';
import { rowTerms, type Weighting } from '../registry/loss-references.js';
import { activationBackward, outputDelta, slopeFromZ } from './math.js';

export type { Weighting };

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

/** Σᵢ sᵢ·dᵢ: dᵢ is the class weight of a one-hot row for a loss that takes class weights, else 1. */
export function lossWeight(kind: Loss, y: FloatArray, rows: number, cols: number, w: Weighting): number {
  const classes = lossRecord(kind).options.classWeights ? w.classes : null;
  if (w.sample === null && classes === null) return rows;
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    let d = w.sample === null ? 1 : w.sample[r];
    if (classes !== null) {
      const hot = hotClass(y, r * cols, cols);
      if (hot >= 0) d *= classes[hot];
    }
    sum += d;
  }
  return sum;
}

/** D: Σᵢ sᵢ·dᵢ, × cols for a loss whose mean is over every output. */
function denominator(kind: Loss, record: LossRecord, y: FloatArray, rows: number, cols: number, w: Weighting): number {
  const weight = lossWeight(kind, y, rows, cols, w);
  return record.reference.weighted?.perRow ? weight : weight * cols;
}

/** The weighted mean loss of a batch; 0 when its weights sum to 0. */
export function weightedLossValue(kind: Loss, z: FloatArray, a: FloatArray, y: FloatArray, rows: number, cols: number, parameter: number, w: Weighting): number {
  const record = lossRecord(kind);
  const d = denominator(kind, record, y, rows, cols, w);
  if (d === 0) return 0;
  const { reference } = record;
  // A row's terms: the loss's own weighted ones, else its unweighted terms.
  const row = reference.weighted ? reference.weighted.row : (zs: FloatArray, as: FloatArray, ys: FloatArray, r: number) => rowTerms(reference, zs, as, ys, r, cols, parameter);
  let sum = 0;
  for (let r = 0; r < rows; r++) {
    const s = w.sample === null ? 1 : w.sample[r];
    if (s !== 0) sum += s * row(z, a, y, r, cols, parameter, w);
  }
  return sum / d;
}

/** delta ← ∂L/∂z of the weighted loss at the output layer (slopes: act'(z) where the activation keeps them). */
export function weightedOutputDelta(kind: Loss, activation: Activation, delta: FloatArray, a: FloatArray, y: FloatArray, rows: number, cols: number, slopes: FloatArray, parameter: number, w: Weighting): void {
  const record = lossRecord(kind);
  const d = denominator(kind, record, y, rows, cols, w);
  const len = rows * cols;
  if (d === 0) {
    delta.fill(0, 0, len);
    return;
  }
  const weighted = record.reference.weighted;
  if (weighted) weighted.delta(delta, a, y, rows, cols, (r) => (w.sample === null ? 1 : w.sample[r]) / d, w);
  else {
    // The unweighted gradient of the mean over all elements, rescaled row by row: len/D · sᵢ.
    outputDelta(kind, 'linear', delta, a, y, rows, cols, slopes, parameter);
    for (let r = 0; r < rows; r++) {
      const scale = (w.sample === null ? 1 : w.sample[r]) * (len / d);
      for (let i = r * cols; i < (r + 1) * cols; i++) delta[i] = scale === 0 ? 0 : scale * delta[i];
    }
  }
  if (!record.fusedWith) activationBackward(activation, delta, slopeFromZ(activation) ? slopes : a, rows, cols);
}
