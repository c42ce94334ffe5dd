// xoshiro128** over four u32 words in linear memory: the same generator and stream as
// src/core/random.ts, so the wasm and js backends draw identical dropout masks.
//
// A thread can also hold a position in a stream of its own (a "cursor" in wasm globals, which
// every instance — every thread — has to itself) and skip ahead to any later draw without
// making the draws in between, so each thread draws its rows' dropout masks from where they
// sit in the one stream, with no thread waiting for another's draws.

@inline function rotl(x: u32, k: u32): u32 {
  return (x << k) | (x >>> (32 - k));
}

/** The next 32 random bits; advances the state at `state`. */
export function nextUint32(state: usize): u32 {
  cursorFrom(state);
  const result = cursorNext();
  cursorTo(state);
  return result;
}

// This thread's cursor: a generator state.
let s0: u32 = 0, s1: u32 = 0, s2: u32 = 0, s3: u32 = 0;

/** Puts this thread's cursor at the generator state stored at `state`. */
export function cursorFrom(state: usize): void {
  s0 = load<u32>(state); s1 = load<u32>(state, 4); s2 = load<u32>(state, 8); s3 = load<u32>(state, 12);
}

/** Stores this thread's cursor as the generator state at `state`. */
export function cursorTo(state: usize): void {
  store<u32>(state, s0); store<u32>(state, s1, 4); store<u32>(state, s2, 8); store<u32>(state, s3, 12);
}

/** The cursor's next 32 random bits. */
@inline export function cursorNext(): u32 {
  const result = rotl(s1 * 5, 7) * 9;
  const t = s1 << 9;
  const n2 = s2 ^ s0;
  const n3 = s3 ^ s1;
  s0 ^= n3;
  s1 ^= n2;
  s2 = n2 ^ t;
  s3 = rotl(n3, 11);
  return result;
}

/** Below this many draws, making them is cheaper than the jump (~20 squarings of 128 coefficients). */
const JUMP_MIN: u64 = 4096;

/**
 * Moves the cursor `count` draws ahead. The state transition T is linear over GF(2), so
 * T^count = r(T) with r(x) = x^count mod p(x), p the characteristic polynomial of T (the method
 * of xoshiro's own jump functions, for any distance).
 */
export function cursorSkip(count: u64): void {
  if (count < JUMP_MIN) {
    for (let i: u64 = 0; i < count; i++) cursorNext();
    return;
  }
  powerOfX(count);
  // r(T)·s by Horner's rule from the constant coefficient: Σ r_i T^i s.
  let a0: u32 = 0, a1: u32 = 0, a2: u32 = 0, a3: u32 = 0;
  for (let i = 0; i < 128; i++) {
    const word = i < 64 ? powLow : powHigh;
    if (((word >>> <u64>(i & 63)) & 1) != 0) {
      a0 ^= s0; a1 ^= s1; a2 ^= s2; a3 ^= s3;
    }
    cursorNext();
  }
  s0 = a0; s1 = a1; s2 = a2; s3 = a3;
}

// p(x) = x^128 + Q(x): the characteristic polynomial of xoshiro128's state transition, found by
// Berlekamp–Massey on one state bit's sequence; x^(2^64) and x^(2^96) mod p are the published
// JUMP and LONG_JUMP constants of xoshiro128** (test/random-skip.test.ts checks the first).
const Q_LOW: u64 = 0x1b489db6de18fc01;
const Q_HIGH: u64 = 0x00fc65a2006254b1;

// x^count mod p as it is built: coefficients 0–63 and 64–127.
let powLow: u64 = 0, powHigh: u64 = 0;

/** pow ← pow·x mod p: a shift, and Q where x^128 appears. */
@inline function timesX(): void {
  const reduce = <u64>0 - (powHigh >>> 63);
  powHigh = ((powHigh << 1) | (powLow >>> 63)) ^ (Q_HIGH & reduce);
  powLow = (powLow << 1) ^ (Q_LOW & reduce);
}

/** pow ← pow² mod p: over GF(2), (Σ r_i x^i)² = Σ r_i x^(2i), by Horner's rule in x². */
function square(): void {
  const low = powLow, high = powHigh;
  powLow = 0;
  powHigh = 0;
  for (let i = 127; i >= 0; i--) {
    timesX();
    timesX();
    powLow ^= ((i < 64 ? low : high) >>> <u64>(i & 63)) & 1;
  }
}

/** pow ← x^count mod p, by squaring from count's top bit. */
function powerOfX(count: u64): void {
  powLow = 1;
  powHigh = 0;
  for (let bit = 63 - <i32>clz(count); bit >= 0; bit--) {
    square();
    if (((count >>> <u64>bit) & 1) != 0) timesX();
  }
}

/** Advances the generator at `state` by `count` draws at once (exported for the kernel tests). */
export function skipDraws(state: usize, count: u64): void {
  cursorFrom(state);
  cursorSkip(count);
  cursorTo(state);
}
