// torch.optim.Adam and AdamW (decoupled weight decay), with optional AMSGrad, in the
// operation order of torch's single-tensor path (m·β₁ + (1 − β₁)·g; torch 2 writes it as a
// lerp, equal to rounding).

import { Optimizer } from '../blocks';
import { at } from '../address';
import { LANES, vectorEnd } from './lanes';
import { TINY_BLOCK, blockLooksTiny, f32round, loadWide, storeNarrow, tinyStateLimit } from './subnormal';

/** One Adam update over θ[begin, end) at the step count t (already advanced). */
export function adamStep(o: Optimizer, params: usize, grads: usize, begin: i32, end: i32, learningRate: f64, decoupled: bool): void {
  const t = o.step;
  const b1 = o.beta1, b2 = o.beta2, decay = o.weightDecay;
  // Scalars in f64, as torch computes them in Python, then rounded once to the dtype.
  const stepSize = <float>-(learningRate / (1 - Math.pow(b1, t)));
  const correction2 = <float>Math.sqrt(1 - Math.pow(b2, t));
  const shrink = <float>(1 - learningRate * decay);
  const wd = <float>decay;
  const beta1f = <float>b1, w1 = <float>(1 - b1), beta2f = <float>b2, w2 = <float>(1 - b2), eps = <float>o.epsilon;
  const amsgrad = o.amsgrad != 0;
  const mBuf = o.m, vBuf = o.v, vMaxBuf = o.vMax;
  let i = begin;
  if (ASC_FEATURE_SIMD) {
    // One loop per case, the flags folded in: the vector loop carries no branch per element.
    const stop = vectorEnd(begin, end);
    const l2 = !decoupled && wd != 0;
    if (amsgrad) {
      if (decoupled) adamVectors(o, params, grads, begin, stop, stepSize, correction2, shrink, wd, beta1f, w1, beta2f, w2, eps, true, false, true);
      else if (l2) adamVectors(o, params, grads, begin, stop, stepSize, correction2, shrink, wd, beta1f, w1, beta2f, w2, eps, false, true, true);
      else adamVectors(o, params, grads, begin, stop, stepSize, correction2, shrink, wd, beta1f, w1, beta2f, w2, eps, false, false, true);
    } else {
      if (decoupled) adamVectors(o, params, grads, begin, stop, stepSize, correction2, shrink, wd, beta1f, w1, beta2f, w2, eps, true, false, false);
      else if (l2) adamVectors(o, params, grads, begin, stop, stepSize, correction2, shrink, wd, beta1f, w1, beta2f, w2, eps, false, true, false);
      else adamVectors(o, params, grads, begin, stop, stepSize, correction2, shrink, wd, beta1f, w1, beta2f, w2, eps, false, false, false);
    }
    i = stop;
  }
  for (; i < end; i++) {
    let p = load<float>(at(params, i));
    let g = load<float>(at(grads, i));
    if (decoupled) p = p * shrink;
    else if (wd != 0) g = g + wd * p;
    const m = load<float>(at(mBuf, i)) * beta1f + w1 * g;
    const v = load<float>(at(vBuf, i)) * beta2f + w2 * g * g;
    store<float>(at(mBuf, i), m);
    store<float>(at(vBuf, i), v);
    let second = v;
    if (amsgrad) {
      second = max(load<float>(at(vMaxBuf, i)), v);
      store<float>(at(vMaxBuf, i), second);
    }
    const denom = sqrt<float>(second) / correction2 + eps;
    store<float>(at(params, i), p + stepSize * m / denom);
  }
}

/**
 * The scalar loop's operations, in its order, a vector at a time over θ[begin, stop) (stop −
 * begin a multiple of the lanes): the same bits (sqrt, division and max are exact-rounded or
 * exact in both). Separate multiplies and adds, never fused, in every build. The flags are
 * constants at each call, so each case compiles to its own loop.
 */
@inline function adamVectors(
  o: Optimizer, params: usize, grads: usize, begin: i32, stop: i32,
  stepSize: float, correction2: float, shrink: float, wd: float, beta1: float, w1: float, beta2: float, w2: float, eps: float,
  decoupled: bool, l2: bool, amsgrad: bool,
): void {
  const mBuf = o.m;
  const step = v128.splat<float>(stepSize), c2 = v128.splat<float>(correction2), shrinkBy = v128.splat<float>(shrink), decayBy = v128.splat<float>(wd);
  const b1 = v128.splat<float>(beta1), k1 = v128.splat<float>(w1), b2 = v128.splat<float>(beta2), k2 = v128.splat<float>(w2), epsilon = v128.splat<float>(eps);
  // float32 blocks whose m is tiny enough for its products to turn subnormal (m decaying behind a
  // dead unit) go through f64, for the same bits without the subnormal penalty (./subnormal.ts).
  const limit = tinyStateLimit(<f64>stepSize);
  for (let block = begin; block < stop; block += TINY_BLOCK) {
    const blockEnd = min(stop, block + TINY_BLOCK);
    if (sizeof<float>() == 4 && blockLooksTiny(mBuf, block, blockEnd, limit)) {
      adamWide(o, params, grads, block, blockEnd, stepSize, correction2, shrink, wd, beta1, w1, beta2, w2, eps, decoupled, l2, amsgrad);
      continue;
    }
    adamBlock(o, params, grads, block, blockEnd, step, c2, shrinkBy, decayBy, b1, k1, b2, k2, epsilon, decoupled, l2, amsgrad);
  }
}

/** adamVectors' loop over one block, its scalars splat. */
@inline function adamBlock(
  o: Optimizer, params: usize, grads: usize, begin: i32, stop: i32,
  step: v128, c2: v128, shrinkBy: v128, decayBy: v128, b1: v128, k1: v128, b2: v128, k2: v128, epsilon: v128,
  decoupled: bool, l2: bool, amsgrad: bool,
): void {
  const mBuf = o.m, vBuf = o.v, vMaxBuf = o.vMax;
  for (let i = begin; i < stop; i += LANES) {
    let p = v128.load(at(params, i));
    let g = v128.load(at(grads, i));
    if (decoupled) p = v128.mul<float>(p, shrinkBy);
    if (l2) g = v128.add<float>(g, v128.mul<float>(decayBy, p));
    const m = v128.add<float>(v128.mul<float>(v128.load(at(mBuf, i)), b1), v128.mul<float>(k1, g));
    const v = v128.add<float>(v128.mul<float>(v128.load(at(vBuf, i)), b2), v128.mul<float>(v128.mul<float>(k2, g), g));
    v128.store(at(mBuf, i), m);
    v128.store(at(vBuf, i), v);
    let second = v;
    if (amsgrad) {
      second = v128.max<float>(v128.load(at(vMaxBuf, i)), v);
      v128.store(at(vMaxBuf, i), second);
    }
    const denom = v128.add<float>(v128.div<float>(v128.sqrt<float>(second), c2), epsilon);
    v128.store(at(params, i), v128.add<float>(p, v128.div<float>(v128.mul<float>(step, m), denom)));
  }
}

/**
 * adamVectors' operations on θ[begin, stop) of a float32 build, two lanes at a time, each done
 * in f64 and rounded to f32 (f32round) before the next: the bits of the f32 operations, with no
 * subnormal operand on the way.
 */
@inline function adamWide(
  o: Optimizer, params: usize, grads: usize, begin: i32, stop: i32,
  stepSize: float, correction2: float, shrink: float, wd: float, beta1: float, w1: float, beta2: float, w2: float, eps: float,
  decoupled: bool, l2: bool, amsgrad: bool,
): void {
  const step = f64x2.splat(<f64>stepSize), c2 = f64x2.splat(<f64>correction2), shrinkBy = f64x2.splat(<f64>shrink), decayBy = f64x2.splat(<f64>wd);
  const b1 = f64x2.splat(<f64>beta1), k1 = f64x2.splat(<f64>w1), b2 = f64x2.splat(<f64>beta2), k2 = f64x2.splat(<f64>w2), epsilon = f64x2.splat(<f64>eps);
  for (let i = begin; i < stop; i += 2) {
    let p = loadWide(at(params, i));
    let g = loadWide(at(grads, i));
    if (decoupled) p = f32round(f64x2.mul(p, shrinkBy));
    if (l2) g = f32round(f64x2.add(g, f32round(f64x2.mul(decayBy, p))));
    const m = f32round(f64x2.add(f32round(f64x2.mul(loadWide(at(o.m, i)), b1)), f32round(f64x2.mul(k1, g))));
    const v = f32round(f64x2.add(f32round(f64x2.mul(loadWide(at(o.v, i)), b2)), f32round(f64x2.mul(f32round(f64x2.mul(k2, g)), g))));
    storeNarrow(at(o.m, i), m);
    storeNarrow(at(o.v, i), v);
    let second = v;
    if (amsgrad) {
      second = f64x2.max(loadWide(at(o.vMax, i)), v);
      storeNarrow(at(o.vMax, i), second);
    }
    const denom = f32round(f64x2.add(f32round(f64x2.div(f32round(f64x2.sqrt(second)), c2)), epsilon));
    storeNarrow(at(params, i), f64x2.add(p, f32round(f64x2.div(f32round(f64x2.mul(step, m)), denom))));
  }
}
