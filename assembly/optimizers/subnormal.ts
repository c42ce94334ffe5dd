// Subnormal floats in an optimizer's state. A state that decays while its gradient is 0 (Adam's
// m·β₁ for a dead ReLU unit's weights) reaches float32's subnormal range after ~700 steps and
// can stay there for good (0.9 · 4·2⁻¹⁴⁹ rounds back to 4·2⁻¹⁴⁹). On x86 each f32 multiply or
// divide with a subnormal operand or result takes a microcode assist (~80× a normal one, measured
// on an Intel Xeon): with 2/3 of θ behind dead units Adam's update took 13× its time. The same
// operations done in f64, rounded to f32 after each one, give the same bits (binary64 has more
// than 2·24 + 2 bits, so rounding twice is innocuous for +, −, ×, ÷ and √, subnormal results
// included), and f64 never meets a subnormal there; nor do the conversions take an assist.

/**
 * Lanes of an f32x4 holding a nonzero |x| under 2^exponent (all ones there): values whose
 * products in an update may leave the normal range. Zeros are not tiny: no product of 0 is
 * subnormal.
 */
@inline export function tinyLanes(x: v128, exponent: i32): v128 {
  // The bit patterns of |x| order as the values: |x| − 1 < 2^exponent − 1, one unsigned compare.
  const magnitude = v128.and(x, v128.splat<i32>(0x7fffffff));
  return v128.lt<u32>(v128.sub<i32>(magnitude, v128.splat<i32>(1)), v128.splat<i32>(((127 + exponent) << 23) - 1));
}

/** Two f32 at `ptr`, exactly, as the lanes of an f64x2. */
@inline export function loadWide(ptr: usize): v128 {
  return f64x2.promote_low_f32x4(v128.load64_zero(ptr));
}

/** An f64x2 rounded lane by lane to the nearest f32, as an f32 operation rounds its exact result. */
@inline export function f32round(x: v128): v128 {
  return f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(x));
}

/** Stores an f64x2 of f32 values (f32round's) as two f32 at `ptr`. */
@inline export function storeNarrow(ptr: usize, x: v128): void {
  v128.store64_lane(ptr, f32x4.demote_f64x2_zero(x), 0);
}
