// The optimizers of torch.optim in plain TypeScript: the readable specification of
// assembly/optimizers/*.ts. Each update is one pass over the flat θ and ∇θ; the operation
// order follows torch's single-tensor implementations (add with alpha is a + α·b, addcmul
// is a + (v·b)·c, addcdiv is a + (v·b)/c) so float64 results agree to rounding. Moving
// averages are m·β + (1 − β)·g as in torch 1.13; torch 2 writes them as lerp, equal to rounding.

import type { FloatArray } from '../model/options.js';
import { optimizerReference, type OptimizerConfig, type StateName } from '../registry/optimizers.js';
import { clipByNorm, clipByValue } from './regularization.js';

/** An optimizer's mutable state: the step count and its vectors, by name. */
export interface OptimizerSlots {
  step: number;
  buffers: Partial<Record<StateName, FloatArray>>;
}

/** Clips ∇θ as configured (by value, then by global norm), advances the step count, and updates θ at rate η. */
export function optimizerUpdate(config: OptimizerConfig, state: OptimizerSlots, params: FloatArray, grads: FloatArray, learningRate: number): void {
  if (config.clipValue !== null) clipByValue(grads, config.clipValue);
  if (config.clipNorm !== null) clipByNorm(grads, config.clipNorm);
  state.step++;
  const update = optimizerReference(config.type) ?? (REFERENCE[config.type as keyof typeof REFERENCE] as Update<OptimizerConfig>);
  update(config, state.step, state.buffers as Record<StateName, FloatArray>, params, grads, learningRate);
}

type Update<C> = (c: C, step: number, s: Record<StateName, FloatArray>, params: FloatArray, grads: FloatArray, learningRate: number) => void;

/** The first optimizers' updates, by type: the reference their kernels (assembly/optimizers/) must match. Later ones carry theirs in their record (src/registry/optimizers.ts). */
const REFERENCE: { [T in 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad']: Update<Config<T>> } = {
  sgd: (c, step, s, params, grads, lr) => sgdStep(c, step, s.momentumBuffer, params, grads, lr),
  adam: (c, step, s, params, grads, lr) => adamStep(c, step, s.m, s.v, s.vMax, params, grads, lr),
  adamw: (c, step, s, params, grads, lr) => adamStep(c, step, s.m, s.v, s.vMax, params, grads, lr),
  rmsprop: (c, _step, s, params, grads, lr) => rmspropStep(c, s.squareAverage, s.momentumBuffer, s.gradAverage, params, grads, lr),
  adagrad: (c, step, s, params, grads, lr) => adagradStep(c, step, s.sum, params, grads, lr),
};

type Config<T> = Extract<OptimizerConfig, { type: T }>;

/** torch.optim.SGD; on the first step the momentum buffer starts as the gradient itself. */
function sgdStep(c: Config<'sgd'>, step: number, buf: FloatArray, params: FloatArray, grads: FloatArray, learningRate: number): void {
  const lr = -learningRate;
  const keep = 1 - c.dampening;
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    let g = grads[i];
    if (c.weightDecay !== 0) g = g + c.weightDecay * p;
    if (c.momentum !== 0) {
      buf[i] = step === 1 ? g : buf[i] * c.momentum + keep * g;
      g = c.nesterov ? g + c.momentum * buf[i] : buf[i];
    }
    params[i] = p + lr * g;
  }
}

/** torch.optim.Adam / AdamW (decoupled decay shrinks θ first), optionally AMSGrad. */
function adamStep(c: Config<'adam' | 'adamw'>, step: number, m: FloatArray, v: FloatArray, vMax: FloatArray, params: FloatArray, grads: FloatArray, learningRate: number): void {
  const stepSize = -(learningRate / (1 - Math.pow(c.beta1, step)));
  const correction2 = Math.sqrt(1 - Math.pow(c.beta2, step));
  const shrink = 1 - learningRate * c.weightDecay;
  const w1 = 1 - c.beta1;
  const w2 = 1 - c.beta2;
  for (let i = 0; i < params.length; i++) {
    let p = params[i];
    let g = grads[i];
    if (c.type === 'adamw') p = p * shrink;
    else if (c.weightDecay !== 0) g = g + c.weightDecay * p;
    m[i] = m[i] * c.beta1 + w1 * g;
    v[i] = v[i] * c.beta2 + w2 * g * g;
    let second = v[i];
    if (c.amsgrad) second = vMax[i] = Math.max(vMax[i], v[i]);
    const denom = Math.sqrt(second) / correction2 + c.epsilon;
    params[i] = p + stepSize * m[i] / denom;
  }
}

/** torch.optim.RMSprop, plain or centered, with optional momentum. */
function rmspropStep(c: Config<'rmsprop'>, squares: FloatArray, velocity: FloatArray, means: FloatArray, params: FloatArray, grads: FloatArray, learningRate: number): void {
  const lr = -learningRate;
  const w = 1 - c.alpha;
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    let g = grads[i];
    if (c.weightDecay !== 0) g = g + c.weightDecay * p;
    squares[i] = squares[i] * c.alpha + w * g * g;
    let avg: number;
    if (c.centered) {
      means[i] = means[i] * c.alpha + w * g;
      avg = Math.sqrt(squares[i] + -1 * means[i] * means[i]);
    } else {
      avg = Math.sqrt(squares[i]);
    }
    avg = avg + c.epsilon;
    if (c.momentum > 0) {
      velocity[i] = velocity[i] * c.momentum + g / avg;
      params[i] = p + lr * velocity[i];
    } else {
      params[i] = p + lr * g / avg;
    }
  }
}

/** torch.optim.Adagrad with learning-rate decay. */
function adagradStep(c: Config<'adagrad'>, step: number, sums: FloatArray, params: FloatArray, grads: FloatArray, learningRate: number): void {
  const clr = -(learningRate / (1 + (step - 1) * c.learningRateDecay));
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    let g = grads[i];
    if (c.weightDecay !== 0) g = g + c.weightDecay * p;
    sums[i] = sums[i] + g * g;
    params[i] = p + clr * g / (Math.sqrt(sums[i]) + c.epsilon);
  }
}
