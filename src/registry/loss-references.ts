// Each loss in plain TypeScript: the specification of assembly/losses.ts, each PyTorch's formula
// with reduction='mean'. A loss is a pair: its mean value over a batch, and its gradient — ∂L/∂a
// for an elementwise loss, or ∂L/∂z for one fused with its output activation (softmax +
// cross-entropy and sigmoid + BCE are p − y) — and, for a loss with weights of its own, its
// weighted terms. The loss records (./losses.ts) hold these; src/js/math.ts's lossValue and
// outputDelta and src/js/weighting.ts look one up once per call.

import type { FloatArray } from '../core/typed-arrays.js';
import { roundingOf } from '../core/rounding.js';

/** A loss's reference: `parameter` is its one kernel parameter (huber's δ, smooth-l1's β), else 0. */
export interface LossReference {
  /** The batch's mean loss from the output layer's logits z, activations a and targets y (rows × cols). */
  value(z: FloatArray, a: FloatArray, y: FloatArray, rows: number, cols: number, parameter: number): number;
  /** delta ← ∂L/∂a (∂L/∂z for a fused loss); `delta` may be z's buffer. */
  gradient(delta: FloatArray, a: FloatArray, y: FloatArray, rows: number, cols: number, parameter: number): void;
  /** Its terms with weights of its own, on src/js/weighting.ts's weighted path; absent: sample weights scale its rows. */
  readonly weighted?: WeightedTerms;
}

/** What a weighted loss reads besides the batch: null where the network has none. */
export interface Weighting {
  sample: FloatArray | null;
  classes: readonly number[] | null;
  positive: readonly number[] | null;
  smoothing: number;
}

/**
 * A loss's terms with weights of its own (class weights and label smoothing, positive weights),
 * as torch computes them; each row's sample weight sᵢ and the batch's denominator D (Σ sᵢ·dᵢ,
 * src/js/weighting.ts) come from outside.
 */
export interface WeightedTerms {
  /** Its mean is over rows (cross-entropy's), not over every output. */
  readonly perRow: boolean;
  /** Row r's summed terms with its weights (before its sample weight and the mean). */
  row(z: FloatArray, a: FloatArray, y: FloatArray, r: number, cols: number, parameter: number, w: Weighting): number;
  /** delta ← ∂L/∂z with row r scaled by scale(r) = sᵣ/D (a row of scale 0 gets 0). */
  delta(delta: FloatArray, a: FloatArray, y: FloatArray, rows: number, cols: number, scale: (r: number) => number, w: Weighting): void;
}

/** Row r's unweighted terms: the loss of that one row, a mean over its outputs, × cols. */
export function rowTerms(reference: LossReference, z: FloatArray, a: FloatArray, y: FloatArray, r: number, cols: number, parameter: number): number {
  const o = r * cols;
  return reference.value(z.subarray(o, o + cols), a.subarray(o, o + cols), y.subarray(o, o + cols), 1, cols, parameter) * cols;
}

// Terms that can overflow are rounded to the network's precision, as the wasm kernels compute
// them: a float32 difference of 1e30 squares to Infinity there, so it must here too.

/** nn.MSELoss: mean of d², gradient 2d/len. */
export const mse: LossReference = {
  value(_z, a, y, rows, cols) {
    const len = rows * cols;
    const round = roundingOf(a);
    let sum = 0;
    for (let i = 0; i < len; i++) {
      const d = round(a[i] - y[i]);
      sum += round(d * d);
    }
    return sum / len;
  },
  gradient(delta, a, y, rows, cols) {
    const len = rows * cols;
    const scale = 2 / len;
    for (let i = 0; i < len; i++) delta[i] = scale * (a[i] - y[i]);
  },
};

/** nn.CrossEntropyLoss on softmax's logits: −Σ y·log softmax(z) = Σ y·(logsumexp(z) − z), per row. */
export const crossEntropy: LossReference = {
  value(z, a, y, rows, cols) {
    const round = roundingOf(a);
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      const logSumExp = rowLogSumExp(z, o, cols);
      for (let j = 0; j < cols; j++) if (y[o + j] !== 0) sum += round(y[o + j] * round(logSumExp - z[o + j]));
    }
    return sum / rows;
  },
  gradient: (delta, a, y, rows, cols) => fusedGradient(delta, a, y, rows * cols, 1 / rows),
  weighted: {
    perRow: true,
    row(z, _a, y, r, cols, _parameter, w) {
      const o = r * cols;
      const logSumExp = rowLogSumExp(z, o, cols);
      let sum = 0;
      for (let j = 0; j < cols; j++) {
        const t = weightedTarget(w, y[o + j], j, cols);
        if (t !== 0) sum += t * (logSumExp - z[o + j]);
      }
      return sum;
    },
    // (sᵢ/D)·(Wᵢ·pⱼ − wⱼ·ỹⱼ), Wᵢ = Σⱼ wⱼ·ỹⱼ.
    delta(delta, a, y, rows, cols, scaleOf, w) {
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        let total = 0;
        for (let j = 0; j < cols; j++) total += weightedTarget(w, y[o + j], j, cols);
        const scale = scaleOf(r);
        for (let j = 0; j < cols; j++) delta[o + j] = scale === 0 ? 0 : scale * (total * a[o + j] - weightedTarget(w, y[o + j], j, cols));
      }
    },
  },
};

/** log Σⱼ e^zⱼ of the row at o, from its maximum so that no term overflows. */
function rowLogSumExp(z: FloatArray, o: number, cols: number): number {
  let max = z[o];
  for (let j = 1; j < cols; j++) max = Math.max(max, z[o + j]);
  let total = 0;
  for (let j = 0; j < cols; j++) total += Math.exp(z[o + j] - max);
  return max + Math.log(total);
}

/** wⱼ·ỹⱼ of a cross-entropy target, ỹ = (1 − ε)·y + ε/C. */
function weightedTarget(w: Weighting, t: number, j: number, cols: number): number {
  const smoothed = w.smoothing === 0 ? t : (1 - w.smoothing) * t + w.smoothing / cols;
  return w.classes === null ? smoothed : w.classes[j] * smoothed;
}

/** nn.BCEWithLogitsLoss: max(z,0) − z·y + log(1 + e^−|z|), finite for every z. */
export const binaryCrossEntropy: LossReference = {
  value(z, _a, y, rows, cols) {
    const len = rows * cols;
    let sum = 0;
    for (let i = 0; i < len; i++) sum += Math.max(z[i], 0) - z[i] * y[i] + Math.log1p(Math.exp(-Math.abs(z[i])));
    return sum / len;
  },
  gradient: (delta, a, y, rows, cols) => fusedGradient(delta, a, y, rows * cols, 1 / (rows * cols)),
  weighted: {
    perRow: false,
    row(z, a, y, r, cols, parameter, w) {
      if (w.positive === null) return rowTerms(binaryCrossEntropy, z, a, y, r, cols, parameter);
      // torch's form: (1 − y)·z + (1 + (p − 1)·y)·(log(1 + e^−|z|) + max(−z, 0)).
      const o = r * cols;
      let sum = 0;
      for (let j = 0; j < cols; j++) {
        const v = z[o + j];
        const t = y[o + j];
        sum += (1 - t) * v + ((w.positive[j] - 1) * t + 1) * (Math.log1p(Math.exp(-Math.abs(v))) + Math.max(-v, 0));
      }
      return sum;
    },
    // (sᵢ/D)·((1 + (p − 1)·y)·σ(z) − p·y), torch's gradient with pos_weight.
    delta(delta, a, y, rows, cols, scaleOf, w) {
      for (let r = 0; r < rows; r++) {
        const scale = scaleOf(r);
        for (let j = 0; j < cols; j++) {
          const i = r * cols + j;
          const p = w.positive === null ? 1 : w.positive[j];
          delta[i] = scale === 0 ? 0 : scale * (((p - 1) * y[i] + 1) * a[i] - p * y[i]);
        }
      }
    },
  },
};

/** Softmax + cross-entropy and sigmoid + BCE fuse to ∂L/∂z = scale·(p − y). */
function fusedGradient(delta: FloatArray, a: FloatArray, y: FloatArray, len: number, scale: number): void {
  for (let i = 0; i < len; i++) delta[i] = scale * (a[i] - y[i]);
}

/** nn.L1Loss: mean of |d|, gradient sign(d)/len. */
export const l1: LossReference = {
  value(_z, a, y, rows, cols) {
    const len = rows * cols;
    const round = roundingOf(a);
    let sum = 0;
    for (let i = 0; i < len; i++) sum += round(Math.abs(round(a[i] - y[i])));
    return sum / len;
  },
  gradient(delta, a, y, rows, cols) {
    const len = rows * cols;
    const scale = 1 / len;
    for (let i = 0; i < len; i++) {
      const d = a[i] - y[i];
      delta[i] = d > 0 ? scale : d < 0 ? -scale : 0;
    }
  },
};

/** nn.HuberLoss(delta): ½d² inside ±δ, δ·(|d| − ½δ) outside; gradient d clamped to ±δ. */
export const huber: LossReference = {
  value(_z, a, y, rows, cols, parameter) {
    const len = rows * cols;
    const round = roundingOf(a);
    let sum = 0;
    for (let i = 0; i < len; i++) {
      const d = round(Math.abs(round(a[i] - y[i])));
      sum += d < parameter ? round(round(0.5 * d) * d) : round(parameter * round(d - 0.5 * parameter));
    }
    return sum / len;
  },
  gradient(delta, a, y, rows, cols, parameter) {
    const len = rows * cols;
    const scale = 1 / len;
    for (let i = 0; i < len; i++) {
      const d = a[i] - y[i];
      delta[i] = scale * (d <= -parameter ? -parameter : d >= parameter ? parameter : d);
    }
  },
};

/** nn.SmoothL1Loss(beta): ½d²/β inside ±β, |d| − ½β outside; gradient d/β clamped to ±1. */
export const smoothL1: LossReference = {
  value(_z, a, y, rows, cols, parameter) {
    const len = rows * cols;
    const round = roundingOf(a);
    let sum = 0;
    for (let i = 0; i < len; i++) {
      const d = round(Math.abs(round(a[i] - y[i])));
      sum += d < parameter ? round(round(round(0.5 * d) * d) / parameter) : round(d - 0.5 * parameter);
    }
    return sum / len;
  },
  gradient(delta, a, y, rows, cols, parameter) {
    const len = rows * cols;
    const scale = 1 / len;
    for (let i = 0; i < len; i++) {
      const d = a[i] - y[i];
      delta[i] = d <= -parameter ? -scale : d >= parameter ? scale : (scale * d) / parameter;
    }
  },
};
