// torch.optim.Adagrad, with learning-rate decay.

import { Optimizer } from '../blocks';
import { at } from '../address';
import { LANES, vectorEnd } from './lanes';

/** One Adagrad update over θ[begin, end) at the step count t (already advanced). */
export function adagradStep(o: Optimizer, params: usize, grads: usize, begin: i32, end: i32, learningRate: f64): void {
  const clr = <float>-(learningRate / (1 + (o.step - 1) * o.learningRateDecay));
  const wd = <float>o.weightDecay, eps = <float>o.epsilon;
  const sums = o.sum;
  let i = begin;
  if (ASC_FEATURE_SIMD) {
    // One loop per case, the flag folded in: the vector loop carries no branch per element.
    const stop = vectorEnd(begin, end);
    if (wd != 0) adagradVectors(sums, params, grads, begin, stop, clr, wd, eps, true);
    else adagradVectors(sums, params, grads, begin, stop, clr, wd, eps, false);
    i = stop;
  }
  for (; i < end; i++) {
    const p = load<float>(at(params, i));
    let g = load<float>(at(grads, i));
    if (wd != 0) g = g + wd * p;
    const sum = load<float>(at(sums, i)) + g * g;
    store<float>(at(sums, i), sum);
    store<float>(at(params, i), p + clr * g / (sqrt<float>(sum) + eps));
  }
}

/**
 * The scalar loop's operations, in its order, a vector at a time over θ[begin, stop) (stop −
 * begin a multiple of the lanes): the same bits. Separate multiplies and adds, never fused.
 */
@inline function adagradVectors(sums: usize, params: usize, grads: usize, begin: i32, stop: i32, clr: float, wd: float, eps: float, decay: bool): void {
  const rate = v128.splat<float>(clr), decayBy = v128.splat<float>(wd), epsilon = v128.splat<float>(eps);
  for (let i = begin; i < stop; i += LANES) {
    const p = v128.load(at(params, i));
    let g = v128.load(at(grads, i));
    if (decay) g = v128.add<float>(g, v128.mul<float>(decayBy, p));
    const sum = v128.add<float>(v128.load(at(sums, i)), v128.mul<float>(g, g));
    v128.store(at(sums, i), sum);
    v128.store(at(params, i), v128.add<float>(p, v128.div<float>(v128.mul<float>(rate, g), v128.add<float>(v128.sqrt<float>(sum), epsilon))));
  }
}
