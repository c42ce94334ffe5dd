// Inverted dropout (torch.nn.Dropout in training mode): each unit is kept with probability
// 1 − rate and scaled by 1/(1 − rate), so the expected activation is unchanged and
// evaluation needs no rescaling. The mask keeps the multiplier so backward reuses it.

import { cursorNext } from './random';

/** mask[i] ∈ {0, 1/(1 − rate)}: one 32-bit draw per unit, from this thread's cursor (assembly/random.ts). */
export function dropoutMask(mask: usize, len: i32, rate: f64): void {
  const scale = <float>(1.0 / (1.0 - rate));
  for (let i = 0; i < len; i++) {
    // u is exact in f64 and compared in f64, so the js backend keeps exactly the same units.
    const u = <f64>cursorNext() / 4294967296.0;
    store<float>(mask + (<usize>i << alignof<float>()), u >= rate ? scale : 0);
  }
}

/** out = a ⊙ mask. */
export function applyMask(out: usize, mask: usize, a: usize, len: i32): void {
  for (let i = 0; i < len; i++) {
    const at = <usize>i << alignof<float>();
    store<float>(out + at, load<float>(a + at) * load<float>(mask + at));
  }
}

/** δ ← δ ⊙ mask: the gradient through the dropout of the forward pass. */
export function dropoutBackward(delta: usize, mask: usize, len: i32): void {
  for (let i = 0; i < len; i++) {
    const at = <usize>i << alignof<float>();
    store<float>(delta + at, load<float>(delta + at) * load<float>(mask + at));
  }
}
