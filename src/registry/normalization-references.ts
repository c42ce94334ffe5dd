// Layer and batch normalization in plain TypeScript: the specification of
// assembly/normalization.ts, with PyTorch's formulas (nn.LayerNorm, nn.BatchNorm1d, eps 1e-5).
// h is the Linear's output (rows × n), x̂ its normalization, z = γ·x̂ + β the activation's
// input. Loops run in the kernels' order so float64 results agree to rounding.

import type { FloatArray } from '../core/typed-arrays.js';
import { roundingOf } from '../core/rounding.js';

/** nn.LayerNorm's and nn.BatchNorm1d's default eps. */
export const NORM_EPSILON = 1e-5;
/** nn.BatchNorm1d's default momentum of the running statistics. */
export const BATCH_NORM_MOMENTUM = 0.1;

/** z = γ·x̂ + β with x̂ normalized over each row's n units; invStd[r] = 1/√(var + eps) (biased variance). */
export function layerNormForward(z: FloatArray, xhat: FloatArray, invStd: FloatArray, h: FloatArray, gamma: FloatArray, beta: FloatArray, rows: number, n: number): void {
  // In the network's precision, as the kernels compute: in float32 a spread of |h − mean| ≳
  // 1.8e19 squares to Infinity, so 1/√var is 0 and z = β (as in ONNX and torch's float32 too).
  const round = roundingOf(h);
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let sum = 0;
    for (let j = 0; j < n; j++) sum = round(sum + h[o + j]);
    const mean = round(sum / n);
    let squares = 0;
    for (let j = 0; j < n; j++) {
      const d = round(h[o + j] - mean);
      squares = round(squares + round(d * d));
    }
    const inv = inverseStd(round, squares, n);
    invStd[r] = inv;
    for (let j = 0; j < n; j++) {
      xhat[o + j] = round(round(h[o + j] - mean) * inv);
      z[o + j] = round(xhat[o + j] * gamma[j]) + beta[j];
    }
  }
}

/** 1/√(squares/count + eps), each operation rounded with `round`. */
function inverseStd(round: (v: number) => number, squares: number, count: number): number {
  return round(1 / round(Math.sqrt(round(round(squares / count) + round(NORM_EPSILON)))));
}

/**
 * δh from δz (both rows × n) through layer normalization, row by row:
 * δh = invStd·(g − mean(g) − x̂·mean(g·x̂)) with g = γ ⊙ δz.
 */
export function layerNormBackward(dh: FloatArray, dz: FloatArray, xhat: FloatArray, invStd: FloatArray, gamma: FloatArray, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * n;
    let sum = 0;
    let dot = 0;
    for (let j = 0; j < n; j++) {
      const g = dz[o + j] * gamma[j];
      sum += g;
      dot += g * xhat[o + j];
    }
    const meanG = sum / n;
    const meanGx = dot / n;
    for (let j = 0; j < n; j++) dh[o + j] = invStd[r] * (dz[o + j] * gamma[j] - meanG - xhat[o + j] * meanGx);
  }
}

/** ∂L/∂γ = Σ_rows δz ⊙ x̂ and ∂L/∂β = Σ_rows δz, column by column in row order. */
export function normParameterGradient(gradGamma: FloatArray, gradBeta: FloatArray, dz: FloatArray, xhat: FloatArray, rows: number, n: number): void {
  for (let j = 0; j < n; j++) {
    let dot = 0;
    let sum = 0;
    for (let r = 0; r < rows; r++) {
      dot += dz[r * n + j] * xhat[r * n + j];
      sum += dz[r * n + j];
    }
    gradGamma[j] = dot;
    gradBeta[j] = sum;
  }
}

/** The batch's statistics of one layer per unit: mean, 1/√(biased var + eps) and the unbiased variance (for the running estimate). */
export interface BatchStatistics {
  mean: FloatArray;
  invStd: FloatArray;
  unbiasedVar: FloatArray;
}

/** z = γ·x̂ + β with x̂ normalized over the batch's rows, column by column (rows ≥ 2). */
export function batchNormForward(z: FloatArray, xhat: FloatArray, stats: BatchStatistics, h: FloatArray, gamma: FloatArray, beta: FloatArray, rows: number, n: number): void {
  const round = roundingOf(h); // as layerNormForward
  for (let j = 0; j < n; j++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum = round(sum + h[r * n + j]);
    const mean = round(sum / rows);
    let squares = 0;
    for (let r = 0; r < rows; r++) {
      const d = round(h[r * n + j] - mean);
      squares = round(squares + round(d * d));
    }
    const inv = inverseStd(round, squares, rows);
    stats.mean[j] = mean;
    stats.invStd[j] = inv;
    stats.unbiasedVar[j] = squares / (rows - 1);
    for (let r = 0; r < rows; r++) {
      xhat[r * n + j] = round(round(h[r * n + j] - mean) * inv);
      z[r * n + j] = round(xhat[r * n + j] * gamma[j]) + beta[j];
    }
  }
}

/** Inference: z = (h − running mean)·1/√(running var + eps)·γ + β, unit by unit. */
export function batchNormInference(z: FloatArray, h: FloatArray, runningMean: FloatArray, runningVar: FloatArray, gamma: FloatArray, beta: FloatArray, rows: number, n: number): void {
  for (let j = 0; j < n; j++) {
    const inv = 1 / Math.sqrt(runningVar[j] + NORM_EPSILON);
    for (let r = 0; r < rows; r++) z[r * n + j] = (h[r * n + j] - runningMean[j]) * inv * gamma[j] + beta[j];
  }
}

/**
 * δh from δz through batch normalization, column by column after its parameter gradient
 * (gradGamma = Σ δz·x̂, gradBeta = Σ δz): δh = γ·invStd·(δz − Σδz/m − x̂·Σδz·x̂/m).
 */
export function batchNormBackward(dh: FloatArray, dz: FloatArray, xhat: FloatArray, invStd: FloatArray, gamma: FloatArray, gradGamma: FloatArray, gradBeta: FloatArray, rows: number, n: number): void {
  for (let j = 0; j < n; j++) {
    const meanDz = gradBeta[j] / rows;
    const meanDzx = gradGamma[j] / rows;
    const scale = gamma[j] * invStd[j];
    for (let r = 0; r < rows; r++) dh[r * n + j] = scale * (dz[r * n + j] - meanDz - xhat[r * n + j] * meanDzx);
  }
}

/** running ← (1 − momentum)·running + momentum·batch, as nn.BatchNorm1d after each training batch. */
export function updateRunning(runningMean: FloatArray, runningVar: FloatArray, stats: BatchStatistics, n: number): void {
  for (let j = 0; j < n; j++) {
    runningMean[j] = BATCH_NORM_MOMENTUM * stats.mean[j] + (1 - BATCH_NORM_MOMENTUM) * runningMean[j];
    runningVar[j] = BATCH_NORM_MOMENTUM * stats.unbiasedVar[j] + (1 - BATCH_NORM_MOMENTUM) * runningVar[j];
  }
}

/**
 * A normalized layer's buffers in the js engine: h, x̂ and z (rows × n), 1/σ per row (layer
 * norm), the batch's statistics per unit and the running ones (batch norm), γ, β and their
 * gradients. A normalization reads the ones it needs.
 */
export interface NormalizedLayer {
  readonly z: FloatArray;
  readonly h: FloatArray;
  readonly xhat: FloatArray;
  readonly rowInvStd: FloatArray;
  readonly batch: BatchStatistics;
  readonly runningMean: FloatArray;
  readonly runningVar: FloatArray;
  readonly gamma: FloatArray;
  readonly beta: FloatArray;
  readonly gradGamma: FloatArray;
  readonly gradBeta: FloatArray;
}

/** A normalization's js reference: the engine looks it up once per layer, when it is built. */
export interface NormalizationReference {
  /** z from h; `batchStatistics`: a training batch's statistics, else the running ones (for one that keeps them). */
  forward(layer: NormalizedLayer, rows: number, n: number, batchStatistics: boolean): void;
  /** δh (into h) from δz (in z), once ∇γ and ∇β are in gradGamma and gradBeta. */
  backward(layer: NormalizedLayer, rows: number, n: number): void;
  /** After an applied training step: the running statistics from the batch's. */
  afterStep?(layer: NormalizedLayer, n: number): void;
}

/** nn.LayerNorm(n): over each row's units, the same in training and inference. */
export const layerNorm: NormalizationReference = {
  forward: (l, rows, n) => layerNormForward(l.z, l.xhat, l.rowInvStd, l.h, l.gamma, l.beta, rows, n),
  backward: (l, rows, n) => layerNormBackward(l.h, l.z, l.xhat, l.rowInvStd, l.gamma, rows, n),
};

/** nn.BatchNorm1d(n): over the batch's rows while training, with the running statistics in inference. */
export const batchNorm: NormalizationReference = {
  forward(l, rows, n, batchStatistics) {
    if (batchStatistics) batchNormForward(l.z, l.xhat, l.batch, l.h, l.gamma, l.beta, rows, n);
    else batchNormInference(l.z, l.h, l.runningMean, l.runningVar, l.gamma, l.beta, rows, n);
  },
  backward: (l, rows, n) => batchNormBackward(l.h, l.z, l.xhat, l.batch.invStd, l.gamma, l.gradGamma, l.gradBeta, rows, n),
  afterStep: (l, n) => updateRunning(l.runningMean, l.runningVar, l.batch, n),
};
