// The forward product of a dense layer, z = X·Wᵀ + b, fused with its activation a = act(z).
// X (rows × k) and W (n × k, nn.Linear's layout) are both contiguous along k, so each output
// is a dot product of two contiguous rows: the SIMD kernel needs no packing. It computes a
// 2-row × 4-column tile in 8 vector accumulators (2 × 6 in 12 with relaxed-SIMD's fused madd;
// more would spill V8's 15 usable xmm registers; 2 × 2 and 2 × 1 for a layer's last units),
// reduces each accumulator's lanes once at the end, and adds bias and activation in the
// epilogue while the tile is still in registers.

import { activate } from '../activations';
import { BLOCK_BYTES, LANES, VBYTES, madd, laneMask, laneSum, pairSum, quadSum, activateVector, vectorActivates } from './vector';

/**
 * z = X·Wᵀ + bias and a = act(z) for batch rows [rowBegin, rowEnd) and output units
 * [unitBegin, unitEnd). Each output is computed the same way whichever ranges it falls in, so
 * ranges split across threads agree bit for bit, provided a unit range starts at a multiple of
 * 4 (the SIMD tile's width) and ends at one or at n. A unit range short of all n needs an
 * elementwise activation (not softmax). SIMD builds read up to one vector past the end of a row
 * of X or W (never stored).
 */
export function denseForward(
  z: usize, a: usize, x: usize, w: usize, bias: usize,
  n: i32, k: i32, activation: i32, rowBegin: i32, rowEnd: i32, unitBegin: i32, unitEnd: i32,
): void {
  if (rowBegin >= rowEnd || unitBegin >= unitEnd) return;
  if (ASC_FEATURE_SIMD) forwardTiles(z, a, x, w, bias, n, k, activation, rowBegin, rowEnd, unitBegin, unitEnd);
  else forwardLoops(z, x, w, bias, n, k, rowBegin, rowEnd, unitBegin, unitEnd);
  if (!ASC_FEATURE_SIMD || !vectorActivates(activation)) {
    if (unitBegin == 0 && unitEnd == n) {
      const offset = <usize>(rowBegin * n) << alignof<float>();
      activate(activation, a + offset, z + offset, rowEnd - rowBegin, n);
    } else {
      for (let i = rowBegin; i < rowEnd; i++) {
        const offset = <usize>(i * n + unitBegin) << alignof<float>();
        activate(activation, a + offset, z + offset, 1, unitEnd - unitBegin);
      }
    }
  }
}

/** The scalar build: one dot product per output, in k order. */
function forwardLoops(z: usize, x: usize, w: usize, bias: usize, n: i32, k: i32, rowBegin: i32, rowEnd: i32, unitBegin: i32, unitEnd: i32): void {
  const rowBytes = <usize>k << alignof<float>();
  for (let i = rowBegin; i < rowEnd; i++) {
    const xRow = x + <usize>i * rowBytes;
    const zRow = z + (<usize>(i * n) << alignof<float>());
    for (let j = unitBegin; j < unitEnd; j++) {
      const wRow = w + <usize>j * rowBytes;
      let sum: float = 0;
      for (let p = 0; p < k; p++) {
        sum += load<float>(xRow + (<usize>p << alignof<float>())) * load<float>(wRow + (<usize>p << alignof<float>()));
      }
      store<float>(zRow + (<usize>j << alignof<float>()), sum + load<float>(bias + (<usize>j << alignof<float>())));
    }
  }
}

function forwardTiles(
  z: usize, a: usize, x: usize, w: usize, bias: usize,
  n: i32, k: i32, activation: i32, rowBegin: i32, rowEnd: i32, unitBegin: i32, unitEnd: i32,
): void {
  // W in blocks of rows that stay in L2 while every row pair of X passes over them; without
  // this a wide layer (512×784) streams all of W from L3 once per row pair.
  const block = max(4, <i32>(BLOCK_BYTES / (<usize>k << alignof<float>())) & ~3);
  for (let jBegin = unitBegin; jBegin < unitEnd; jBegin += block) {
    forwardBlock(z, a, x, w, bias, n, k, activation, rowBegin, rowEnd, jBegin, min(unitEnd, jBegin + block));
  }
}

/** Outputs [jBegin, jEnd) of rows [rowBegin, rowEnd), in 2 × 6 (relaxed) and 2 × 4 tiles. */
@inline function forwardBlock(
  z: usize, a: usize, x: usize, w: usize, bias: usize,
  n: i32, k: i32, activation: i32, rowBegin: i32, rowEnd: i32, jBegin: i32, jEnd: i32,
): void {
  const rowBytes = <usize>k << alignof<float>();
  const outBytes = <usize>n << alignof<float>();
  const bodyBytes = <usize>(k & ~(LANES - 1)) << alignof<float>();
  const tail = k & (LANES - 1);
  // The last vector of a row is partial when k is not a multiple of LANES: masking the
  // products (not the inputs) keeps whatever lies past the row, even NaN, out of the sums.
  const mask = laneMask(tail);
  const zero = v128.splat<float>(0);
  for (let i = rowBegin; i < rowEnd; i += 2) {
    const second = i + 1 < rowEnd;
    const x0 = x + <usize>i * rowBytes;
    // An odd last row is computed twice and stored once, so no 1-row kernel is needed.
    const x1 = second ? x0 + rowBytes : x0;
    const z0 = z + <usize>i * outBytes;
    const a0 = a + <usize>i * outBytes;
    let j = jBegin;
    // Relaxed builds first take 2 × 6 tiles: 12 accumulators, the 2 rows of X and one row of
    // W in flight fill V8's 15 xmm registers, and 12 independent fused madds hide their
    // latency where 8 do not. Each output keeps its own accumulator and lane reduction, so it
    // gets the same bits whichever tile computes it.
    if (ASC_FEATURE_RELAXED_SIMD) {
      // As many 6-wide tiles as leave a multiple of 4 units to the 4-wide ones (80 = 12·6 + 2·4,
      // not 13·6 + 2 singles), where that many exist.
      let sixEnd = jBegin + (jEnd - jBegin) / 6 * 6;
      while (sixEnd > jBegin && (jEnd - sixEnd) & 3) sixEnd -= 6;
      if ((jEnd - sixEnd) & 3) sixEnd = jBegin + (jEnd - jBegin) / 6 * 6;
      for (; j < sixEnd; j += 6) {
        const w0 = w + <usize>j * rowBytes;
        let c00 = zero, c01 = zero, c02 = zero, c03 = zero, c04 = zero, c05 = zero;
        let c10 = zero, c11 = zero, c12 = zero, c13 = zero, c14 = zero, c15 = zero;
        for (let p: usize = 0; p < bodyBytes; p += VBYTES) {
          const u = v128.load(x0 + p);
          const v = v128.load(x1 + p);
          const wp = w0 + p;
          let b = v128.load(wp);
          c00 = madd(u, b, c00); c10 = madd(v, b, c10);
          b = v128.load(wp + rowBytes);
          c01 = madd(u, b, c01); c11 = madd(v, b, c11);
          b = v128.load(wp + 2 * rowBytes);
          c02 = madd(u, b, c02); c12 = madd(v, b, c12);
          b = v128.load(wp + 3 * rowBytes);
          c03 = madd(u, b, c03); c13 = madd(v, b, c13);
          b = v128.load(wp + 4 * rowBytes);
          c04 = madd(u, b, c04); c14 = madd(v, b, c14);
          b = v128.load(wp + 5 * rowBytes);
          c05 = madd(u, b, c05); c15 = madd(v, b, c15);
        }
        if (tail) {
          const u = v128.load(x0 + bodyBytes);
          const v = v128.load(x1 + bodyBytes);
          const wp = w0 + bodyBytes;
          let b = v128.load(wp);
          c00 = maskedAdd(c00, u, b, mask); c10 = maskedAdd(c10, v, b, mask);
          b = v128.load(wp + rowBytes);
          c01 = maskedAdd(c01, u, b, mask); c11 = maskedAdd(c11, v, b, mask);
          b = v128.load(wp + 2 * rowBytes);
          c02 = maskedAdd(c02, u, b, mask); c12 = maskedAdd(c12, v, b, mask);
          b = v128.load(wp + 3 * rowBytes);
          c03 = maskedAdd(c03, u, b, mask); c13 = maskedAdd(c13, v, b, mask);
          b = v128.load(wp + 4 * rowBytes);
          c04 = maskedAdd(c04, u, b, mask); c14 = maskedAdd(c14, v, b, mask);
          b = v128.load(wp + 5 * rowBytes);
          c05 = maskedAdd(c05, u, b, mask); c15 = maskedAdd(c15, v, b, mask);
        }
        const at = <usize>j << alignof<float>();
        storeSix(z0 + at, a0 + at, bias + at, c00, c01, c02, c03, c04, c05, activation);
        if (second) storeSix(z0 + outBytes + at, a0 + outBytes + at, bias + at, c10, c11, c12, c13, c14, c15, activation);
      }
    }
    for (; j + 4 <= jEnd; j += 4) {
      const w0 = w + <usize>j * rowBytes;
      const w1 = w0 + rowBytes;
      const w2 = w1 + rowBytes;
      const w3 = w2 + rowBytes;
      let c00 = zero, c01 = zero, c02 = zero, c03 = zero;
      let c10 = zero, c11 = zero, c12 = zero, c13 = zero;
      for (let p: usize = 0; p < bodyBytes; p += VBYTES) {
        const u = v128.load(x0 + p);
        const v = v128.load(x1 + p);
        const b0 = v128.load(w0 + p);
        const b1 = v128.load(w1 + p);
        const b2 = v128.load(w2 + p);
        const b3 = v128.load(w3 + p);
        c00 = madd(u, b0, c00); c01 = madd(u, b1, c01); c02 = madd(u, b2, c02); c03 = madd(u, b3, c03);
        c10 = madd(v, b0, c10); c11 = madd(v, b1, c11); c12 = madd(v, b2, c12); c13 = madd(v, b3, c13);
      }
      if (tail) {
        const u = v128.load(x0 + bodyBytes);
        const v = v128.load(x1 + bodyBytes);
        const b0 = v128.load(w0 + bodyBytes);
        const b1 = v128.load(w1 + bodyBytes);
        const b2 = v128.load(w2 + bodyBytes);
        const b3 = v128.load(w3 + bodyBytes);
        c00 = maskedAdd(c00, u, b0, mask); c01 = maskedAdd(c01, u, b1, mask); c02 = maskedAdd(c02, u, b2, mask); c03 = maskedAdd(c03, u, b3, mask);
        c10 = maskedAdd(c10, v, b0, mask); c11 = maskedAdd(c11, v, b1, mask); c12 = maskedAdd(c12, v, b2, mask); c13 = maskedAdd(c13, v, b3, mask);
      }
      const at = <usize>j << alignof<float>();
      storeQuad(z0 + at, a0 + at, bias + at, c00, c01, c02, c03, activation);
      if (second) storeQuad(z0 + outBytes + at, a0 + outBytes + at, bias + at, c10, c11, c12, c13, activation);
    }
    // Two or three outputs left (a 10-class output layer: 4 + 4 + 2): a 2 × 2 tile, 4
    // independent accumulators where one column at a time keeps 2, each a chain of dependent
    // adds as long as the row (a 100-input layer's last 2 units ran at half the 2 × 4 tile's rate).
    if (j + 2 <= jEnd) {
      const w0 = w + <usize>j * rowBytes;
      const w1 = w0 + rowBytes;
      let c00 = zero, c01 = zero, c10 = zero, c11 = zero;
      for (let p: usize = 0; p < bodyBytes; p += VBYTES) {
        const u = v128.load(x0 + p);
        const v = v128.load(x1 + p);
        const b0 = v128.load(w0 + p);
        const b1 = v128.load(w1 + p);
        c00 = madd(u, b0, c00); c01 = madd(u, b1, c01);
        c10 = madd(v, b0, c10); c11 = madd(v, b1, c11);
      }
      if (tail) {
        const u = v128.load(x0 + bodyBytes);
        const v = v128.load(x1 + bodyBytes);
        const b0 = v128.load(w0 + bodyBytes);
        const b1 = v128.load(w1 + bodyBytes);
        c00 = maskedAdd(c00, u, b0, mask); c01 = maskedAdd(c01, u, b1, mask);
        c10 = maskedAdd(c10, v, b0, mask); c11 = maskedAdd(c11, v, b1, mask);
      }
      const at = <usize>j << alignof<float>();
      storeTwo(z0 + at, a0 + at, bias + at, c00, c01, activation);
      if (second) storeTwo(z0 + outBytes + at, a0 + outBytes + at, bias + at, c10, c11, activation);
      j += 2;
    }
    // The last output, if one is left: one column of W, still two rows.
    for (; j < jEnd; j++) {
      const w0 = w + <usize>j * rowBytes;
      let c0 = zero, c1 = zero;
      for (let p: usize = 0; p < bodyBytes; p += VBYTES) {
        const b = v128.load(w0 + p);
        c0 = madd(v128.load(x0 + p), b, c0);
        c1 = madd(v128.load(x1 + p), b, c1);
      }
      if (tail) {
        const b = v128.load(w0 + bodyBytes);
        c0 = maskedAdd(c0, v128.load(x0 + bodyBytes), b, mask);
        c1 = maskedAdd(c1, v128.load(x1 + bodyBytes), b, mask);
      }
      const at = <usize>j << alignof<float>();
      const b = load<float>(bias + at);
      storeOne(z0 + at, a0 + at, laneSum(c0) + b, activation);
      if (second) storeOne(z0 + outBytes + at, a0 + outBytes + at, laneSum(c1) + b, activation);
    }
  }
}

@inline function maskedAdd(acc: v128, u: v128, b: v128, mask: v128): v128 {
  return v128.add<float>(acc, v128.and(v128.mul<float>(u, b), mask));
}

/** Epilogue of one row of a tile: reduce the 4 accumulators, add bias, store z and act(z). */
@inline function storeQuad(zp: usize, ap: usize, bp: usize, c0: v128, c1: v128, c2: v128, c3: v128, activation: i32): void {
  if (sizeof<float>() == 4) {
    const s = v128.add<float>(quadSum(c0, c1, c2, c3), v128.load(bp));
    v128.store(zp, s);
    v128.store(ap, activateVector(activation, s));
  } else {
    const s01 = v128.add<float>(pairSum(c0, c1), v128.load(bp));
    const s23 = v128.add<float>(pairSum(c2, c3), v128.load(bp, VBYTES));
    v128.store(zp, s01);
    v128.store(zp, s23, VBYTES);
    v128.store(ap, activateVector(activation, s01));
    v128.store(ap, activateVector(activation, s23), VBYTES);
  }
}

/** Epilogue of one row of a 6-wide tile: the first 4 as `storeQuad`, the last 2 as `storeOne` (the same lane sums, so the same bits). */
@inline function storeSix(zp: usize, ap: usize, bp: usize, c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128, activation: i32): void {
  storeQuad(zp, ap, bp, c0, c1, c2, c3, activation);
  const at = 4 * sizeof<float>();
  storeOne(zp + at, ap + at, laneSum(c4) + load<float>(bp, at), activation);
  storeOne(zp + at + sizeof<float>(), ap + at + sizeof<float>(), laneSum(c5) + load<float>(bp, at + sizeof<float>()), activation);
}

/** Epilogue of one row of a 2-wide tile: each output as `storeOne` (the lane sums `storeQuad` takes, so the same bits). */
@inline function storeTwo(zp: usize, ap: usize, bp: usize, c0: v128, c1: v128, activation: i32): void {
  storeOne(zp, ap, laneSum(c0) + load<float>(bp), activation);
  storeOne(zp + sizeof<float>(), ap + sizeof<float>(), laneSum(c1) + load<float>(bp, sizeof<float>()), activation);
}

@inline function storeOne(zp: usize, ap: usize, s: float, activation: i32): void {
  store<float>(zp, s);
  store<float>(ap, v128.extract_lane<float>(activateVector(activation, v128.splat<float>(s)), 0));
}
