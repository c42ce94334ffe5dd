// Subnormal floats in an optimizer's state. A state that decays while its gradient is 0 (Adam's
// m·β₁ for a dead ReLU unit's weights) reaches float32's subnormal range after ~700 steps and
// can stay there for good (0.9 · 4·2⁻¹⁴⁹ rounds back to 4·2⁻¹⁴⁹). On x86 each f32 multiply or
// divide with a subnormal operand or result takes a microcode assist (~80× a normal one, measured
// on an Intel Xeon): with a tenth of m subnormal Adam's update took 13× its time, with two
// thirds (as behind 91 dead units of 784-128-10) 20–45×. The same operations done in f64,
// rounded to f32 after each one, give the same bits (binary64 has more than 2·24 + 2 bits, so
// rounding twice is innocuous for +, −, ×, ÷ and √, subnormal results included), and f64 never
// meets a subnormal there; nor do the conversions take an assist.

/** Floats per block tested for a tiny state: 64 vectors of float32, 16 cache lines (a dead unit of 784 inputs holds two whole blocks, or three). */
export const TINY_BLOCK: i32 = 256;

/**
 * Whether the first or the last vector of float32 [begin, end) has a nonzero |x| under `limit`:
 * a state whose products in an update may leave the normal range. Zeros are not tiny: the state
 * of a weight whose gradient has always been 0 (an input that is 0 in every sample) stays 0, and
 * no product of 0 is subnormal. A dead unit's state is a whole row of θ, hundreds of floats, so
 * its blocks are tiny at both ends; a tiny value elsewhere in a block is updated by the vector
 * loop, right but slowly, as before. Which blocks take the f64 path changes no bit, only the
 * time, and a test of every vector cost Adam's update 15% where nothing was tiny.
 */
@inline export function blockLooksTiny(values: usize, begin: i32, end: i32, limit: f32): bool {
  const below = v128.splat<f32>(limit);
  const zero = v128.splat<f32>(0);
  const first = v128.load(values + (<usize>begin << 2));
  const last = v128.load(values + (<usize>(end - 4) << 2));
  const tinyFirst = v128.and(v128.lt<f32>(v128.abs<f32>(first), below), v128.ne<f32>(first, zero));
  const tinyLast = v128.and(v128.lt<f32>(v128.abs<f32>(last), below), v128.ne<f32>(last, zero));
  return v128.any_true(v128.or(tinyFirst, tinyLast));
}

/**
 * The |m| under which m·β₁ or the step's s·m (|s| = η/(1 − β₁ᵗ)) may be subnormal: 2⁻¹²² (four
 * times float32's least normal) divided by |s| where |s| < 1, at most 2⁻⁶⁰. The f64 path takes
 * ~10× the vector loop's time, so it starts where the vector loop would meet subnormals, not
 * before: at η = 10⁻³, ~650 steps after a unit dies.
 */
@inline export function tinyStateLimit(scale: f64): f32 {
  return <f32>min(<f64>reinterpret<f32>(67 << 23), <f64>reinterpret<f32>(5 << 23) / min(1.0, abs(scale)));
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
