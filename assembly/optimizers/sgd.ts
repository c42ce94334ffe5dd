// torch.optim.SGD: L2 weight decay, momentum with dampening, Nesterov.

import { Optimizer } from '../blocks';
import { at } from '../address';
import { LANES, vectorEnd } from './lanes';

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
