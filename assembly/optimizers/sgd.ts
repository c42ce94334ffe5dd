// torch.optim.SGD: L2 weight decay, momentum with dampening, Nesterov.

import { at, buffer, dampening, hasFlag, momentum, stepCount, weightDecay, NESTEROV } from './state';

/** One SGD update over θ; on the first step the momentum buffer starts as the gradient itself, as in torch. */
export function sgdStep(opt: usize, params: usize, grads: usize, len: i32, learningRate: f64): void {
  const lr = <float>-learningRate;
  const wd = <float>weightDecay(opt);
  const mu = <float>momentum(opt);
  const keep = <float>(1 - dampening(opt));
  const nesterov = hasFlag(opt, NESTEROV);
  const first = stepCount(opt) == 1;
  if (ASC_FEATURE_SIMD && wd == 0 && mu == 0) {
    plainStep(params, grads, len, lr);
    return;
  }
  const buf = buffer(opt, 0);
  for (let i = 0; i < len; i++) {
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
function plainStep(params: usize, grads: usize, len: i32, lr: float): void {
  const lanes = 16 / sizeof<float>();
  const rate = v128.splat<float>(lr);
  let i = 0;
  for (; i + lanes <= len; i += lanes) {
    const p = at(params, i);
    v128.store(p, v128.add<float>(v128.load(p), v128.mul<float>(rate, v128.load(at(grads, i)))));
  }
  for (; i < len; i++) store<float>(at(params, i), load<float>(at(params, i)) + lr * load<float>(at(grads, i)));
}
