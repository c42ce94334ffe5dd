// torch.optim.Adagrad, with learning-rate decay.

import { at, buffer, epsilon, learningRateDecay, stepCount, weightDecay } from './state';

/** One Adagrad update over θ at the descriptor's step count t (already advanced). */
export function adagradStep(opt: usize, params: usize, grads: usize, len: i32, learningRate: f64): void {
  const clr = <float>-(learningRate / (1 + (stepCount(opt) - 1) * learningRateDecay(opt)));
  const wd = <float>weightDecay(opt), eps = <float>epsilon(opt);
  const sums = buffer(opt, 0);
  for (let i = 0; i < len; i++) {
    const p = load<float>(at(params, i));
    let g = load<float>(at(grads, i));
    if (wd != 0) g = g + wd * p;
    const sum = load<float>(at(sums, i)) + g * g;
    store<float>(at(sums, i), sum);
    store<float>(at(params, i), p + clr * g / (sqrt<float>(sum) + eps));
  }
}
