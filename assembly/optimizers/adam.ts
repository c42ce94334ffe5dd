// torch.optim.Adam and AdamW (decoupled weight decay), with optional AMSGrad, in the
// operation order of torch's single-tensor path (m·β₁ + (1 − β₁)·g; torch 2 writes it as a
// lerp, equal to rounding).

import { Optimizer } from '../blocks';
import { at } from '../address';

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
  for (let i = begin; i < end; i++) {
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
