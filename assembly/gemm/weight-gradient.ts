// The weight gradient of a dense layer, ∇W = δᵀ·X and ∇b = Σ_rows δ (δ already carries the
// 1/batch of a mean loss). Written as a broadcast product: row j of ∇W accumulates δ[i][j]
// times row i of X, so X is read along its contiguous rows.

import { broadcastProduct } from './broadcast';
import { columnStrips } from './column-strips';
import { LINEAR } from '../activations';
import { LANES } from './vector';

/** Layers of at least this many units take the column-strip order; narrower ones the row-pair order, faster there. */
const STRIP_UNITS: i32 = 16;

/**
 * gradW[j] = Σ_i δ[i][j]·X[i] and gradB[j] = Σ_i δ[i][j] for output units j in
 * [unitBegin, unitEnd), over `rows` batch rows in order. Units are independent, so threads
 * may each take a range and agree bit for bit. δ is rows × n, X rows × k, gradW n × k.
 */
export function weightGradient(
  gradW: usize, gradB: usize, delta: usize, x: usize,
  rows: i32, n: i32, k: i32, unitBegin: i32, unitEnd: i32,
): void {
  if (unitBegin >= unitEnd) return;
  if (ASC_FEATURE_SIMD) {
    if (n >= STRIP_UNITS) columnStrips(gradW, delta, x, rows, n, k, unitBegin, unitEnd);
    else broadcastProduct(gradW, delta, 1, n, x, 0, LINEAR, k, rows, unitBegin, unitEnd, 0, k);
  } else weightLoops(gradW, delta, x, rows, n, k, unitBegin, unitEnd);
  biasGradient(gradB, delta, rows, n, unitBegin, unitEnd);
}

/**
 * gradB[j] = Σ_i δ[i][j], i ascending from 0, for units j in [unitBegin, unitEnd). SIMD builds
 * keep a vector of units' sums in a register down all rows (one load per row, no store until the
 * end): the scalar loop's 32×100 loads and stores of ∇b cost a digits-sized step ~2 µs. Each sum
 * is the same adds in the same order either way: the same bits.
 */
function biasGradient(gradB: usize, delta: usize, rows: i32, n: i32, unitBegin: i32, unitEnd: i32): void {
  const rowBytes = <usize>n << alignof<float>();
  let j = unitBegin;
  if (ASC_FEATURE_SIMD) {
    for (; j + LANES <= unitEnd; j += LANES) {
      let dp = delta + (<usize>j << alignof<float>());
      let sum = v128.splat<float>(0);
      for (let i = 0; i < rows; i++) {
        sum = v128.add<float>(sum, v128.load(dp));
        dp += rowBytes;
      }
      v128.store(gradB + (<usize>j << alignof<float>()), sum);
    }
  }
  for (; j < unitEnd; j++) {
    let dp = delta + (<usize>j << alignof<float>());
    let sum: float = 0;
    for (let i = 0; i < rows; i++) {
      sum += load<float>(dp);
      dp += rowBytes;
    }
    store<float>(gradB + (<usize>j << alignof<float>()), sum);
  }
}

/** The scalar build: rows of X scaled and summed into each row of ∇W, i in order. */
function weightLoops(gradW: usize, delta: usize, x: usize, rows: i32, n: i32, k: i32, unitBegin: i32, unitEnd: i32): void {
  const rowBytes = <usize>k << alignof<float>();
  memory.fill(gradW + <usize>unitBegin * rowBytes, 0, <usize>(unitEnd - unitBegin) * rowBytes);
  for (let i = 0; i < rows; i++) {
    const xRow = x + <usize>i * rowBytes;
    for (let j = unitBegin; j < unitEnd; j++) {
      const d = load<float>(delta + (<usize>(i * n + j) << alignof<float>()));
      const gRow = gradW + <usize>j * rowBytes;
      for (let p = 0; p < k; p++) {
        const at = <usize>p << alignof<float>();
        store<float>(gRow + at, load<float>(gRow + at) + d * load<float>(xRow + at));
      }
    }
  }
}
