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
