// Many epochs in one call: the sample order is reset and shuffled here, with the same
// generator and draws as src/random.ts, so a fit without per-epoch callbacks crosses into
// wasm once per chunk of epochs instead of once per epoch (what a tiny network is bound by).

import { nextUint32 } from './random';
import { trainEpoch } from './network';

/** Uniform in [0, 1) from 53 random bits, exactly as Random.next in src/random.ts. */
@inline function nextUnit(state: usize): f64 {
  const high = <f64>(nextUint32(state) >>> 5);
  const low = <f64>(nextUint32(state) >>> 6);
  return (high * 67108864.0 + low) / 9007199254740992.0;
}

/** Fisher–Yates over `count` i32 indices at `order`, as Random.shuffle. */
export function shuffleOrder(order: usize, count: i32, state: usize): void {
  for (let i = count - 1; i > 0; i--) {
    const j = <i32>Math.floor(nextUnit(state) * <f64>(i + 1));
    const a = order + (<usize>i << 2);
    const b = order + (<usize>j << 2);
    const t = load<i32>(a);
    store<i32>(a, load<i32>(b));
    store<i32>(b, t);
  }
}

/**
 * `epochs` epochs of `trainEpoch`, each over the identity order shuffled (when `shuffle`)
 * with the generator at `state`; epoch e's mean loss goes to losses[e] (f64).
 */
export function trainEpochs(
  desc: usize, params: usize, grads: usize, paramCount: i32,
  dataX: usize, dataY: usize, order: usize, count: i32, batchSize: i32,
  batchX: usize, batchY: usize, learningRate: f64,
  epochs: i32, shuffle: bool, state: usize, losses: usize,
): void {
  for (let e = 0; e < epochs; e++) {
    for (let i = 0; i < count; i++) store<i32>(order + (<usize>i << 2), i);
    if (shuffle) shuffleOrder(order, count, state);
    const loss = trainEpoch(desc, params, grads, paramCount, dataX, dataY, order, count, batchSize, batchX, batchY, learningRate);
    store<f64>(losses + (<usize>e << 3), loss);
  }
}
