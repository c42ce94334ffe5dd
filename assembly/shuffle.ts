// The sample order of an epoch, shuffled in wasm with the same generator and draws as
// src/core/random.ts, so a fit without per-epoch callbacks crosses into wasm once per chunk of
// epochs instead of once per epoch (what a tiny network is bound by).

import { nextUint32 } from './random';

/** Uniform in [0, 1) from 53 random bits, exactly as Random.next in src/core/random.ts. */
@inline function nextUnit(state: usize): f64 {
  const high = <f64>(nextUint32(state) >>> 5);
  const low = <f64>(nextUint32(state) >>> 6);
  return (high * 67108864.0 + low) / 9007199254740992.0;
}

/** 0…count−1 at `order` (i32 each), Fisher–Yates shuffled as Random.shuffle when `shuffle`. */
export function resetOrder(order: usize, count: i32, shuffle: bool, state: usize): void {
  for (let i = 0; i < count; i++) store<i32>(order + (<usize>i << 2), i);
  if (!shuffle) return;
  for (let i = count - 1; i > 0; i--) {
    const j = <i32>Math.floor(nextUnit(state) * <f64>(i + 1));
    const a = order + (<usize>i << 2);
    const b = order + (<usize>j << 2);
    const t = load<i32>(a);
    store<i32>(a, load<i32>(b));
    store<i32>(b, t);
  }
}
