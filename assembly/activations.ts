// Activations, forward and backward side by side. Each is its own loop so that the choice
// of activation is made once per layer, never per element. Backward rules are written in
// terms of the activation's output a = act(z), which is what backpropagation keeps.

export const LINEAR = 0;
export const RELU = 1;
export const LEAKY_RELU = 2;
export const SIGMOID = 3;
export const TANH = 4;
export const SOFTMAX = 5;

/** PyTorch's nn.LeakyReLU default negative slope. */
export const LEAKY_SLOPE: float = 0.01;

@inline function at(base: usize, i: i32): usize {
  return base + (<usize>i << alignof<float>());
}

/** a[i] = act(z[i]) over a batch of `rows` rows of `cols` values. */
export function activate(kind: i32, a: usize, z: usize, rows: i32, cols: i32): void {
  const len = rows * cols;
  if (kind == LINEAR) {
    if (a != z) memory.copy(a, z, <usize>len << alignof<float>());
  } else if (kind == RELU) {
    for (let i = 0; i < len; i++) {
      const v = load<float>(at(z, i));
      store<float>(at(a, i), v > 0 ? v : 0);
    }
  } else if (kind == LEAKY_RELU) {
    for (let i = 0; i < len; i++) {
      const v = load<float>(at(z, i));
      store<float>(at(a, i), v > 0 ? v : v * LEAKY_SLOPE);
    }
  } else if (kind == SIGMOID) {
    for (let i = 0; i < len; i++) store<float>(at(a, i), sigmoid(load<float>(at(z, i))));
  } else if (kind == TANH) {
    for (let i = 0; i < len; i++) store<float>(at(a, i), <float>fmath.tanh(load<float>(at(z, i))));
  } else if (kind == SOFTMAX) {
    for (let r = 0; r < rows; r++) softmaxRow(at(a, r * cols), at(z, r * cols), cols);
  }
}

/** Logistic function, evaluated so that exp never overflows. */
@inline export function sigmoid(v: float): float {
  if (v >= 0) return 1 / (1 + <float>fmath.exp(-v));
  const e = <float>fmath.exp(v);
  return e / (1 + e);
}

/** Softmax of one row; subtracting the row maximum keeps exp finite. */
function softmaxRow(a: usize, z: usize, cols: i32): void {
  let max = load<float>(z);
  for (let j = 1; j < cols; j++) max = <float>fmath.max(max, load<float>(at(z, j)));
  let sum: float = 0;
  for (let j = 0; j < cols; j++) {
    const e = <float>fmath.exp(load<float>(at(z, j)) - max);
    store<float>(at(a, j), e);
    sum += e;
  }
  const inv: float = 1 / sum;
  for (let j = 0; j < cols; j++) store<float>(at(a, j), load<float>(at(a, j)) * inv);
}

/** delta ← ∂L/∂z from delta = ∂L/∂a, using a = act(z). In place. */
export function activationBackward(kind: i32, delta: usize, a: usize, rows: i32, cols: i32): void {
  const len = rows * cols;
  if (kind == RELU) {
    // The worked example's convention (and PyTorch's): g'(z) = 0 at z ≤ 0.
    for (let i = 0; i < len; i++) {
      if (!(load<float>(at(a, i)) > 0)) store<float>(at(delta, i), 0);
    }
  } else if (kind == LEAKY_RELU) {
    for (let i = 0; i < len; i++) {
      if (!(load<float>(at(a, i)) > 0)) store<float>(at(delta, i), load<float>(at(delta, i)) * LEAKY_SLOPE);
    }
  } else if (kind == SIGMOID) {
    for (let i = 0; i < len; i++) {
      const v = load<float>(at(a, i));
      store<float>(at(delta, i), load<float>(at(delta, i)) * v * (1 - v));
    }
  } else if (kind == TANH) {
    for (let i = 0; i < len; i++) {
      const v = load<float>(at(a, i));
      store<float>(at(delta, i), load<float>(at(delta, i)) * (1 - v * v));
    }
  } else if (kind == SOFTMAX) {
    // Jacobian-vector product of softmax: δz = a ⊙ (δa − Σ δa·a), row by row.
    for (let r = 0; r < rows; r++) {
      const dRow = at(delta, r * cols);
      const aRow = at(a, r * cols);
      let dot: float = 0;
      for (let j = 0; j < cols; j++) dot += load<float>(at(dRow, j)) * load<float>(at(aRow, j));
      for (let j = 0; j < cols; j++) {
        store<float>(at(dRow, j), load<float>(at(aRow, j)) * (load<float>(at(dRow, j)) - dot));
      }
    }
  }
  // LINEAR: derivative 1, nothing to do.
}
