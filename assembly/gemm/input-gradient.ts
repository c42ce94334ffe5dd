// The gradient reaching a dense layer's input, δ·W, fused with the layer below's activation
// derivative so that it arrives as that layer's δ = ∂L/∂z in one pass over memory.

import { broadcastProduct } from './broadcast';
import { inputStrips } from './input-strips';
import { activationBackward, slopeFromZ } from '../activations';

/**
 * dZ[i][p] = (Σ_j δ[i][j]·W[j][p]) ⊙ act'(below) for batch rows i in [rowBegin, rowEnd) and
 * columns p in [colBegin, colEnd), where `below` holds the lower layer's activations a = act(z)
 * (rows × k) and `kind` its elementwise activation; for kinds that `slopeFromZ`, `below` holds
 * the slopes act'(z) and may be dZ itself (each is read just before its place is written). δ is
 * rows × n and W n × k. dZ may not alias δ or W, nor `below` otherwise. Every output is computed
 * alone, so any rows and any column range (starting at a multiple of 4) agree bit for bit.
 */
export function inputGradient(
  dz: usize, delta: usize, w: usize, below: usize, kind: i32,
  n: i32, k: i32, rowBegin: i32, rowEnd: i32, colBegin: i32, colEnd: i32,
): void {
  if (rowBegin >= rowEnd || colBegin >= colEnd) return;
  if (ASC_FEATURE_SIMD) {
    // Wide layers whose W stride aliases in L1 go strip by strip through a copy; the rest (and
    // any ragged last columns) in broadcast.ts's row pairs, with the same sums either way.
    const done = inputStrips(dz, delta, w, below, kind, n, k, rowBegin, rowEnd, colBegin, colEnd);
    if (done < colEnd) broadcastProduct(dz, delta, n, 1, w, below, kind, k, n, rowBegin, rowEnd, done, colEnd);
    return;
  }
  if (slopeFromZ(kind)) {
    inputColumns(dz, delta, w, below, n, k, rowBegin, rowEnd, colBegin, colEnd);
    return;
  }
  inputLoops(dz, delta, w, n, k, rowBegin, rowEnd, colBegin, colEnd);
  for (let i = rowBegin; i < rowEnd; i++) {
    const offset = <usize>(i * k + colBegin) << alignof<float>();
    activationBackward(kind, dz + offset, below + offset, 1, colEnd - colBegin);
  }
}

/** The scalar build: rows of W scaled and summed into each row of dZ, j in order. */
function inputLoops(dz: usize, delta: usize, w: usize, n: i32, k: i32, rowBegin: i32, rowEnd: i32, colBegin: i32, colEnd: i32): void {
  const rowBytes = <usize>k << alignof<float>();
  for (let i = rowBegin; i < rowEnd; i++) {
    const dzRow = dz + <usize>i * rowBytes;
    memory.fill(dzRow + (<usize>colBegin << alignof<float>()), 0, <usize>(colEnd - colBegin) << alignof<float>());
    for (let j = 0; j < n; j++) {
      const d = load<float>(delta + (<usize>(i * n + j) << alignof<float>()));
      const wRow = w + <usize>j * rowBytes;
      for (let p = colBegin; p < colEnd; p++) {
        const at = <usize>p << alignof<float>();
        store<float>(dzRow + at, load<float>(dzRow + at) + d * load<float>(wRow + at));
      }
    }
  }
}

/**
 * The scalar build when dZ holds the slopes it is multiplied by: each output's sum, in the same
 * j order as `inputLoops`, is finished before its slot is overwritten.
 */
function inputColumns(dz: usize, delta: usize, w: usize, slopes: usize, n: i32, k: i32, rowBegin: i32, rowEnd: i32, colBegin: i32, colEnd: i32): void {
  for (let i = rowBegin; i < rowEnd; i++) {
    const deltaRow = delta + (<usize>(i * n) << alignof<float>());
    for (let p = colBegin; p < colEnd; p++) {
      let sum: float = 0;
      for (let j = 0; j < n; j++) {
        sum += load<float>(deltaRow + (<usize>j << alignof<float>())) * load<float>(w + (<usize>(j * k + p) << alignof<float>()));
      }
      const at = <usize>(i * k + p) << alignof<float>();
      store<float>(dz + at, sum * load<float>(slopes + at));
    }
  }
}
