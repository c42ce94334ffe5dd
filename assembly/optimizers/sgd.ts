// torch.optim.SGD: L2 weight decay, momentum with dampening, Nesterov.

import { Optimizer } from '../blocks';
import { at } from '../address';
import { LANES, vectorEnd } from './lanes';
import { TINY_BLOCK, blockLooksTiny, f32round, loadWide, storeNarrow, tinyStateLimit } from './subnormal';

/** One SGD update over θ[begin, end); on the first step the momentum buffer starts as the gradient itself, as in torch. */
export function sgdStep(o: Optimizer, params: usize, grads: usize, begin: i32, end: i32, learningRate: f64): void {
  const lr = <float>-learningRate;
  const wd = <float>o.weightDecay;
  const mu = <float>o.momentum;
  const keep = <float>(1 - o.dampening);
  const nesterov = o.nesterov != 0;
  const first = o.step == 1;
  const buf = o.momentumBuffer;
  let i = begin;
  if (ASC_FEATURE_SIMD) {
    // One loop per case, the flags folded in: the vector loop carries no branch per element.
    const stop = vectorEnd(begin, end);
    if (mu == 0) {
      if (wd == 0) sgdVectors(params, grads, buf, begin, stop, lr, wd, mu, keep, false, false, false, false);
      else sgdVectors(params, grads, buf, begin, stop, lr, wd, mu, keep, true, false, false, false);
    } else if (first) {
      if (wd == 0) sgdVectors(params, grads, buf, begin, stop, lr, wd, mu, keep, false, true, true, nesterov);
      else sgdVectors(params, grads, buf, begin, stop, lr, wd, mu, keep, true, true, true, nesterov);
    } else if (nesterov) {
      if (wd == 0) sgdVectors(params, grads, buf, begin, stop, lr, wd, mu, keep, false, true, false, true);
      else sgdVectors(params, grads, buf, begin, stop, lr, wd, mu, keep, true, true, false, true);
    } else {
      if (wd == 0) sgdVectors(params, grads, buf, begin, stop, lr, wd, mu, keep, false, true, false, false);
      else sgdVectors(params, grads, buf, begin, stop, lr, wd, mu, keep, true, true, false, false);
    }
    i = stop;
  }
  for (; i < end; i++) {
    const p = load<float>(at(params, i));
    let g = load<float>(at(grads, i));
    if (wd != 0) g = g + wd * p;
    if (mu != 0) {
      const b = first ? g : load<float>(at(buf, i)) * mu + keep * g;
      store<float>(at(buf, i), b);
      g = nesterov ? g + mu * b : b;
    }
    store<float>(at(params, i), p + lr * g);
  }
}

/**
 * The scalar loop's operations, in its order, a vector at a time over θ[begin, stop) (stop −
 * begin a multiple of the lanes): the same bits. Separate multiplies and adds, never fused, in
 * every build. The flags are constants at each call, so each case compiles to its own loop.
 */
@inline function sgdVectors(
  params: usize, grads: usize, buf: usize, begin: i32, stop: i32, lr: float, wd: float, mu: float, keep: float,
  decay: bool, momentum: bool, first: bool, nesterov: bool,
): void {
  const rate = v128.splat<float>(lr), decayBy = v128.splat<float>(wd), muBy = v128.splat<float>(mu), keepBy = v128.splat<float>(keep);
  // A float32 momentum buffer decays by μ behind a dead unit into the subnormal range, where its
  // products are slow: blocks of it that small go through f64, for the same bits (./subnormal.ts).
  // Its products are b·μ and η·b.
  if (sizeof<float>() == 4 && momentum && !first) {
    const limit = tinyStateLimit(min(abs(<f64>lr), <f64>mu));
    for (let block = begin; block < stop; block += TINY_BLOCK) {
      const blockEnd = min(stop, block + TINY_BLOCK);
      if (blockLooksTiny(buf, block, blockEnd, limit)) sgdWide(params, grads, buf, block, blockEnd, lr, wd, mu, keep, decay, nesterov);
      else sgdLoop(params, grads, buf, block, blockEnd, rate, decayBy, muBy, keepBy, decay, momentum, first, nesterov);
    }
    return;
  }
  sgdLoop(params, grads, buf, begin, stop, rate, decayBy, muBy, keepBy, decay, momentum, first, nesterov);
}

/** sgdVectors' loop over θ[begin, stop), its scalars splat. */
@inline function sgdLoop(
  params: usize, grads: usize, buf: usize, begin: i32, stop: i32, rate: v128, decayBy: v128, muBy: v128, keepBy: v128,
  decay: bool, momentum: bool, first: bool, nesterov: bool,
): void {
  for (let i = begin; i < stop; i += LANES) {
    const p = v128.load(at(params, i));
    let g = v128.load(at(grads, i));
    if (decay) g = v128.add<float>(g, v128.mul<float>(decayBy, p));
    if (momentum) {
      const b = first ? g : v128.add<float>(v128.mul<float>(v128.load(at(buf, i)), muBy), v128.mul<float>(keepBy, g));
      v128.store(at(buf, i), b);
      g = nesterov ? v128.add<float>(g, v128.mul<float>(muBy, b)) : b;
    }
    v128.store(at(params, i), v128.add<float>(p, v128.mul<float>(rate, g)));
  }
}

/**
 * sgdVectors' operations with momentum after the first step, on θ[begin, stop) of a float32
 * build, two lanes at a time, each done in f64 and rounded to f32 before the next: the bits of
 * the f32 operations, with no subnormal operand on the way.
 */
@inline function sgdWide(params: usize, grads: usize, buf: usize, begin: i32, stop: i32, lr: float, wd: float, mu: float, keep: float, decay: bool, nesterov: bool): void {
  const rate = f64x2.splat(<f64>lr), decayBy = f64x2.splat(<f64>wd), muBy = f64x2.splat(<f64>mu), keepBy = f64x2.splat(<f64>keep);
  for (let i = begin; i < stop; i += 2) {
    const p = loadWide(at(params, i));
    let g = loadWide(at(grads, i));
    if (decay) g = f32round(f64x2.add(g, f32round(f64x2.mul(decayBy, p))));
    const b = f32round(f64x2.add(f32round(f64x2.mul(loadWide(at(buf, i)), muBy)), f32round(f64x2.mul(keepBy, g))));
    storeNarrow(at(buf, i), b);
    g = nesterov ? f32round(f64x2.add(g, f32round(f64x2.mul(muBy, b)))) : b;
    storeNarrow(at(params, i), f64x2.add(p, f32round(f64x2.mul(rate, g))));
  }
}
