// The int8 forward pass of a quantized layer (wasm-mlp/inference, `net.quantize({ weights: 'int8' })`),
// in three steps per layer:
//   1. quantizeRows: each row of activations to 7 bits, q = clamp(round(x·(1/s)) + zp, 0, 127), with
//      its own scale s and zero point zp (the row's range widened to hold 0, as ONNX's
//      DynamicQuantizeLinear does with 8 bits). Seven bits because the relaxed dot's second
//      operand is read as unsigned on x86 and as signed on ARM: only [0, 127] means the same on both.
//   2. int8Gemm: acc = Σₖ w·q in exact i32 arithmetic, by either kernel (their results are equal):
//      the relaxed dot on 8-bit operands, or i32x4.dot_i16x8_s on operands widened to 16 bits once —
//      weights when a model is loaded, activations as they are quantized — rather than in the loop.
//   3. int8Epilogue: z = (acc − zp·Σₖw)·(s·scaleⱼ) + biasⱼ in float, then the layer's activation —
//      one piece of code whichever kernel produced acc.
// Weights are symmetric per output unit, w ∈ [−127, 127], stored n × kPad (nn.Linear's layout, each
// row padded with zeros to kPad, a multiple of 16, so the kernels need no tail), as i8, or as i16
// for the portable kernel ("wide").

import { activate } from './activations';
import { activateVector, vectorActivates } from './gemm/vector';

/** Largest 7-bit activation. */
const QMAX: i32 = 127;
/** 1.5·2^23: a float in [2^23, 2^24) has a spacing of 1, so adding this rounds to an integer. */
const ROUNDING_SHIFT: f64 = 12582912;
/** float32's smallest normal number: below it 1/s is beyond float32's range. */
const SMALLEST_SCALE: f64 = 1.1754943508222875e-38;
/** Bytes of W the GEMM keeps cache-resident while every pair of rows passes over it. */
const BLOCK_BYTES: i32 = 256 * 1024;

@inline function f(base: usize, i: i32): usize {
  return base + (<usize>i << alignof<float>());
}

@inline function w32(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

/** q of one value: times 1/s, rounded half to even (ONNX's Round), plus the zero point, clamped. */
@inline function quantizeOne(x: float, inv: float, zp: i32): u8 {
  return <u8>min(QMAX, max(0, <i32>nearest<float>(x * inv) + zp));
}

/**
 * Quantizes `rows` rows of x (rows × k floats) into q (rows × kPad values, zeros past k; u8, or
 * with `wide` i16), and writes each row's scale (float) and zero point (i32). A row of zeros (or
 * of values under ~1e-36) gets scale 1 and q = 0.
 */
export function quantizeRows(x: usize, rows: i32, k: i32, q: usize, kPad: i32, scales: usize, zeros: usize, wide: bool): void {
  const width = wide ? 2 : 1;
  for (let r = 0; r < rows; r++) {
    const xr = f(x, r * k);
    const qr = q + <usize>(r * kPad * width);
    let lo: float = 0;
    let hi: float = 0;
    let i = 0;
    if (ASC_FEATURE_SIMD && sizeof<float>() == 4) {
      let vlo = f32x4.splat(0);
      let vhi = f32x4.splat(0);
      for (; i + 4 <= k; i += 4) {
        const v = v128.load(f(xr, i));
        vlo = f32x4.pmin(vlo, v);
        vhi = f32x4.pmax(vhi, v);
      }
      lo = <float>min(min(f32x4.extract_lane(vlo, 0), f32x4.extract_lane(vlo, 1)), min(f32x4.extract_lane(vlo, 2), f32x4.extract_lane(vlo, 3)));
      hi = <float>max(max(f32x4.extract_lane(vhi, 0), f32x4.extract_lane(vhi, 1)), max(f32x4.extract_lane(vhi, 2), f32x4.extract_lane(vhi, 3)));
    }
    for (; i < k; i++) {
      const v = load<float>(f(xr, i));
      lo = min(lo, v);
      hi = max(hi, v);
    }
    let s: float = (hi - lo) / <float>QMAX;
    // A row of zeros, or one so small that 1/s would overflow float32: q = zp = 0 with s = 1.
    if (s < SMALLEST_SCALE) s = 1;
    // One division per row; the values are multiplied by its reciprocal.
    const inv: float = 1 / s;
    const zp = min(QMAX, max(0, <i32>nearest<float>(-lo * inv)));
    store<float>(f(scales, r), s);
    store<i32>(w32(zeros, r), zp);
    i = 0;
    if (ASC_FEATURE_SIMD && sizeof<float>() == 4) {
      // round(x·inv) + zp by the float adder: adding 1.5·2^23 + zp leaves the rounded-half-to-even
      // integer in the low mantissa bits (|x·inv| ≤ 127 ≪ 2^22), which costs less than
      // nearest + trunc_sat and gives the same integers.
      const vs = f32x4.splat(<f32>inv);
      const shift = f32x4.splat(<f32>(ROUNDING_SHIFT + <f64>zp));
      const bits = i32x4.splat(reinterpret<i32>(<f32>ROUNDING_SHIFT));
      const bottom = i16x8.splat(0);
      const top = i16x8.splat(<i16>QMAX);
      for (; i + 16 <= k; i += 16) {
        const p = f(xr, i);
        const a = i32x4.sub(f32x4.add(f32x4.mul(v128.load(p), vs), shift), bits);
        const b = i32x4.sub(f32x4.add(f32x4.mul(v128.load(p, 16), vs), shift), bits);
        const c = i32x4.sub(f32x4.add(f32x4.mul(v128.load(p, 32), vs), shift), bits);
        const d = i32x4.sub(f32x4.add(f32x4.mul(v128.load(p, 48), vs), shift), bits);
        // Clamped to [0, 127] in 16-bit lanes, then stored as they are or narrowed to bytes.
        const ab = i16x8.min_s(i16x8.max_s(i16x8.narrow_i32x4_s(a, b), bottom), top);
        const cd = i16x8.min_s(i16x8.max_s(i16x8.narrow_i32x4_s(c, d), bottom), top);
        if (wide) {
          v128.store(qr + (<usize>i << 1), ab);
          v128.store(qr + (<usize>i << 1), cd, 16);
        } else {
          v128.store(qr + <usize>i, i8x16.narrow_i16x8_u(ab, cd));
        }
      }
    }
    for (; i < k; i++) {
      const v = quantizeOne(load<float>(f(xr, i)), inv, zp);
      if (wide) store<u16>(qr + (<usize>i << 1), v);
      else store<u8>(qr + <usize>i, v);
    }
    if (kPad > k) memory.fill(qr + <usize>(k * width), 0, <usize>((kPad - k) * width));
  }
}

/** True in the build compiled with relaxed SIMD, where `int8Gemm(…, relaxed = true)` can run the relaxed dot. */
export function int8RelaxedBuild(): bool {
  return ASC_FEATURE_RELAXED_SIMD;
}

/**
 * acc (rows × n, i32) = q (rows × kPad, in [0, 127]) · wᵀ (n × kPad, in [−127, 127]). `relaxed`
 * (the relaxed build only; the caller probes it first) runs i32x4.relaxed_dot_i8x16_i7x16_add_s on
 * u8 q and i8 w; otherwise the SIMD builds run i32x4.dot_i16x8_s on i16 q and w (quantizeRows'
 * `wide`), and the scalar build plain loops on u8 q and i8 w. All sums are exact, so every path agrees.
 */
export function int8Gemm(acc: usize, q: usize, w: usize, rows: i32, n: i32, kPad: i32, relaxed: bool): void {
  if (rows <= 0 || n <= 0) return;
  if (!ASC_FEATURE_SIMD) {
    gemmLoops(acc, q, w, rows, n, kPad);
    return;
  }
  const rowBytes = ASC_FEATURE_RELAXED_SIMD && relaxed ? kPad : 2 * kPad;
  const block = max(4, (BLOCK_BYTES / rowBytes) & ~3);
  for (let j0 = 0; j0 < n; j0 += block) {
    if (ASC_FEATURE_RELAXED_SIMD && relaxed) gemmTiles(acc, q, w, rows, n, <usize>rowBytes, j0, min(n, j0 + block), true);
    else gemmTiles(acc, q, w, rows, n, <usize>rowBytes, j0, min(n, j0 + block), false);
  }
}

/** The scalar build's GEMM: one dot product per output. */
function gemmLoops(acc: usize, q: usize, w: usize, rows: i32, n: i32, kPad: i32): void {
  for (let r = 0; r < rows; r++) {
    const qr = q + <usize>(r * kPad);
    for (let j = 0; j < n; j++) {
      const wj = w + <usize>(j * kPad);
      let sum: i32 = 0;
      for (let p = 0; p < kPad; p++) sum += <i32>load<u8>(qr + <usize>p) * <i32>load<i8>(wj + <usize>p);
      store<i32>(w32(acc, r * n + j), sum);
    }
  }
}

/** acc + the dot of one vector of w and of x, in 4 i32 lanes: 16 byte pairs (relaxed) or 8 i16 pairs. */
@inline function dotAdd(w: v128, x: v128, acc: v128, relaxed: bool): v128 {
  if (ASC_FEATURE_RELAXED_SIMD && relaxed) return i32x4.relaxed_dot_i8x16_i7x16_add_s(w, x, acc);
  return i32x4.add(acc, i32x4.dot_i16x8_s(w, x));
}

/** [Σa, Σb, Σc, Σd] of four i32x4 accumulators. */
@inline function sum4(a: v128, b: v128, c: v128, d: v128): v128 {
  const ab = i32x4.add(v128.shuffle<i32>(a, b, 0, 4, 1, 5), v128.shuffle<i32>(a, b, 2, 6, 3, 7));
  const cd = i32x4.add(v128.shuffle<i32>(c, d, 0, 4, 1, 5), v128.shuffle<i32>(c, d, 2, 6, 3, 7));
  return i32x4.add(v128.shuffle<i32>(ab, cd, 0, 1, 4, 5), v128.shuffle<i32>(ab, cd, 2, 3, 6, 7));
}

@inline function sum1(a: v128): i32 {
  return i32x4.extract_lane(a, 0) + i32x4.extract_lane(a, 1) + i32x4.extract_lane(a, 2) + i32x4.extract_lane(a, 3);
}

/**
 * Outputs [j0, j1) of every row in 2-row × 4-output tiles (8 accumulators: more would spill V8's
 * 16 xmm registers), an odd last row in 1 × 4 tiles. Rows of q and w are `rowBytes` long.
 */
@inline function gemmTiles(acc: usize, q: usize, w: usize, rows: i32, n: i32, rowBytes: usize, j0: i32, j1: i32, relaxed: bool): void {
  const zero = i32x4.splat(0);
  let i = 0;
  for (; i + 2 <= rows; i += 2) {
    const x0 = q + <usize>i * rowBytes;
    const x1 = x0 + rowBytes;
    const out0 = w32(acc, i * n);
    const out1 = w32(acc, (i + 1) * n);
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const w0 = w + <usize>j * rowBytes;
      const w1 = w0 + rowBytes;
      const w2 = w1 + rowBytes;
      const w3 = w2 + rowBytes;
      let c00 = zero, c01 = zero, c02 = zero, c03 = zero;
      let c10 = zero, c11 = zero, c12 = zero, c13 = zero;
      let p: usize = 0;
      // The portable kernel takes two steps a turn (its loop's own instructions are a seventh of a
      // one-step body; measured 15 % faster on Node 20); the relaxed one is faster one step a turn.
      for (; !relaxed && p + 32 <= rowBytes; p += 32) {
        let u = v128.load(x0 + p);
        let v = v128.load(x1 + p);
        let b0 = v128.load(w0 + p);
        let b1 = v128.load(w1 + p);
        let b2 = v128.load(w2 + p);
        let b3 = v128.load(w3 + p);
        c00 = dotAdd(b0, u, c00, relaxed); c01 = dotAdd(b1, u, c01, relaxed); c02 = dotAdd(b2, u, c02, relaxed); c03 = dotAdd(b3, u, c03, relaxed);
        c10 = dotAdd(b0, v, c10, relaxed); c11 = dotAdd(b1, v, c11, relaxed); c12 = dotAdd(b2, v, c12, relaxed); c13 = dotAdd(b3, v, c13, relaxed);
        u = v128.load(x0 + p, 16);
        v = v128.load(x1 + p, 16);
        b0 = v128.load(w0 + p, 16);
        b1 = v128.load(w1 + p, 16);
        b2 = v128.load(w2 + p, 16);
        b3 = v128.load(w3 + p, 16);
        c00 = dotAdd(b0, u, c00, relaxed); c01 = dotAdd(b1, u, c01, relaxed); c02 = dotAdd(b2, u, c02, relaxed); c03 = dotAdd(b3, u, c03, relaxed);
        c10 = dotAdd(b0, v, c10, relaxed); c11 = dotAdd(b1, v, c11, relaxed); c12 = dotAdd(b2, v, c12, relaxed); c13 = dotAdd(b3, v, c13, relaxed);
      }
      for (; p < rowBytes; p += 16) {
        const u = v128.load(x0 + p);
        const v = v128.load(x1 + p);
        const b0 = v128.load(w0 + p);
        const b1 = v128.load(w1 + p);
        const b2 = v128.load(w2 + p);
        const b3 = v128.load(w3 + p);
        c00 = dotAdd(b0, u, c00, relaxed); c01 = dotAdd(b1, u, c01, relaxed); c02 = dotAdd(b2, u, c02, relaxed); c03 = dotAdd(b3, u, c03, relaxed);
        c10 = dotAdd(b0, v, c10, relaxed); c11 = dotAdd(b1, v, c11, relaxed); c12 = dotAdd(b2, v, c12, relaxed); c13 = dotAdd(b3, v, c13, relaxed);
      }
      v128.store(out0 + (<usize>j << 2), sum4(c00, c01, c02, c03));
      v128.store(out1 + (<usize>j << 2), sum4(c10, c11, c12, c13));
    }
    // Fewer than 4 outputs left: one row of W at a time, still two rows of q.
    for (; j < j1; j++) {
      const w0 = w + <usize>j * rowBytes;
      let c0 = zero, c1 = zero;
      for (let p: usize = 0; p < rowBytes; p += 16) {
        const b = v128.load(w0 + p);
        c0 = dotAdd(b, v128.load(x0 + p), c0, relaxed);
        c1 = dotAdd(b, v128.load(x1 + p), c1, relaxed);
      }
      store<i32>(w32(out0, j), sum1(c0));
      store<i32>(w32(out1, j), sum1(c1));
    }
  }
  if (i < rows) gemmLastRow(w32(acc, i * n), q + <usize>i * rowBytes, w, rowBytes, j0, j1, relaxed);
}

/** One row (batch 1, or an odd batch's last) against outputs [j0, j1): 1 × 4 tiles, then single outputs. */
@inline function gemmLastRow(out: usize, x: usize, w: usize, rowBytes: usize, j0: i32, j1: i32, relaxed: bool): void {
  const zero = i32x4.splat(0);
  let j = j0;
  for (; j + 4 <= j1; j += 4) {
    const w0 = w + <usize>j * rowBytes;
    const w1 = w0 + rowBytes;
    const w2 = w1 + rowBytes;
    const w3 = w2 + rowBytes;
    let c0 = zero, c1 = zero, c2 = zero, c3 = zero;
    for (let p: usize = 0; p < rowBytes; p += 16) {
      const u = v128.load(x + p);
      c0 = dotAdd(v128.load(w0 + p), u, c0, relaxed); c1 = dotAdd(v128.load(w1 + p), u, c1, relaxed);
      c2 = dotAdd(v128.load(w2 + p), u, c2, relaxed); c3 = dotAdd(v128.load(w3 + p), u, c3, relaxed);
    }
    v128.store(out + (<usize>j << 2), sum4(c0, c1, c2, c3));
  }
  for (; j < j1; j++) {
    const w0 = w + <usize>j * rowBytes;
    let c0 = zero;
    for (let p: usize = 0; p < rowBytes; p += 16) c0 = dotAdd(v128.load(w0 + p), v128.load(x + p), c0, relaxed);
    store<i32>(w32(out, j), sum1(c0));
  }
}

/**
 * z = (acc − zp·weightSum)·(scale·weightScale) + bias for `rows` rows of n outputs, then a = act(z):
 * the float epilogue of either kernel. The integer correction is exact; one float multiply-add follows.
 */
export function int8Epilogue(
  z: usize, a: usize, acc: usize, rows: i32, n: i32,
  rowScales: usize, rowZeros: usize, weightScales: usize, weightSums: usize, bias: usize, activation: i32,
): void {
  const simd = ASC_FEATURE_SIMD && sizeof<float>() == 4;
  for (let r = 0; r < rows; r++) {
    const s = load<float>(f(rowScales, r));
    const zp = load<i32>(w32(rowZeros, r));
    const zr = f(z, r * n);
    const ar = w32(acc, r * n);
    let j = 0;
    if (simd) {
      // The scalar loop's operations lane by lane, so every value is the same; the cheap
      // activations are applied while z is in a register.
      const vs = f32x4.splat(<f32>s);
      const vzp = i32x4.splat(zp);
      const direct = vectorActivates(activation);
      const arow = f(a, r * n);
      for (; j + 4 <= n; j += 4) {
        const exact = i32x4.sub(v128.load(w32(ar, j)), i32x4.mul(vzp, v128.load(w32(weightSums, j))));
        const v = f32x4.add(f32x4.mul(f32x4.convert_i32x4_s(exact), f32x4.mul(vs, v128.load(f(weightScales, j)))), v128.load(f(bias, j)));
        v128.store(f(zr, j), v);
        if (direct) v128.store(f(arow, j), activateVector(activation, v));
      }
      if (direct) {
        for (let t = j; t < n; t++) {
          const exact = load<i32>(w32(ar, t)) - zp * load<i32>(w32(weightSums, t));
          const v = <float>exact * (s * load<float>(f(weightScales, t))) + load<float>(f(bias, t));
          store<float>(f(zr, t), v);
          store<float>(f(arow, t), v128.extract_lane<float>(activateVector(activation, v128.splat<float>(v)), 0));
        }
        continue;
      }
    }
    for (; j < n; j++) {
      const exact = load<i32>(w32(ar, j)) - zp * load<i32>(w32(weightSums, j));
      store<float>(f(zr, j), <float>exact * (s * load<float>(f(weightScales, j))) + load<float>(f(bias, j)));
    }
  }
  if (!simd || !vectorActivates(activation)) activate(activation, a, z, rows, n);
}
