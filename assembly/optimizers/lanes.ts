// What every optimizer's vector loop shares: θ[begin, end) is cut where its last whole vector
// ends, and the scalar loop takes the rest. Updates are elementwise, so the cut moves no bits.

/** Floats per v128. */
export const LANES: i32 = 16 / sizeof<float>();

/** The end of the whole vectors of [begin, end): begin plus the largest multiple of LANES that fits. */
@inline export function vectorEnd(begin: i32, end: i32): i32 {
  return begin + ((end - begin) & ~(LANES - 1));
}
