// Parameter updates. θ and its gradient are each one contiguous vector (every layer's weights
// and biases back to back), and every update is elementwise, so each kernel takes a range
// [begin, end) of θ: threads update disjoint ranges with the one-thread arithmetic. One file
// per optimizer under optimizers/; this one dispatches on the kind.

import { Optimizer } from './blocks';
import { sgdStep } from './optimizers/sgd';
import { adamStep } from './optimizers/adam';
import { rmspropStep } from './optimizers/rmsprop';
import { adagradStep } from './optimizers/adagrad';
import { nadamStep } from './optimizers/nadam';

// Each optimizer's code.
// @generate codes optimizer
export const SGD = 0;
export const ADAM = 1;
export const ADAMW = 2;
export const RMSPROP = 3;
export const ADAGRAD = 4;
export const NADAM = 5;

/** The optimizer's update of θ[begin, end) from the (clipped) ∇θ, at the step count already advanced. */
export function optimizerStep(o: Optimizer, params: usize, grads: usize, begin: i32, end: i32, learningRate: f64): void {
  switch (o.kind) {
    case SGD: sgdStep(o, params, grads, begin, end, learningRate); break;
    case ADAM: adamStep(o, params, grads, begin, end, learningRate, false); break;
    case ADAMW: adamStep(o, params, grads, begin, end, learningRate, true); break;
    case RMSPROP: rmspropStep(o, params, grads, begin, end, learningRate); break;
    case ADAGRAD: adagradStep(o, params, grads, begin, end, learningRate); break;
    case NADAM: nadamStep(o, params, grads, begin, end, learningRate); break;
  }
}
