// v128 building blocks shared by the GEMM kernels. `float` is f32 (4 lanes) or f64 (2 lanes);
// every helper is written once for both. Only compiled into the SIMD builds: callers guard
// with `if (ASC_FEATURE_SIMD)`, which the compiler folds, so the scalar build never sees v128.

import { LINEAR, RELU, LEAKY_RELU, SIGMOID, TANH, LEAKY_SLOPE, slopeFromZ } from '../activations';

/** Floats per v128. */
export const LANES: i32 = 16 / sizeof<float>();
/** Bytes of the operand block kernels keep cache-resident: half of a typical 512 KiB–1 MiB L2. */
export const BLOCK_BYTES: usize = 256 * 1024;
/** Bytes per v128. */
export const VBYTES: usize = 16;

/** acc + a·b: one fused multiply-add where relaxed-SIMD is on, else multiply then add. */
@inline export function madd(a: v128, b: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<float>(a, b, acc);
  return v128.add<float>(acc, v128.mul<float>(a, b));
}

/** All lanes = the float at p. */
@inline export function broadcast(p: usize): v128 {
  return v128.load_splat<float>(p);
}

/** Lanes below `count` all ones, the rest zero: selects the valid part of a row's last vector. */
@inline export function laneMask(count: i32): v128 {
  if (sizeof<float>() == 4) return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(count));
  return i64x2.lt_s(i64x2(0, 1), i64x2.splat(<i64>count));
}

/** Stores the first `count` lanes of v at p (1 ≤ count < LANES): a row's ragged end. */
@inline export function storeFirst(p: usize, v: v128, count: i32): void {
  v128.store_lane<float>(p, v, 0);
  if (sizeof<float>() == 4) {
    if (count > 1) v128.store_lane<float>(p, v, 1, 4);
    if (count > 2) v128.store_lane<float>(p, v, 2, 8);
  }
}

/** Sum of a vector's lanes. */
@inline export function laneSum(v: v128): float {
  if (sizeof<float>() == 4) {
    const h = v128.add<f32>(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    return <float>(v128.extract_lane<f32>(h, 0) + v128.extract_lane<f32>(h, 1));
  }
  return <float>(v128.extract_lane<f64>(v, 0) + v128.extract_lane<f64>(v, 1));
}

/** Pairwise lane sums: [Σa, Σb] for f64, or for f32 [a0+a2, b0+b2, a1+a3, b1+b3]. */
@inline export function pairSum(a: v128, b: v128): v128 {
  if (sizeof<float>() == 4) {
    return v128.add<f32>(v128.shuffle<f32>(a, b, 0, 4, 1, 5), v128.shuffle<f32>(a, b, 2, 6, 3, 7));
  }
  return v128.add<f64>(v128.shuffle<f64>(a, b, 0, 2), v128.shuffle<f64>(a, b, 1, 3));
}

/** f32 only: [Σa, Σb, Σc, Σd], the four dot products of a 1×4 tile in one vector. */
@inline export function quadSum(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = pairSum(a, b);
  const cd = pairSum(c, d);
  // ab = [a0+a2, b0+b2, a1+a3, b1+b3]; adding its halves pairs with cd's gives the totals.
  return v128.add<f32>(v128.shuffle<f32>(ab, cd, 0, 1, 4, 5), v128.shuffle<f32>(ab, cd, 2, 3, 6, 7));
}

/**
 * act(z) for the activations cheap in SIMD (linear, relu, leaky-relu); others return z and
 * are finished by the elementwise pass. Same results as the scalar `activate`, NaN included.
 */
@inline export function activateVector(kind: i32, z: v128): v128 {
  if (kind == RELU) return v128.and(z, v128.gt<float>(z, v128.splat<float>(0)));
  if (kind == LEAKY_RELU) return v128.bitselect(z, v128.mul<float>(z, v128.splat<float>(LEAKY_SLOPE)), v128.gt<float>(z, v128.splat<float>(0)));
  return z;
}

/** True when `activateVector` computes the activation completely: the kinds it names. */
@inline export function vectorActivates(kind: i32): bool {
  return kind == LINEAR || kind == RELU || kind == LEAKY_RELU;
}

/**
 * δ ⊙ act'(z) written with a = act(z) (or the slopes act'(z) for kinds that `slopeFromZ`), in
 * the scalar `activationBackward`'s operation order.
 */
@inline export function derivativeVector(kind: i32, delta: v128, a: v128): v128 {
  if (slopeFromZ(kind)) return v128.mul<float>(delta, a);
  if (kind == RELU) return v128.and(delta, v128.gt<float>(a, v128.splat<float>(0)));
  if (kind == LEAKY_RELU) return v128.bitselect(delta, v128.mul<float>(delta, v128.splat<float>(LEAKY_SLOPE)), v128.gt<float>(a, v128.splat<float>(0)));
  if (kind == SIGMOID) return v128.mul<float>(v128.mul<float>(delta, a), v128.sub<float>(v128.splat<float>(1), a));
  if (kind == TANH) return v128.mul<float>(delta, v128.sub<float>(v128.splat<float>(1), v128.mul<float>(a, a)));
  return delta;
}
