// Parameter updates. θ and its gradient are each one contiguous vector (every layer's
// weights and biases back to back), so an update is a single pass that reads each
// gradient once. One file per optimizer under optimizers/; this one dispatches.

import { clipByNorm, clipByValue } from './clipping';
import { ADAGRAD, ADAM, ADAMW, RMSPROP, SGD, clipNorm, clipValue, optimizerType, setStepCount, stepCount } from './optimizers/state';
import { sgdStep } from './optimizers/sgd';
import { adamStep } from './optimizers/adam';
import { rmspropStep } from './optimizers/rmsprop';
import { adagradStep } from './optimizers/adagrad';

/** Plain SGD, θ ← θ − η·∇θ (torch.optim.SGD with no momentum or weight decay). */
export function sgdUpdate(params: usize, grads: usize, len: i32, learningRate: f64): void {
  const lr = <float>learningRate;
  for (let i = 0; i < len; i++) {
    const p = params + (<usize>i << alignof<float>());
    store<float>(p, load<float>(p) - lr * load<float>(grads + (<usize>i << alignof<float>())));
  }
}

/** Clips ∇θ as configured (by value, then by global norm), advances the step count, and updates θ at rate η. */
export function optimizerUpdate(opt: usize, params: usize, grads: usize, len: i32, learningRate: f64): void {
  if (clipValue(opt) > 0) clipByValue(grads, len, clipValue(opt));
  if (clipNorm(opt) > 0) clipByNorm(grads, len, clipNorm(opt));
  setStepCount(opt, stepCount(opt) + 1);
  optimizerStep(opt, params, grads, len, learningRate);
}

/** The optimizer's update of θ from the (clipped) ∇θ, at the step count already advanced. */
export function optimizerStep(opt: usize, params: usize, grads: usize, len: i32, learningRate: f64): void {
  switch (optimizerType(opt)) {
    case SGD: sgdStep(opt, params, grads, len, learningRate); break;
    case ADAM: adamStep(opt, params, grads, len, learningRate, false); break;
    case ADAMW: adamStep(opt, params, grads, len, learningRate, true); break;
    case RMSPROP: rmspropStep(opt, params, grads, len, learningRate); break;
    case ADAGRAD: adagradStep(opt, params, grads, len, learningRate); break;
  }
}
