// Layer and batch normalization between a layer's Linear and its activation, forward and
// backward side by side (nn.LayerNorm, nn.BatchNorm1d; eps 1e-5). h is the Linear's output
// (rows × n; backward overwrites it with δh), x̂ its normalization, z = γ·x̂ + β. Layer norm
// works on rows, so its kernels take a row range; batch norm's statistics are column sums over
// every row of the batch, so its training kernels take a range of units (columns) and sum each
// column in row order: the same sums whichever thread owns the column.

import { at } from './address';
import { Layer } from './blocks';

export const NO_NORM = 0;
// A normalization over the batch's rows (not within each row): it keeps running statistics for
// inference (2 per unit), its training statistics are 3 per unit (mean, 1/σ, unbiased variance)
// where a row-wise one keeps 1/σ per row, it needs 2 rows or more, and eval-mode it is affine per
// unit (it folds into its Linear). TypeScript reads the flag, not the code.
// @generate constant NORMALIZATION_OVER_BATCH
export const OVER_BATCH = 0x100;
// Each normalization's code (0: none).
// @generate codes normalization
export const LAYER_NORM = 1;
export const BATCH_NORM = 2 | OVER_BATCH;

/** nn.LayerNorm's and nn.BatchNorm1d's default eps. */
const EPSILON: float = 1e-5;
/** nn.BatchNorm1d's default momentum of the running statistics. */
const MOMENTUM: float = 0.1;

@inline function get(base: usize, i: i32): float {
  return load<float>(at(base, i));
}
@inline function set(base: usize, i: i32, v: float): void {
  store<float>(at(base, i), v);
}

/** Rows r0…r1−1: x̂ = (h − mean)/√(var + eps) over each row's n units, z = γ·x̂ + β; invStd[r] keeps 1/√(var + eps). */
export function layerNormRows(z: usize, xhat: usize, invStd: usize, h: usize, gamma: usize, beta: usize, n: i32, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const o = r * n;
    let sum: float = 0;
    for (let j = 0; j < n; j++) sum += get(h, o + j);
    const mean = sum / <float>n;
    let squares: float = 0;
    for (let j = 0; j < n; j++) {
      const d = get(h, o + j) - mean;
      squares += d * d;
    }
    const inv = <float>1 / fmath.sqrt(squares / <float>n + EPSILON);
    set(invStd, r, inv);
    for (let j = 0; j < n; j++) {
      const x = (get(h, o + j) - mean) * inv;
      set(xhat, o + j, x);
      set(z, o + j, x * get(gamma, j) + get(beta, j));
    }
  }
}

/** Rows r0…r1−1 of δh from δz: invStd·(g − mean(g) − x̂·mean(g·x̂)) with g = γ ⊙ δz. */
export function layerNormBackwardRows(dh: usize, dz: usize, xhat: usize, invStd: usize, gamma: usize, n: i32, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const o = r * n;
    let sum: float = 0;
    let dot: float = 0;
    for (let j = 0; j < n; j++) {
      const g = get(dz, o + j) * get(gamma, j);
      sum += g;
      dot += g * get(xhat, o + j);
    }
    const meanG = sum / <float>n;
    const meanGx = dot / <float>n;
    const inv = get(invStd, r);
    for (let j = 0; j < n; j++) set(dh, o + j, inv * (get(dz, o + j) * get(gamma, j) - meanG - get(xhat, o + j) * meanGx));
  }
}

/** Units u0…u1−1: ∇γ = Σ_rows δz ⊙ x̂ and ∇β = Σ_rows δz, each column summed in row order. */
export function normParameterGradient(gradGamma: usize, gradBeta: usize, dz: usize, xhat: usize, rows: i32, n: i32, u0: i32, u1: i32): void {
  for (let j = u0; j < u1; j++) {
    let dot: float = 0;
    let sum: float = 0;
    for (let r = 0; r < rows; r++) {
      dot += get(dz, r * n + j) * get(xhat, r * n + j);
      sum += get(dz, r * n + j);
    }
    set(gradGamma, j, dot);
    set(gradBeta, j, sum);
  }
}

/**
 * Units u0…u1−1 over the batch's `rows` rows (≥ 2): each column's mean and biased variance
 * normalize it; `stats` receives per unit the mean, 1/√(var + eps) and the unbiased variance
 * (the running estimate's), as three vectors of n.
 */
export function batchNormColumns(z: usize, xhat: usize, stats: usize, h: usize, gamma: usize, beta: usize, rows: i32, n: i32, u0: i32, u1: i32): void {
  for (let j = u0; j < u1; j++) {
    let sum: float = 0;
    for (let r = 0; r < rows; r++) sum += get(h, r * n + j);
    const mean = sum / <float>rows;
    let squares: float = 0;
    for (let r = 0; r < rows; r++) {
      const d = get(h, r * n + j) - mean;
      squares += d * d;
    }
    const inv = <float>1 / fmath.sqrt(squares / <float>rows + EPSILON);
    set(stats, j, mean);
    set(stats, n + j, inv);
    set(stats, 2 * n + j, squares / <float>(rows - 1));
    const g = get(gamma, j);
    const b = get(beta, j);
    for (let r = 0; r < rows; r++) {
      const x = (get(h, r * n + j) - mean) * inv;
      set(xhat, r * n + j, x);
      set(z, r * n + j, x * g + b);
    }
  }
}

/**
 * Inference, rows r0…r1−1: z = (h − running mean)·1/√(running var + eps)·γ + β, unit by unit
 * down the rows, so each unit's square root is taken once.
 */
export function batchNormInferenceRows(z: usize, h: usize, runningMean: usize, runningVar: usize, gamma: usize, beta: usize, n: i32, r0: i32, r1: i32): void {
  for (let j = 0; j < n; j++) {
    const inv = <float>1 / fmath.sqrt(get(runningVar, j) + EPSILON);
    const mean = get(runningMean, j);
    const g = get(gamma, j);
    const b = get(beta, j);
    for (let r = r0; r < r1; r++) set(z, r * n + j, (get(h, r * n + j) - mean) * inv * g + b);
  }
}

/**
 * Units u0…u1−1 of δh from δz, after their ∇γ and ∇β (normParameterGradient):
 * δh = γ·invStd·(δz − Σδz/m − x̂·Σ(δz·x̂)/m) down each column.
 */
export function batchNormBackwardColumns(dh: usize, dz: usize, xhat: usize, stats: usize, gamma: usize, gradGamma: usize, gradBeta: usize, rows: i32, n: i32, u0: i32, u1: i32): void {
  for (let j = u0; j < u1; j++) {
    const meanDz = get(gradBeta, j) / <float>rows;
    const meanDzx = get(gradGamma, j) / <float>rows;
    const scale = get(gamma, j) * get(stats, n + j);
    for (let r = 0; r < rows; r++) set(dh, r * n + j, scale * (get(dz, r * n + j) - meanDz - get(xhat, r * n + j) * meanDzx));
  }
}

/** running ← momentum·batch + (1 − momentum)·running for the batch's mean and unbiased variance (`stats` as batchNormColumns wrote it). */
export function updateRunning(runningMean: usize, runningVar: usize, stats: usize, n: i32): void {
  for (let j = 0; j < n; j++) {
    set(runningMean, j, MOMENTUM * get(stats, j) + (<float>1 - MOMENTUM) * get(runningMean, j));
    set(runningVar, j, MOMENTUM * get(stats, 2 * n + j) + (<float>1 - MOMENTUM) * get(runningVar, j));
  }
}

// What the network's phases call (assembly/network.ts): each normalization's kernels by its code,
// so a new normalization is its code, its kernels and its branches here. The phases decide from
// the OVER_BATCH flag where the threads must meet.

/** True for a normalization over the batch's rows (the OVER_BATCH flag of its code). */
@inline export function overBatch(normalization: i32): bool {
  return (normalization & OVER_BATCH) != 0;
}

/** Rows r0…r1−1 of z from h, each row on its own: a row-wise normalization, or one over the batch with its running statistics (inference). */
export function normalizeRows(layer: Layer, r0: i32, r1: i32): void {
  const n = layer.outputs;
  if (layer.normalization == LAYER_NORM) layerNormRows(layer.z, layer.xhat, layer.statistics, layer.h, layer.gamma, layer.beta, n, r0, r1);
  else if (layer.normalization == BATCH_NORM) batchNormInferenceRows(layer.z, layer.h, layer.runningMean, layer.runningVar, layer.gamma, layer.beta, n, r0, r1);
}

/** Units u0…u1−1 of z from h over every row of the batch, with the batch's statistics: a normalization over the batch, training. */
export function normalizeColumns(layer: Layer, rows: i32, u0: i32, u1: i32): void {
  if (layer.normalization == BATCH_NORM) batchNormColumns(layer.z, layer.xhat, layer.statistics, layer.h, layer.gamma, layer.beta, rows, layer.outputs, u0, u1);
}

/** ∇γ, ∇β of units u0…u1−1, then (for one over the batch) δh of those units from δz: δh of a row-wise one is taken by rows (normalizeBackwardRows). */
export function normalizeBackwardColumns(layer: Layer, rows: i32, u0: i32, u1: i32): void {
  const n = layer.outputs;
  normParameterGradient(layer.gradGamma, layer.gradBeta, layer.z, layer.xhat, rows, n, u0, u1);
  if (layer.normalization == BATCH_NORM) batchNormBackwardColumns(layer.h, layer.z, layer.xhat, layer.statistics, layer.gamma, layer.gradGamma, layer.gradBeta, rows, n, u0, u1);
}

/** δh of rows r0…r1−1 from δz for a row-wise normalization (none for one over the batch, whose δh is taken by units). */
export function normalizeBackwardRows(layer: Layer, r0: i32, r1: i32): void {
  if (layer.normalization == LAYER_NORM) layerNormBackwardRows(layer.h, layer.z, layer.xhat, layer.statistics, layer.gamma, layer.outputs, r0, r1);
}

/** The running statistics after an applied step, from the batch's (a normalization over the batch). */
export function updateRunningOf(layer: Layer): void {
  if (layer.normalization == BATCH_NORM) updateRunning(layer.runningMean, layer.runningVar, layer.statistics, layer.outputs);
}
