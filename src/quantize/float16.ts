// IEEE 754 binary16 by hand: Float16Array is missing in Node 20, so float16 is a storage format,
// encoded when a network is quantized and decoded to float32 when a Predictor loads it.

/** The largest finite float16. */
export const FLOAT16_MAX = 65504;
const TWO_POW_24 = 2 ** 24;

/** Round half to even: the IEEE default, as Float16Array and numpy's float16 round. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The float16 bits nearest to v (finite, |v| < 65520, which rounds to at most FLOAT16_MAX). */
export function float16Bits(v: number): number {
  const sign = v < 0 || Object.is(v, -0) ? 0x8000 : 0;
  const a = Math.abs(v);
  // Below 2^-14 the spacing is 2^-24 (subnormals); a mantissa that rounds up to 1024 is the
  // smallest normal, whose bits follow on.
  if (a < 2 ** -14) return sign | roundHalfEven(a * TWO_POW_24);
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  let m = roundHalfEven((a / 2 ** e - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e++;
  }
  return sign | ((e + 15) << 10) | m;
}

/** The value of float16 bits h (±Infinity and NaN included). */
export function float16Value(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0) return (sign * m) / TWO_POW_24;
  if (e === 0x1f) return m === 0 ? sign * Infinity : NaN;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}
