// Parameter updates. θ and its gradient are each one contiguous vector (every layer's
// weights and biases back to back), so an update is a single pass that reads each
// gradient once.

/** Plain SGD, θ ← θ − η·∇θ (torch.optim.SGD with no momentum or weight decay). */
export function sgdUpdate(params: usize, grads: usize, len: i32, learningRate: f64): void {
  const lr = <float>learningRate;
  for (let i = 0; i < len; i++) {
    const p = params + (<usize>i << alignof<float>());
    store<float>(p, load<float>(p) - lr * load<float>(grads + (<usize>i << alignof<float>())));
  }
}
