// The int8 forward pass of a quantized layer (wasm-mlp/inference, `net.quantize({ weights: 'int8' })`),
// in three steps per layer:
//   1. quantizeRows: each row of activations to 7 bits, q = clamp(round(x / s) + zp, 0, 127), with
//      its own scale s and zero point zp (the row's range widened to hold 0, as ONNX's
//      DynamicQuantizeLinear does with 8 bits). Seven bits because the relaxed dot's second
//      operand is read as unsigned on x86 and as signed on ARM: only [0, 127] means the same on both.
//   2. int8Gemm: acc = Σₖ w·q in exact i32 arithmetic, by either kernel (their results are equal).
//   3. int8Epilogue: z = (acc − zp·Σₖw)·(s·scaleⱼ) + biasⱼ in float, then the layer's activation —
//      one piece of code whichever kernel produced acc.
// Weights are symmetric per output unit, w ∈ [−127, 127], stored n × kPad (nn.Linear's layout, each
// row padded with zeros to kPad, a multiple of 16, so the kernels need no tail).

import { activate } from './activations';

/** Largest 7-bit activation. */
const QMAX: i32 = 127;
/** Bytes of W the GEMM keeps cache-resident while every pair of rows passes over it. */
const BLOCK_BYTES: i32 = 256 * 1024;

@inline function f(base: usize, i: i32): usize {
  return base + (<usize>i << alignof<float>());
}

@inline function w32(base: usize, i: i32): usize {
  return base + (<usize>i << 2);
}

/** q of one value: division (not a reciprocal) and round-half-to-even, as ONNX's QuantizeLinear. */
@inline function quantizeOne(x: float, s: float, zp: i32): u8 {
  return <u8>min(QMAX, max(0, <i32>nearest<float>(x / s) + zp));
}

/**
 * Quantizes `rows` rows of x (rows × k floats) into q (rows × kPad bytes, zeros past k), and writes
 * each row's scale (float) and zero point (i32). A row of zeros gets scale 1 and q = 0.
 */
export function quantizeRows(x: usize, rows: i32, k: i32, q: usize, kPad: i32, scales: usize, zeros: usize): void {
  for (let r = 0; r < rows; r++) {
    const xr = f(x, r * k);
    const qr = q + <usize>(r * kPad);
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
    if (s == 0) s = 1;
    const zp = min(QMAX, max(0, <i32>nearest<float>(-lo / s)));
    store<float>(f(scales, r), s);
    store<i32>(w32(zeros, r), zp);
    i = 0;
    if (ASC_FEATURE_SIMD && sizeof<float>() == 4) {
      const vs = f32x4.splat(<f32>s);
      const vzp = i32x4.splat(zp);
      const top = i8x16.splat(<i8>QMAX);
      for (; i + 16 <= k; i += 16) {
        const p = f(xr, i);
        const a = i32x4.add(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.div(v128.load(p), vs))), vzp);
        const b = i32x4.add(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.div(v128.load(p, 16), vs))), vzp);
        const c = i32x4.add(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.div(v128.load(p, 32), vs))), vzp);
        const d = i32x4.add(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.div(v128.load(p, 48), vs))), vzp);
        // Saturating narrows clamp below at 0; the min clamps above at 127.
        const bytes = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(a, b), i16x8.narrow_i32x4_s(c, d));
        v128.store(qr + <usize>i, i8x16.min_u(bytes, top));
      }
    }
    for (; i < k; i++) store<u8>(qr + <usize>i, quantizeOne(load<float>(f(xr, i)), s, zp));
    if (kPad > k) memory.fill(qr + <usize>k, 0, <usize>(kPad - k));
  }
}

/** True in the build compiled with relaxed SIMD, where `int8Gemm(…, relaxed = true)` can run the relaxed dot. */
export function int8RelaxedBuild(): bool {
  return ASC_FEATURE_RELAXED_SIMD;
}

/**
 * acc (rows × n, i32) = q (rows × kPad, u8 in [0, 127]) · wᵀ (n × kPad, i8). `relaxed` picks
 * i32x4.relaxed_dot_i8x16_i7x16_add_s (the relaxed build only; the caller probes it first), else
 * i32x4.dot_i16x8_s on operands widened to 16 bits. Both accumulate exactly, so they agree.
 */
export function int8Gemm(acc: usize, q: usize, w: usize, rows: i32, n: i32, kPad: i32, relaxed: bool): void {
  if (rows <= 0 || n <= 0) return;
  if (!ASC_FEATURE_SIMD) {
    gemmLoops(acc, q, w, rows, n, kPad);
    return;
  }
  const block = max(4, (BLOCK_BYTES / max(kPad, 1)) & ~3);
  for (let j0 = 0; j0 < n; j0 += block) {
    if (ASC_FEATURE_RELAXED_SIMD && relaxed) gemmTiles(acc, q, w, rows, n, kPad, j0, min(n, j0 + block), true);
    else gemmTiles(acc, q, w, rows, n, kPad, j0, min(n, j0 + block), false);
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

/** acc + Σ of w·x over 16 byte pairs, in 4 lanes. */
@inline function dotAdd(w: v128, x: v128, acc: v128, relaxed: bool): v128 {
  if (ASC_FEATURE_RELAXED_SIMD && relaxed) return i32x4.relaxed_dot_i8x16_i7x16_add_s(w, x, acc);
  return widenedDotAdd(w, i16x8.extend_low_i8x16_u(x), i16x8.extend_high_i8x16_u(x), acc);
}

/** The portable dot: w widened to i16 lanes, times x's widened halves, pairs summed into i32 lanes. */
@inline function widenedDotAdd(w: v128, xl: v128, xh: v128, acc: v128): v128 {
  const lo = i32x4.dot_i16x8_s(i16x8.extend_low_i8x16_s(w), xl);
  const hi = i32x4.dot_i16x8_s(i16x8.extend_high_i8x16_s(w), xh);
  return i32x4.add(acc, i32x4.add(lo, hi));
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
 * 16 xmm registers). The portable kernel widens each x vector once per tile step, not once per w.
 */
@inline function gemmTiles(acc: usize, q: usize, w: usize, rows: i32, n: i32, kPad: i32, j0: i32, j1: i32, relaxed: bool): void {
  const rowBytes = <usize>kPad;
  const zero = i32x4.splat(0);
  for (let i = 0; i < rows; i += 2) {
    const second = i + 1 < rows;
    const x0 = q + <usize>i * rowBytes;
    // An odd last row is computed twice and stored once, so no 1-row kernel is needed.
    const x1 = second ? x0 + rowBytes : x0;
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
      for (let p: usize = 0; p < rowBytes; p += 16) {
        const u = v128.load(x0 + p);
        const v = v128.load(x1 + p);
        const b0 = v128.load(w0 + p);
        const b1 = v128.load(w1 + p);
        const b2 = v128.load(w2 + p);
        const b3 = v128.load(w3 + p);
        if (ASC_FEATURE_RELAXED_SIMD && relaxed) {
          c00 = dotAdd(b0, u, c00, true); c01 = dotAdd(b1, u, c01, true); c02 = dotAdd(b2, u, c02, true); c03 = dotAdd(b3, u, c03, true);
          c10 = dotAdd(b0, v, c10, true); c11 = dotAdd(b1, v, c11, true); c12 = dotAdd(b2, v, c12, true); c13 = dotAdd(b3, v, c13, true);
        } else {
          const ul = i16x8.extend_low_i8x16_u(u), uh = i16x8.extend_high_i8x16_u(u);
          const vl = i16x8.extend_low_i8x16_u(v), vh = i16x8.extend_high_i8x16_u(v);
          c00 = widenedDotAdd(b0, ul, uh, c00); c01 = widenedDotAdd(b1, ul, uh, c01); c02 = widenedDotAdd(b2, ul, uh, c02); c03 = widenedDotAdd(b3, ul, uh, c03);
          c10 = widenedDotAdd(b0, vl, vh, c10); c11 = widenedDotAdd(b1, vl, vh, c11); c12 = widenedDotAdd(b2, vl, vh, c12); c13 = widenedDotAdd(b3, vl, vh, c13);
        }
      }
      v128.store(out0 + (<usize>j << 2), sum4(c00, c01, c02, c03));
      if (second) v128.store(out1 + (<usize>j << 2), sum4(c10, c11, c12, c13));
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
      if (second) store<i32>(w32(out1, j), sum1(c1));
    }
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
  for (let r = 0; r < rows; r++) {
    const s = load<float>(f(rowScales, r));
    const zp = load<i32>(w32(rowZeros, r));
    const zr = f(z, r * n);
    const ar = w32(acc, r * n);
    for (let j = 0; j < n; j++) {
      const exact = load<i32>(w32(ar, j)) - zp * load<i32>(w32(weightSums, j));
      store<float>(f(zr, j), <float>exact * (s * load<float>(f(weightScales, j))) + load<float>(f(bias, j)));
    }
  }
  activate(activation, a, z, rows, n);
}
