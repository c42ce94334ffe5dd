// torch.optim.SGD: L2 weight decay, momentum with dampening, Nesterov.

import { Optimizer } from '../blocks';
import { at } from '../address';

/** One SGD update over θ[begin, end); on the first step the momentum buffer starts as the gradient itself, as in torch. */
export function sgdStep(o: Optimizer, params: usize, grads: usize, begin: i32, end: i32, learningRate: f64): void {
  const lr = <float>-learningRate;
  const wd = <float>o.weightDecay;
  const mu = <float>o.momentum;
  const keep = <float>(1 - o.dampening);
  const nesterov = o.nesterov != 0;
  const first = o.step == 1;
  if (ASC_FEATURE_SIMD && wd == 0 && mu == 0) {
    plainStep(params, grads, begin, end, lr);
    return;
  }
  const buf = o.momentumBuffer;
  for (let i = begin; i < end; i++) {
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

/** θ ← θ + (−η)·∇θ a vector at a time: the same operations per element as the loop above, so the same bits. */
function plainStep(params: usize, grads: usize, begin: i32, end: i32, lr: float): void {
  const lanes = 16 / sizeof<float>();
  const rate = v128.splat<float>(lr);
  let i = begin;
  for (; i + lanes <= end; i += lanes) {
    const p = at(params, i);
    v128.store(p, v128.add<float>(v128.load(p), v128.mul<float>(rate, v128.load(at(grads, i)))));
  }
  for (; i < end; i++) store<float>(at(params, i), load<float>(at(params, i)) + lr * load<float>(at(grads, i)));
}
