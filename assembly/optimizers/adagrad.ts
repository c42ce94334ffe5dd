// torch.optim.Adagrad, with learning-rate decay.

import { Optimizer } from '../blocks';
import { at } from '../address';

/** One Adagrad update over θ[begin, end) at the step count t (already advanced). */
export function adagradStep(o: Optimizer, params: usize, grads: usize, begin: i32, end: i32, learningRate: f64): void {
  const clr = <float>-(learningRate / (1 + (o.step - 1) * o.learningRateDecay));
  const wd = <float>o.weightDecay, eps = <float>o.epsilon;
  const sums = o.sum;
  for (let i = begin; i < end; i++) {
    const p = load<float>(at(params, i));
    let g = load<float>(at(grads, i));
    if (wd != 0) g = g + wd * p;
    const sum = load<float>(at(sums, i)) + g * g;
    store<float>(at(sums, i), sum);
    store<float>(at(params, i), p + clr * g / (sqrt<float>(sum) + eps));
  }
}
