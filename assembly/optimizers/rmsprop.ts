// torch.optim.RMSprop, plain or centered, with optional momentum.

import { Optimizer } from '../blocks';
import { at } from '../address';
import { LANES, vectorEnd } from './lanes';

/** One RMSprop update over θ[begin, end). */
export function rmspropStep(o: Optimizer, params: usize, grads: usize, begin: i32, end: i32, learningRate: f64): void {
  const lr = <float>-learningRate;
  const a = <float>o.alpha, w = <float>(1 - o.alpha), eps = <float>o.epsilon;
  const wd = <float>o.weightDecay, mu = <float>o.momentum;
  const centered = o.centered != 0;
  const squares = o.squareAverage, velocity = o.momentumBuffer, means = o.gradAverage;
  let i = begin;
  if (ASC_FEATURE_SIMD) {
    // One loop per case, the flags folded in: the vector loop carries no branch per element.
    const stop = vectorEnd(begin, end);
    const decay = wd != 0, momentum = mu > 0;
    if (centered) {
      if (momentum) {
        if (decay) rmspropVectors(o, params, grads, begin, stop, lr, a, w, eps, wd, mu, true, true, true);
        else rmspropVectors(o, params, grads, begin, stop, lr, a, w, eps, wd, mu, false, true, true);
      } else {
        if (decay) rmspropVectors(o, params, grads, begin, stop, lr, a, w, eps, wd, mu, true, true, false);
        else rmspropVectors(o, params, grads, begin, stop, lr, a, w, eps, wd, mu, false, true, false);
      }
    } else {
      if (momentum) {
        if (decay) rmspropVectors(o, params, grads, begin, stop, lr, a, w, eps, wd, mu, true, false, true);
        else rmspropVectors(o, params, grads, begin, stop, lr, a, w, eps, wd, mu, false, false, true);
      } else {
        if (decay) rmspropVectors(o, params, grads, begin, stop, lr, a, w, eps, wd, mu, true, false, false);
        else rmspropVectors(o, params, grads, begin, stop, lr, a, w, eps, wd, mu, false, false, false);
      }
    }
    i = stop;
  }
  for (; i < end; i++) {
    const p = load<float>(at(params, i));
    let g = load<float>(at(grads, i));
    if (wd != 0) g = g + wd * p;
    const square = load<float>(at(squares, i)) * a + w * g * g;
    store<float>(at(squares, i), square);
    let avg: float;
    if (centered) {
      const mean = load<float>(at(means, i)) * a + w * g;
      store<float>(at(means, i), mean);
      avg = sqrt<float>(square + <float>-1 * mean * mean);
    } else {
      avg = sqrt<float>(square);
    }
    avg = avg + eps;
    if (mu > 0) {
      const b = load<float>(at(velocity, i)) * mu + g / avg;
      store<float>(at(velocity, i), b);
      store<float>(at(params, i), p + lr * b);
    } else {
      store<float>(at(params, i), p + lr * g / avg);
    }
  }
}

/**
 * The scalar loop's operations, in its order, a vector at a time over θ[begin, stop) (stop −
 * begin a multiple of the lanes): the same bits. Separate multiplies and adds, never fused, in
 * every build. The flags are constants at each call, so each case compiles to its own loop.
 */
@inline function rmspropVectors(
  o: Optimizer, params: usize, grads: usize, begin: i32, stop: i32,
  lr: float, alpha: float, w: float, eps: float, wd: float, mu: float,
  decay: bool, centered: bool, momentum: bool,
): void {
  const squares = o.squareAverage, velocity = o.momentumBuffer, means = o.gradAverage;
  const rate = v128.splat<float>(lr), a = v128.splat<float>(alpha), k = v128.splat<float>(w), epsilon = v128.splat<float>(eps);
  const decayBy = v128.splat<float>(wd), muBy = v128.splat<float>(mu), minusOne = v128.splat<float>(-1);
  for (let i = begin; i < stop; i += LANES) {
    const p = v128.load(at(params, i));
    let g = v128.load(at(grads, i));
    if (decay) g = v128.add<float>(g, v128.mul<float>(decayBy, p));
    const square = v128.add<float>(v128.mul<float>(v128.load(at(squares, i)), a), v128.mul<float>(v128.mul<float>(k, g), g));
    v128.store(at(squares, i), square);
    let avg: v128;
    if (centered) {
      const mean = v128.add<float>(v128.mul<float>(v128.load(at(means, i)), a), v128.mul<float>(k, g));
      v128.store(at(means, i), mean);
      avg = v128.sqrt<float>(v128.add<float>(square, v128.mul<float>(v128.mul<float>(minusOne, mean), mean)));
    } else {
      avg = v128.sqrt<float>(square);
    }
    avg = v128.add<float>(avg, epsilon);
    if (momentum) {
      const b = v128.add<float>(v128.mul<float>(v128.load(at(velocity, i)), muBy), v128.div<float>(g, avg));
      v128.store(at(velocity, i), b);
      v128.store(at(params, i), v128.add<float>(p, v128.mul<float>(rate, b)));
    } else {
      v128.store(at(params, i), v128.add<float>(p, v128.div<float>(v128.mul<float>(rate, g), avg)));
    }
  }
}
