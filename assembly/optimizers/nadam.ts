// torch.optim.NAdam in the operation order of torch's single-tensor path (torch/optim/nadam.py,
// _single_tensor_nadam): weight decay (L2, or decoupled), the momentum schedule μ_t and μ_t+1,
// their running product, the moments, √(v / (1 − β₂ᵗ)) + ε, then two addcdiv updates of θ.

import { Optimizer } from '../blocks';
import { at } from '../address';

/** μ_t = β₁·(1 − ½·0.96^(t·ψ)), in f64 as torch computes it in Python. */
@inline function momentumAt(o: Optimizer, t: f64): f64 {
  return o.beta1 * (1 - 0.5 * Math.pow(0.96, t * o.momentumDecay));
}

/**
 * Π μ_1…μ_(t−1): the previous step left it in the slot of its parity; after the optimizer was
 * installed or restored the slot is empty and the product is taken again, in the same order.
 */
function productBefore(o: Optimizer, t: f64): f64 {
  const previous = t - 1;
  const even = (<i64>previous & 1) == 0;
  if ((even ? o.evenProductSteps : o.oddProductSteps) == t) return even ? o.evenProduct : o.oddProduct;
  let product: f64 = 1;
  for (let k: f64 = 1; k <= previous; k++) product *= momentumAt(o, k);
  return product;
}

/** One NAdam update over θ[begin, end) at the step count t (already advanced). */
export function nadamStep(o: Optimizer, params: usize, grads: usize, begin: i32, end: i32, learningRate: f64): void {
  const t = o.step;
  const mu = momentumAt(o, t);
  const muNext = momentumAt(o, t + 1);
  const product = productBefore(o, t) * mu;
  const productNext = product * muNext;
  // Exactly one range per step starts at θ[0]; it keeps the product for the next step in the
  // slot no thread reads during this one.
  if (begin == 0) {
    if ((<i64>t & 1) == 0) {
      o.evenProduct = product;
      o.evenProductSteps = t + 1;
    } else {
      o.oddProduct = product;
      o.oddProductSteps = t + 1;
    }
  }
  // Scalars in f64, as torch computes them in Python, then rounded once to the dtype.
  const gradStep = <float>((-learningRate * (1 - mu)) / (1 - product));
  const momentumStep = <float>((-learningRate * muNext) / (1 - productNext));
  const correction2 = <float>(1 - Math.pow(o.beta2, t));
  const shrink = <float>(1 - learningRate * o.weightDecay);
  const wd = <float>o.weightDecay;
  const decoupled = o.decoupledWeightDecay != 0;
  const beta1f = <float>o.beta1, w1 = <float>(1 - o.beta1), beta2f = <float>o.beta2, w2 = <float>(1 - o.beta2), eps = <float>o.epsilon;
  const mBuf = o.m, vBuf = o.v;
  for (let i = begin; i < end; i++) {
    let p = load<float>(at(params, i));
    let g = load<float>(at(grads, i));
    if (wd != 0) {
      if (decoupled) p = p * shrink;
      else g = g + wd * p;
    }
    const m = load<float>(at(mBuf, i)) * beta1f + w1 * g;
    const v = load<float>(at(vBuf, i)) * beta2f + w2 * g * g;
    store<float>(at(mBuf, i), m);
    store<float>(at(vBuf, i), v);
    const denom = sqrt<float>(v / correction2) + eps;
    p = p + gradStep * g / denom;
    store<float>(at(params, i), p + momentumStep * m / denom);
  }
}
