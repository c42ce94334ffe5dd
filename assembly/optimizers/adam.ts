// torch.optim.Adam and AdamW (decoupled weight decay), with optional AMSGrad, in the
// operation order of torch's single-tensor path (m·β₁ + (1 − β₁)·g; torch 2 writes it as a
// lerp, equal to rounding).

import { at, buffer, beta1, beta2, epsilon, hasFlag, stepCount, weightDecay, AMSGRAD } from './state';

/** One Adam update over θ at the descriptor's step count t (already advanced). */
export function adamStep(opt: usize, params: usize, grads: usize, len: i32, learningRate: f64, decoupled: bool): void {
  const t = stepCount(opt);
  const b1 = beta1(opt), b2 = beta2(opt), decay = weightDecay(opt);
  // Scalars in f64, as torch computes them in Python, then rounded once to the dtype.
  const stepSize = <float>-(learningRate / (1 - Math.pow(b1, t)));
  const correction2 = <float>Math.sqrt(1 - Math.pow(b2, t));
  const shrink = <float>(1 - learningRate * decay);
  const wd = <float>decay;
  const beta1f = <float>b1, w1 = <float>(1 - b1), beta2f = <float>b2, w2 = <float>(1 - b2), eps = <float>epsilon(opt);
  const amsgrad = hasFlag(opt, AMSGRAD);
  const mBuf = buffer(opt, 0), vBuf = buffer(opt, 1), vMaxBuf = buffer(opt, 2);
  for (let i = 0; i < len; i++) {
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
