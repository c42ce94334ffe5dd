// δ·W of a wide layer in column-strip order: one strip of W two vectors wide over the whole
// depth (W's n rows), copied into the contiguous strip scratch, while groups of MR batch rows
// pass over it. broadcast.ts's row-pair order reads W in place, and at a row stride of 2 kB
// (512 inputs) a 4-vector column of W's 512 rows falls into 2 of L1's 64 sets, which hold 24
// of its lines: every row pair streams its column of W from L2 again (δ·W of 512×512 at b128
// ran at 73–76% of peak). Here each strip is copied once and stays in L1 for every row.
// MR = 4 (8 accumulators) with SIMD, 6 (12) with relaxed-SIMD, as column-strips.ts's groups.
// Each output is the same sum in the same order (j ascending, one madd per step, from zero)
// as broadcast.ts computes, then the same activation derivative: the same bits.

import { LANES, VBYTES, madd, broadcast } from './vector';
import { storeTwo } from './broadcast';
import { copiesStrips, stripOf } from './column-strips';

/** Batch rows per group: the accumulator rows of a tile. */
const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 4;

/** Rows needed for a strip's copy to pay: it is read by every group, and copied once. */
const MIN_ROWS: i32 = 4 * MR;

/**
 * dZ[i][c] = (Σ_j δ[i][j]·W[j][c]) ⊙ act'(G[i][c]) for rows [rowBegin, rowEnd) and the whole
 * 2-vector strips of columns from colBegin, when W's stride aliases and the rows are enough
 * (else none); δ is rows × n, W n × k, dZ and G rows × k (G may be dZ: each place is read just
 * before it is written). Returns the first column not computed, for broadcast.ts to finish.
 */
export function inputStrips(
  dz: usize, delta: usize, w: usize, g: usize, kind: i32,
  n: i32, k: i32, rowBegin: i32, rowEnd: i32, colBegin: i32, colEnd: i32,
): i32 {
  if (rowEnd - rowBegin < MIN_ROWS || !copiesStrips(n, k)) return colBegin;
  const rowBytes = <usize>k << alignof<float>();
  let col = colBegin;
  for (; col + 2 * LANES <= colEnd; col += 2 * LANES) {
    const strip = stripOf(w, n, rowBytes, col, true);
    const at = <usize>col << alignof<float>();
    let r = rowBegin;
    for (; r + MR <= rowEnd; r += MR) rowGroup(dz, delta, strip, g, kind, n, rowBytes, at, r, MR);
    // A group short of MR rows repeats its last row (computed, not stored).
    if (r < rowEnd) rowGroup(dz, delta, strip, g, kind, n, rowBytes, at, r, rowEnd - r);
  }
  return col;
}

/** Rows [r, r + count) (count ≤ MR) at byte column `at`: MR × 2 vectors of accumulators over the copied strip. */
@inline function rowGroup(
  dz: usize, delta: usize, strip: usize, g: usize, kind: i32,
  n: i32, rowBytes: usize, at: usize, r: i32, count: i32,
): void {
  const zero = v128.splat<float>(0);
  const deltaRow = <usize>n << alignof<float>();
  const o1 = rowOffset(1, count, deltaRow), o2 = rowOffset(2, count, deltaRow), o3 = rowOffset(3, count, deltaRow);
  const o4 = rowOffset(4, count, deltaRow), o5 = rowOffset(5, count, deltaRow);
  let s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s30 = zero, s31 = zero;
  let s40 = zero, s41 = zero, s50 = zero, s51 = zero;
  let ap = delta + <usize>r * deltaRow;
  let bp = strip;
  const end = bp + <usize>n * (2 * VBYTES);
  for (; bp < end; bp += 2 * VBYTES) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, VBYTES);
    let a = broadcast(ap);
    s00 = madd(a, b0, s00); s01 = madd(a, b1, s01);
    a = broadcast(ap + o1);
    s10 = madd(a, b0, s10); s11 = madd(a, b1, s11);
    a = broadcast(ap + o2);
    s20 = madd(a, b0, s20); s21 = madd(a, b1, s21);
    a = broadcast(ap + o3);
    s30 = madd(a, b0, s30); s31 = madd(a, b1, s31);
    if (MR == 6) {
      a = broadcast(ap + o4);
      s40 = madd(a, b0, s40); s41 = madd(a, b1, s41);
      a = broadcast(ap + o5);
      s50 = madd(a, b0, s50); s51 = madd(a, b1, s51);
    }
    ap += sizeof<float>();
  }
  const out = <usize>r * rowBytes + at;
  storeTwo(dz + out, g + out, kind, s00, s01);
  if (count > 1) storeTwo(dz + out + rowBytes, g + out + rowBytes, kind, s10, s11);
  if (count > 2) storeTwo(dz + out + 2 * rowBytes, g + out + 2 * rowBytes, kind, s20, s21);
  if (count > 3) storeTwo(dz + out + 3 * rowBytes, g + out + 3 * rowBytes, kind, s30, s31);
  if (MR == 6) {
    if (count > 4) storeTwo(dz + out + 4 * rowBytes, g + out + 4 * rowBytes, kind, s40, s41);
    if (count > 5) storeTwo(dz + out + 5 * rowBytes, g + out + 5 * rowBytes, kind, s50, s51);
  }
}

/** Byte offset from a group's first δ row to its r-th, the last of `count` rows standing in for missing ones. */
@inline function rowOffset(r: i32, count: i32, deltaRow: usize): usize {
  return <usize>min(r, count - 1) * deltaRow;
}
