// The product both gradients share: C = A·B where B and C are row-major and equally wide,
// so each step of the reduction broadcasts one value of A and multiplies it into a contiguous
// stretch of a row of B. B needs no packing: a tile's 4 vectors are one 64-byte run of a row.
// The tile is 2 rows × 4 vectors in 8 accumulators (6 rows × 2 vectors in 12 with relaxed-
// SIMD, while 6 rows remain); narrower tiles finish a row's end, and the last, partial vector
// is computed whole and stored lane by lane.

import { LINEAR } from '../activations';
import { BLOCK_BYTES, LANES, VBYTES, madd, broadcast, storeFirst, derivativeVector } from './vector';

/**
 * For rows r in [rowBegin, rowEnd) and columns [colBegin, colEnd): C[r] = Σ_p A(r, p)·B[p]
 * (rows of `cols` floats), with A(r, p) at a + r·aRow + p·aCol floats, then C[r] ⊙= act'(G[r])
 * where G is laid out like C (skipped for LINEAR). Each output's sum runs over p in order,
 * whatever the ranges (colBegin a multiple of LANES; colEnd one too, or cols). Reads up to one
 * vector past the end of a row of B and G.
 */
@inline export function broadcastProduct(
  c: usize, a: usize, aRow: i32, aCol: i32, b: usize, g: usize, kind: i32,
  cols: i32, depth: i32, rowBegin: i32, rowEnd: i32, colBegin: i32, colEnd: i32,
): void {
  // B in blocks of columns that stay in L2 while every row pair passes over them; without
  // this a deep product (W of 512×784) streams all of B from L3 once per row pair.
  const block = max(4 * LANES, <i32>(BLOCK_BYTES / (<usize>max(depth, 1) << alignof<float>())) & ~(4 * LANES - 1));
  for (let begin = colBegin; begin < colEnd; begin += block) {
    broadcastBlock(c, a, aRow, aCol, b, g, kind, cols, depth, rowBegin, rowEnd, begin, min(colEnd, begin + block));
  }
}

/** Columns [colBegin, colEnd) of rows [rowBegin, rowEnd), in 6 × 2-vector (relaxed) and 2 × 4-vector tiles. */
@inline function broadcastBlock(
  c: usize, a: usize, aRow: i32, aCol: i32, b: usize, g: usize, kind: i32,
  cols: i32, depth: i32, rowBegin: i32, rowEnd: i32, colBegin: i32, colEnd: i32,
): void {
  const tile = 4 * LANES;
  const rowBytes = <usize>cols << alignof<float>();
  const aRowBytes = <usize>aRow << alignof<float>();
  const aStep = <usize>aCol << alignof<float>();
  const tail = cols & (LANES - 1);
  const zero = v128.splat<float>(0);
  let r = rowBegin;
  if (ASC_FEATURE_RELAXED_SIMD) {
    for (; r + 6 <= rowEnd; r += 6) sixRows(c, a, aRowBytes, aStep, b, g, kind, cols, depth, r, colBegin, colEnd);
  }
  for (; r < rowEnd; r += 2) {
    const second = r + 1 < rowEnd;
    const a0 = a + <usize>r * aRowBytes;
    // An odd last row is computed twice and stored once, so no 1-row kernel is needed.
    const a1 = second ? a0 + aRowBytes : a0;
    const c0 = c + <usize>r * rowBytes;
    const g0 = g + <usize>r * rowBytes;
    let col = colBegin;
    for (; col + tile <= colEnd; col += tile) {
      let p0 = a0, p1 = a1, bp = b + (<usize>col << alignof<float>());
      let s00 = zero, s01 = zero, s02 = zero, s03 = zero;
      let s10 = zero, s11 = zero, s12 = zero, s13 = zero;
      for (let p = 0; p < depth; p++) {
        const u = broadcast(p0);
        const v = broadcast(p1);
        const b0 = v128.load(bp);
        const b1 = v128.load(bp, VBYTES);
        const b2 = v128.load(bp, 2 * VBYTES);
        const b3 = v128.load(bp, 3 * VBYTES);
        s00 = madd(u, b0, s00); s01 = madd(u, b1, s01); s02 = madd(u, b2, s02); s03 = madd(u, b3, s03);
        s10 = madd(v, b0, s10); s11 = madd(v, b1, s11); s12 = madd(v, b2, s12); s13 = madd(v, b3, s13);
        p0 += aStep;
        p1 += aStep;
        bp += rowBytes;
      }
      const at = <usize>col << alignof<float>();
      storeFour(c0 + at, g0 + at, kind, s00, s01, s02, s03);
      if (second) storeFour(c0 + rowBytes + at, g0 + rowBytes + at, kind, s10, s11, s12, s13);
    }
    // One vector at a time for the rest, the last one possibly partial.
    for (; col < colEnd; col += LANES) {
      let p0 = a0, p1 = a1, bp = b + (<usize>col << alignof<float>());
      let s0 = zero, s1 = zero;
      for (let p = 0; p < depth; p++) {
        const bv = v128.load(bp);
        s0 = madd(broadcast(p0), bv, s0);
        s1 = madd(broadcast(p1), bv, s1);
        p0 += aStep;
        p1 += aStep;
        bp += rowBytes;
      }
      const at = <usize>col << alignof<float>();
      const count = col + LANES <= cols ? LANES : tail;
      storeOne(c0 + at, g0 + at, kind, s0, count);
      if (second) storeOne(c0 + rowBytes + at, g0 + rowBytes + at, kind, s1, count);
    }
  }
}

/**
 * Relaxed builds: rows [r, r + 6) in 6 × 2-vector tiles, 12 accumulators (the shape of the
 * measured peak): 12 independent fused madds hide their latency where 8 do not, and with the
 * 2 vectors of B and one broadcast they fill V8's 15 xmm registers. Every output's sum is the
 * pair tiles' (p ascending, one madd per step): the same bits.
 */
@inline function sixRows(
  c: usize, a: usize, aRowBytes: usize, aStep: usize, b: usize, g: usize, kind: i32,
  cols: i32, depth: i32, r: i32, colBegin: i32, colEnd: i32,
): void {
  const rowBytes = <usize>cols << alignof<float>();
  const a0 = a + <usize>r * aRowBytes;
  const c0 = c + <usize>r * rowBytes;
  const g0 = g + <usize>r * rowBytes;
  const zero = v128.splat<float>(0);
  let col = colBegin;
  for (; col + 2 * LANES <= colEnd; col += 2 * LANES) {
    let ap = a0, bp = b + (<usize>col << alignof<float>());
    let s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero;
    let s30 = zero, s31 = zero, s40 = zero, s41 = zero, s50 = zero, s51 = zero;
    for (let p = 0; p < depth; p++) {
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, VBYTES);
      let u = broadcast(ap);
      s00 = madd(u, b0, s00); s01 = madd(u, b1, s01);
      u = broadcast(ap + aRowBytes);
      s10 = madd(u, b0, s10); s11 = madd(u, b1, s11);
      u = broadcast(ap + 2 * aRowBytes);
      s20 = madd(u, b0, s20); s21 = madd(u, b1, s21);
      u = broadcast(ap + 3 * aRowBytes);
      s30 = madd(u, b0, s30); s31 = madd(u, b1, s31);
      u = broadcast(ap + 4 * aRowBytes);
      s40 = madd(u, b0, s40); s41 = madd(u, b1, s41);
      u = broadcast(ap + 5 * aRowBytes);
      s50 = madd(u, b0, s50); s51 = madd(u, b1, s51);
      ap += aStep;
      bp += rowBytes;
    }
    const at = <usize>col << alignof<float>();
    storeTwo(c0 + at, g0 + at, kind, s00, s01);
    storeTwo(c0 + rowBytes + at, g0 + rowBytes + at, kind, s10, s11);
    storeTwo(c0 + 2 * rowBytes + at, g0 + 2 * rowBytes + at, kind, s20, s21);
    storeTwo(c0 + 3 * rowBytes + at, g0 + 3 * rowBytes + at, kind, s30, s31);
    storeTwo(c0 + 4 * rowBytes + at, g0 + 4 * rowBytes + at, kind, s40, s41);
    storeTwo(c0 + 5 * rowBytes + at, g0 + 5 * rowBytes + at, kind, s50, s51);
  }
  // One vector at a time for the rest, the last one possibly partial.
  for (; col < colEnd; col += LANES) {
    let ap = a0, bp = b + (<usize>col << alignof<float>());
    let s0 = zero, s1 = zero, s2 = zero, s3 = zero, s4 = zero, s5 = zero;
    for (let p = 0; p < depth; p++) {
      const bv = v128.load(bp);
      s0 = madd(broadcast(ap), bv, s0);
      s1 = madd(broadcast(ap + aRowBytes), bv, s1);
      s2 = madd(broadcast(ap + 2 * aRowBytes), bv, s2);
      s3 = madd(broadcast(ap + 3 * aRowBytes), bv, s3);
      s4 = madd(broadcast(ap + 4 * aRowBytes), bv, s4);
      s5 = madd(broadcast(ap + 5 * aRowBytes), bv, s5);
      ap += aStep;
      bp += rowBytes;
    }
    const at = <usize>col << alignof<float>();
    const count = col + LANES <= cols ? LANES : cols & (LANES - 1);
    storeOne(c0 + at, g0 + at, kind, s0, count);
    storeOne(c0 + rowBytes + at, g0 + rowBytes + at, kind, s1, count);
    storeOne(c0 + 2 * rowBytes + at, g0 + 2 * rowBytes + at, kind, s2, count);
    storeOne(c0 + 3 * rowBytes + at, g0 + 3 * rowBytes + at, kind, s3, count);
    storeOne(c0 + 4 * rowBytes + at, g0 + 4 * rowBytes + at, kind, s4, count);
    storeOne(c0 + 5 * rowBytes + at, g0 + 5 * rowBytes + at, kind, s5, count);
  }
}

/** Two vectors of C at cp, each finished with act'(G) at gp (skipped for LINEAR). */
@inline export function storeTwo(cp: usize, gp: usize, kind: i32, s0: v128, s1: v128): void {
  v128.store(cp, finish(kind, s0, gp));
  v128.store(cp, finish(kind, s1, gp + VBYTES), VBYTES);
}

@inline function finish(kind: i32, s: v128, gp: usize): v128 {
  return kind == LINEAR ? s : derivativeVector(kind, s, v128.load(gp));
}

@inline function storeFour(cp: usize, gp: usize, kind: i32, s0: v128, s1: v128, s2: v128, s3: v128): void {
  v128.store(cp, finish(kind, s0, gp));
  v128.store(cp, finish(kind, s1, gp + VBYTES), VBYTES);
  v128.store(cp, finish(kind, s2, gp + 2 * VBYTES), 2 * VBYTES);
  v128.store(cp, finish(kind, s3, gp + 3 * VBYTES), 3 * VBYTES);
}

@inline function storeOne(cp: usize, gp: usize, kind: i32, s: v128, count: i32): void {
  const v = finish(kind, s, gp);
  if (count == LANES) v128.store(cp, v);
  else storeFirst(cp, v, count);
}
