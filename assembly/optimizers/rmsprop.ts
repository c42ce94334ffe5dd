// torch.optim.RMSprop, plain or centered, with optional momentum.

import { Optimizer } from '../blocks';
import { at } from '../address';

/** One RMSprop update over θ[begin, end). */
export function rmspropStep(o: Optimizer, params: usize, grads: usize, begin: i32, end: i32, learningRate: f64): void {
  const lr = <float>-learningRate;
  const a = <float>o.alpha, w = <float>(1 - o.alpha), eps = <float>o.epsilon;
  const wd = <float>o.weightDecay, mu = <float>o.momentum;
  const centered = o.centered != 0;
  const squares = o.squareAverage, velocity = o.momentumBuffer, means = o.gradAverage;
  for (let i = begin; i < end; i++) {
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
