// The benchmark's yardstick: a register-tiled product whose operands sit in L1, so nothing but
// the core's vector units limits it. MR rows × 2 vectors of accumulators (MR = 4 with SIMD, 8
// accumulators; MR = 6 with relaxed-SIMD's fused multiply-add, 12: V8 leaves 15 xmm registers,
// and 16 accumulators spill). Compiled by bench/peak.mjs, not part of the package.

const LANES: i32 = 16 / sizeof<float>();
const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 4;

@inline function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<float>(a, b, acc);
  return v128.add<float>(acc, v128.mul<float>(a, b));
}

/** Rows of the tile: the flops of one call are 2 · rows() · 2 · LANES · depth · repeats. */
export function rows(): i32 {
  return MR;
}

/**
 * `repeats` times: C (MR × 2 vectors) += A (MR × depth, row-major) · B (depth × 2 vectors,
 * row-major). The accumulators live in registers through all repeats; C is stored once.
 */
export function tile(a: usize, b: usize, c: usize, depth: i32, repeats: i32): void {
  const zero = v128.splat<float>(0);
  let s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero;
  let s30 = zero, s31 = zero, s40 = zero, s41 = zero, s50 = zero, s51 = zero;
  const rowBytes = <usize>depth << alignof<float>();
  for (let r = 0; r < repeats; r++) {
    let ap = a, bp = b;
    for (let p = 0; p < depth; p++) {
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, 16);
      let u = v128.load_splat<float>(ap);
      s00 = madd(u, b0, s00); s01 = madd(u, b1, s01);
      u = v128.load_splat<float>(ap + rowBytes);
      s10 = madd(u, b0, s10); s11 = madd(u, b1, s11);
      u = v128.load_splat<float>(ap + 2 * rowBytes);
      s20 = madd(u, b0, s20); s21 = madd(u, b1, s21);
      u = v128.load_splat<float>(ap + 3 * rowBytes);
      s30 = madd(u, b0, s30); s31 = madd(u, b1, s31);
      if (MR == 6) {
        u = v128.load_splat<float>(ap + 4 * rowBytes);
        s40 = madd(u, b0, s40); s41 = madd(u, b1, s41);
        u = v128.load_splat<float>(ap + 5 * rowBytes);
        s50 = madd(u, b0, s50); s51 = madd(u, b1, s51);
      }
      ap += sizeof<float>();
      bp += 32;
    }
  }
  v128.store(c, s00); v128.store(c, s01, 16); v128.store(c, s10, 32); v128.store(c, s11, 48);
  v128.store(c, s20, 64); v128.store(c, s21, 80); v128.store(c, s30, 96); v128.store(c, s31, 112);
  if (MR == 6) {
    v128.store(c, s40, 128); v128.store(c, s41, 144); v128.store(c, s50, 160); v128.store(c, s51, 176);
  }
}
