// torch.optim.RMSprop, plain or centered, with optional momentum.

import { alpha, at, buffer, epsilon, hasFlag, momentum, weightDecay, CENTERED } from './state';

/** One RMSprop update over θ. */
export function rmspropStep(opt: usize, params: usize, grads: usize, len: i32, learningRate: f64): void {
  const lr = <float>-learningRate;
  const a = <float>alpha(opt), w = <float>(1 - alpha(opt)), eps = <float>epsilon(opt);
  const wd = <float>weightDecay(opt), mu = <float>momentum(opt);
  const centered = hasFlag(opt, CENTERED);
  const squares = buffer(opt, 0), velocity = buffer(opt, 1), means = buffer(opt, 2);
  for (let i = 0; i < len; i++) {
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
