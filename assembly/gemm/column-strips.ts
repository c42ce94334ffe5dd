// The weight gradient of a wide layer in column-strip order: ∇W = δᵀ·X, one strip of X two
// vectors wide over the whole depth (the batch rows: ≤ 16 kB, so it stays in L1) at a time,
// while groups of MR units pass over it. The row-pair order of broadcast.ts instead streams
// all of X (up to 400 kB) from L2 once per pair of units. MR = 4 (8 accumulators) with SIMD,
// 6 (12) with relaxed-SIMD, whose fused multiply-add frees the registers a separate multiply
// needs; V8 leaves 15 xmm registers, and 16 accumulators would spill. δ needs no transposing:
// the MR values a step broadcasts, δ[p][u…u+MR−1], are adjacent. Where a row stride maps a
// column into few L1 sets, δ's columns and X's strips are read from contiguous copies (a 512-wide
// X ran ∇W at 75% of peak against 86% for 784). Each output is the same sum
// in the same order (p ascending, one madd per step) as broadcast.ts computes: the same bits.

import { LANES, VBYTES, madd, broadcast, storeFirst } from './vector';

/** Units per group: the accumulator rows of a tile. */
const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 4;

/**
 * gradW[j] = Σ_p δ[p][j]·X[p] for units j in [unitBegin, unitEnd), over `rows` batch rows in
 * order. δ is rows × n, X rows × k, gradW n × k. Reads up to one vector past the end of a row
 * of X (never stored).
 */
export function columnStrips(gradW: usize, delta: usize, x: usize, rows: i32, n: i32, k: i32, unitBegin: i32, unitEnd: i32): void {
  let col = 0;
  // δ's columns, copied into the last `rows` columns of each unit's row of ∇W (written last,
  // from δ itself), so that the strips before them read each unit's δ contiguously. Read in
  // place, a δ row stride of 2 kB (512 units) maps every row of a column to the same 2 of L1's
  // 64 sets, which hold 24 of the 128 lines a group passes over: each group fetches its lines
  // from L2 again instead of sharing them with its neighbours (n = 512 ran ~15% slower than
  // n = 500). The copy changes no value and no order: the same bits.
  const packAt = k - rows;
  const packedEnd = packAt >= PACK_MIN_COLUMNS && stridesAlias(rows, n) ? packAt & ~(2 * LANES - 1) : 0;
  // X's strip has the same trouble at X's row stride (512 inputs: 2 kB, a strip's 128 lines in 2
  // sets), and every group reads it: copied once per strip into contiguous scratch (copyStrip).
  const copies = copiesStrips(rows, k);
  const rowBytes = <usize>k << alignof<float>();
  const xStep = copies ? STRIP_BYTES : rowBytes;
  if (packedEnd > 0) {
    packColumns(gradW, delta, rows, n, k, unitBegin, unitEnd, packAt);
    for (; col < packedEnd; col += 2 * LANES) {
      packedStrip(gradW, stripOf(x, rows, rowBytes, col, copies), xStep, rows, k, unitBegin, unitEnd, col, packAt);
    }
  }
  for (; col + 2 * LANES <= k; col += 2 * LANES) {
    wideStrip(gradW, delta, stripOf(x, rows, rowBytes, col, copies), xStep, rows, n, k, unitBegin, unitEnd, col);
  }
  // One vector at a time for the rest, the last one possibly partial.
  for (; col < k; col += LANES) narrowStrip(gradW, delta, x, rows, n, k, unitBegin, unitEnd, col, min(LANES, k - col));
}

/** Columns of ∇W computed from packed δ at the least: below that, the copy costs more than it saves. */
const PACK_MIN_COLUMNS: i32 = 16 * LANES;

/** Bytes of one way of L1d (64 sets of 64-byte lines), the stride at which addresses share a set, on x86 and Arm cores alike. */
const L1_WAY_BYTES: i32 = 4096;

/**
 * True when a column of a matrix `width` floats wide (`rows` lines at its row stride: δ's, n;
 * X's, k) falls into so few L1 sets that it needs more than 8 lines of each: at a stride of 2 kB
 * (512 float32 units) every row lands in one of 2 sets. Where it fits (784-128's 64 rows at
 * 512 B: 8 sets, 8 lines each), the copy costs more than it saves (×0.93–0.95 measured for δ).
 */
function stridesAlias(rows: i32, width: i32): bool {
  const stride = width << alignof<float>();
  let a = stride, b = L1_WAY_BYTES;
  while (b != 0) { const t = a % b; a = b; b = t; }
  const sets = min(64, L1_WAY_BYTES / a);
  return rows > 8 * sets;
}

/** Bytes of one row of a strip: two vectors. */
const STRIP_BYTES: usize = 2 * VBYTES;
/** Rows of the largest strip the scratch holds: 16 kB, what L1 keeps beside a group's δ. */
const STRIP_ROWS: i32 = 512;
/**
 * Bytes kept for one strip of X, contiguous, between the module's static data and the arena
 * (heapBase() starts past them). One buffer for the module, so only builds without threads copy
 * (each thread would need its own); a reserved range, not a data segment, adds nothing to the .wasm.
 */
const STRIP_SCRATCH_BYTES: usize = ASC_FEATURE_SIMD && !ASC_FEATURE_THREADS ? STRIP_BYTES * <usize>STRIP_ROWS : 0;

/** The strip scratch: the first 64-byte line past the module's static data. */
@inline function stripScratch(): usize {
  return (__heap_base + 63) & ~63;
}

/** First byte past the strip scratch: where the arena may begin. */
export function stripScratchEnd(): usize {
  return stripScratch() + STRIP_SCRATCH_BYTES;
}

/** Whether X's strips are read from the contiguous copy: its stride aliases, the strip fits, and one thread owns the scratch. */
@inline function copiesStrips(rows: i32, k: i32): bool {
  return !ASC_FEATURE_THREADS && rows <= STRIP_ROWS && stridesAlias(rows, k);
}

/**
 * The strip of X at column `col` (2 vectors × rows): X itself (rows `rowBytes` apart), or with
 * `copies` its copy in the scratch (rows STRIP_BYTES apart). The copy moves bits, changes no sum.
 */
@inline function stripOf(x: usize, rows: i32, rowBytes: usize, col: i32, copies: bool): usize {
  let from = x + (<usize>col << alignof<float>());
  if (!copies) return from;
  let to = stripScratch();
  const end = to + <usize>rows * STRIP_BYTES;
  for (; to < end; to += STRIP_BYTES) {
    v128.store(to, v128.load(from));
    v128.store(to, v128.load(from, VBYTES), VBYTES);
    from += rowBytes;
  }
  return stripScratch();
}

/** gradW[j][packAt + p] = δ[p][j] for units j in the range and p < rows: each unit's δ column, contiguous. */
function packColumns(gradW: usize, delta: usize, rows: i32, n: i32, k: i32, unitBegin: i32, unitEnd: i32, packAt: i32): void {
  const rowBytes = <usize>k << alignof<float>();
  const deltaStep = <usize>n << alignof<float>();
  const start = gradW + (<usize>packAt << alignof<float>());
  let dRow = delta;
  for (let p = 0; p < rows; p++) {
    let out = start + <usize>unitBegin * rowBytes + (<usize>p << alignof<float>());
    for (let j = unitBegin; j < unitEnd; j++) {
      store<float>(out, load<float>(dRow + (<usize>j << alignof<float>())));
      out += rowBytes;
    }
    dRow += deltaStep;
  }
}

/** As `wideStrip`, with each unit's δ read from its packed column (`packColumns`). */
@inline function packedStrip(gradW: usize, strip: usize, xStep: usize, rows: i32, k: i32, unitBegin: i32, unitEnd: i32, col: i32, packAt: i32): void {
  const rowBytes = <usize>k << alignof<float>();
  const at = <usize>col << alignof<float>();
  for (let u = unitBegin; u < unitEnd; u += MR) packedGroup(gradW, strip, xStep, rows, rowBytes, at, packAt, u, min(MR, unitEnd - u));
}

/**
 * As `wideGroup` (the same madds in the same order), δ[p][u + r] read from row u + r of ∇W at
 * column packAt + p; a group short of MR units repeats its last unit's column (not stored).
 */
@inline function packedGroup(gradW: usize, strip: usize, xStep: usize, rows: i32, rowBytes: usize, at: usize, packAt: i32, u: i32, count: i32): void {
  const zero = v128.splat<float>(0);
  let s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s30 = zero, s31 = zero;
  let s40 = zero, s41 = zero, s50 = zero, s51 = zero;
  const out = gradW + <usize>u * rowBytes + at;
  let q0 = gradW + <usize>u * rowBytes + (<usize>packAt << alignof<float>());
  let q1 = q0 + <usize>min(1, count - 1) * rowBytes, q2 = q0 + <usize>min(2, count - 1) * rowBytes, q3 = q0 + <usize>min(3, count - 1) * rowBytes;
  let q4 = q0 + <usize>min(4, count - 1) * rowBytes, q5 = q0 + <usize>min(5, count - 1) * rowBytes;
  let bp = strip;
  const end = bp + <usize>rows * xStep;
  for (; bp < end; bp += xStep) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, VBYTES);
    let a = broadcast(q0);
    s00 = madd(a, b0, s00); s01 = madd(a, b1, s01);
    a = broadcast(q1);
    s10 = madd(a, b0, s10); s11 = madd(a, b1, s11);
    a = broadcast(q2);
    s20 = madd(a, b0, s20); s21 = madd(a, b1, s21);
    a = broadcast(q3);
    s30 = madd(a, b0, s30); s31 = madd(a, b1, s31);
    q0 += sizeof<float>(); q1 += sizeof<float>(); q2 += sizeof<float>(); q3 += sizeof<float>();
    if (MR == 6) {
      a = broadcast(q4);
      s40 = madd(a, b0, s40); s41 = madd(a, b1, s41);
      a = broadcast(q5);
      s50 = madd(a, b0, s50); s51 = madd(a, b1, s51);
      q4 += sizeof<float>(); q5 += sizeof<float>();
    }
  }
  storeTwo(out, s00, s01);
  if (count > 1) storeTwo(out + rowBytes, s10, s11);
  if (count > 2) storeTwo(out + 2 * rowBytes, s20, s21);
  if (count > 3) storeTwo(out + 3 * rowBytes, s30, s31);
  if (MR == 6) {
    if (count > 4) storeTwo(out + 4 * rowBytes, s40, s41);
    if (count > 5) storeTwo(out + 5 * rowBytes, s50, s51);
  }
}

/** Columns [col, col + 2·LANES) of every unit in the range, in groups of MR units. */
@inline function wideStrip(gradW: usize, delta: usize, strip: usize, xStep: usize, rows: i32, n: i32, k: i32, unitBegin: i32, unitEnd: i32, col: i32): void {
  const rowBytes = <usize>k << alignof<float>();
  const at = <usize>col << alignof<float>();
  let u = unitBegin;
  for (; u + MR <= unitEnd; u += MR) wideGroup(gradW, delta, strip, xStep, rows, n, rowBytes, at, u, MR);
  // A group short of MR units repeats its last unit's δ (computed, not stored).
  if (u < unitEnd) wideGroup(gradW, delta, strip, xStep, rows, n, rowBytes, at, u, unitEnd - u);
}

/**
 * Units [u, u + count) (count ≤ MR) at byte column `at`: MR × 2 vectors of accumulators. A whole
 * group broadcasts δ[p][u + r] at the constant offsets r·sizeof<float>() (in the load's
 * immediate, so the loop keeps two pointers, not one per row).
 */
@inline function wideGroup(gradW: usize, delta: usize, strip: usize, xStep: usize, rows: i32, n: i32, rowBytes: usize, at: usize, u: i32, count: i32): void {
  const zero = v128.splat<float>(0);
  const deltaStep = <usize>n << alignof<float>();
  let s00 = zero, s01 = zero, s10 = zero, s11 = zero, s20 = zero, s21 = zero, s30 = zero, s31 = zero;
  let s40 = zero, s41 = zero, s50 = zero, s51 = zero;
  let dp = delta + (<usize>u << alignof<float>());
  let bp = strip;
  const end = bp + <usize>rows * xStep;
  if (count == MR) {
    for (; bp < end; bp += xStep) {
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, VBYTES);
      let a = v128.load_splat<float>(dp);
      s00 = madd(a, b0, s00); s01 = madd(a, b1, s01);
      a = v128.load_splat<float>(dp, sizeof<float>());
      s10 = madd(a, b0, s10); s11 = madd(a, b1, s11);
      a = v128.load_splat<float>(dp, 2 * sizeof<float>());
      s20 = madd(a, b0, s20); s21 = madd(a, b1, s21);
      a = v128.load_splat<float>(dp, 3 * sizeof<float>());
      s30 = madd(a, b0, s30); s31 = madd(a, b1, s31);
      if (MR == 6) {
        a = v128.load_splat<float>(dp, 4 * sizeof<float>());
        s40 = madd(a, b0, s40); s41 = madd(a, b1, s41);
        a = v128.load_splat<float>(dp, 5 * sizeof<float>());
        s50 = madd(a, b0, s50); s51 = madd(a, b1, s51);
      }
      dp += deltaStep;
    }
  } else {
    const o1 = rowOffset(1, count), o2 = rowOffset(2, count), o3 = rowOffset(3, count), o4 = rowOffset(4, count), o5 = rowOffset(5, count);
    for (; bp < end; bp += xStep) {
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, VBYTES);
      let a = broadcast(dp);
      s00 = madd(a, b0, s00); s01 = madd(a, b1, s01);
      a = broadcast(dp + o1);
      s10 = madd(a, b0, s10); s11 = madd(a, b1, s11);
      a = broadcast(dp + o2);
      s20 = madd(a, b0, s20); s21 = madd(a, b1, s21);
      a = broadcast(dp + o3);
      s30 = madd(a, b0, s30); s31 = madd(a, b1, s31);
      if (MR == 6) {
        a = broadcast(dp + o4);
        s40 = madd(a, b0, s40); s41 = madd(a, b1, s41);
        a = broadcast(dp + o5);
        s50 = madd(a, b0, s50); s51 = madd(a, b1, s51);
      }
      dp += deltaStep;
    }
  }
  const out = gradW + <usize>u * rowBytes + at;
  storeTwo(out, s00, s01);
  if (count > 1) storeTwo(out + rowBytes, s10, s11);
  if (count > 2) storeTwo(out + 2 * rowBytes, s20, s21);
  if (count > 3) storeTwo(out + 3 * rowBytes, s30, s31);
  if (MR == 6) {
    if (count > 4) storeTwo(out + 4 * rowBytes, s40, s41);
    if (count > 5) storeTwo(out + 5 * rowBytes, s50, s51);
  }
}

/** Byte offset from a group's first δ to its r-th row's, the last of `count` rows standing in for missing ones. */
@inline function rowOffset(r: i32, count: i32): usize {
  return <usize>min(r, count - 1) << alignof<float>();
}

/** Columns [col, col + width) (width ≤ LANES) of every unit in the range: a strip one vector wide, the last possibly partial. */
@inline function narrowStrip(gradW: usize, delta: usize, x: usize, rows: i32, n: i32, k: i32, unitBegin: i32, unitEnd: i32, col: i32, width: i32): void {
  const rowBytes = <usize>k << alignof<float>();
  const deltaStep = <usize>n << alignof<float>();
  const strip = x + (<usize>col << alignof<float>());
  const zero = v128.splat<float>(0);
  for (let u = unitBegin; u < unitEnd; u += 4) {
    const count = min(4, unitEnd - u);
    const o1 = rowOffset(1, count), o2 = rowOffset(2, count), o3 = rowOffset(3, count);
    let s0 = zero, s1 = zero, s2 = zero, s3 = zero;
    let dp = delta + (<usize>u << alignof<float>());
    let bp = strip;
    for (let p = 0; p < rows; p++) {
      const b = v128.load(bp);
      s0 = madd(broadcast(dp), b, s0);
      s1 = madd(broadcast(dp + o1), b, s1);
      s2 = madd(broadcast(dp + o2), b, s2);
      s3 = madd(broadcast(dp + o3), b, s3);
      dp += deltaStep;
      bp += rowBytes;
    }
    const out = gradW + <usize>u * rowBytes + (<usize>col << alignof<float>());
    storePart(out, s0, width);
    if (count > 1) storePart(out + rowBytes, s1, width);
    if (count > 2) storePart(out + 2 * rowBytes, s2, width);
    if (count > 3) storePart(out + 3 * rowBytes, s3, width);
  }
}

@inline function storeTwo(p: usize, s0: v128, s1: v128): void {
  v128.store(p, s0);
  v128.store(p, s1, VBYTES);
}

@inline function storePart(p: usize, s: v128, count: i32): void {
  if (count == LANES) v128.store(p, s);
  else storeFirst(p, s, count);
}
