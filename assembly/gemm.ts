// The three matrix products a dense layer needs. Row-major matrices in linear memory,
// addressed by byte pointers; `float` is f32 or f64, chosen at compile time (asconfig --use).
// Each loop walks memory contiguously in its innermost dimension.

/** out[M×N] = X[M×K] · W[N×K]ᵀ + bias[N] (a batch through nn.Linear's weight layout). */
export function denseForward(out: usize, x: usize, w: usize, bias: usize, m: i32, n: i32, k: i32): void {
  const rowBytes = <usize>k << alignof<float>();
  for (let i = 0; i < m; i++) {
    const xRow = x + <usize>i * rowBytes;
    const outRow = out + (<usize>(i * n) << alignof<float>());
    for (let j = 0; j < n; j++) {
      const wRow = w + <usize>j * rowBytes;
      let sum: float = 0;
      for (let p = 0; p < k; p++) {
        sum += load<float>(xRow + (<usize>p << alignof<float>())) * load<float>(wRow + (<usize>p << alignof<float>()));
      }
      store<float>(outRow + (<usize>j << alignof<float>()), sum + load<float>(bias + (<usize>j << alignof<float>())));
    }
  }
}

/** gradW[N×K] = δ[M×N]ᵀ · X[M×K] and gradB[N] = column sums of δ (δ already carries the 1/batch). */
export function weightGradient(gradW: usize, gradB: usize, delta: usize, x: usize, m: i32, n: i32, k: i32): void {
  weightGradientRows(gradW, gradB, delta, x, m, n, k, 0, n);
}

/**
 * Rows j0…j1−1 of gradW (and gradB[j0…j1−1]) only: a thread's share of the weight gradient.
 * Each element sums over the batch in the same order whatever the slice, so slices computed
 * by different threads equal the whole product bit for bit.
 */
export function weightGradientRows(gradW: usize, gradB: usize, delta: usize, x: usize, m: i32, n: i32, k: i32, j0: i32, j1: i32): void {
  const rowBytes = <usize>k << alignof<float>();
  memory.fill(gradW + <usize>j0 * rowBytes, 0, <usize>(j1 - j0) * rowBytes);
  memory.fill(gradB + (<usize>j0 << alignof<float>()), 0, <usize>(j1 - j0) << alignof<float>());
  for (let i = 0; i < m; i++) {
    const xRow = x + <usize>i * rowBytes;
    const deltaRow = delta + (<usize>(i * n) << alignof<float>());
    for (let j = j0; j < j1; j++) {
      const d = load<float>(deltaRow + (<usize>j << alignof<float>()));
      const gb = gradB + (<usize>j << alignof<float>());
      store<float>(gb, load<float>(gb) + d);
      const gRow = gradW + <usize>j * rowBytes;
      for (let p = 0; p < k; p++) {
        const g = gRow + (<usize>p << alignof<float>());
        store<float>(g, load<float>(g) + d * load<float>(xRow + (<usize>p << alignof<float>())));
      }
    }
  }
}

/** dX[M×K] = δ[M×N] · W[N×K]: the gradient flowing back to the layer's input. */
export function inputGradient(dx: usize, delta: usize, w: usize, m: i32, n: i32, k: i32): void {
  const rowBytes = <usize>k << alignof<float>();
  memory.fill(dx, 0, <usize>m * rowBytes);
  for (let i = 0; i < m; i++) {
    const dxRow = dx + <usize>i * rowBytes;
    const deltaRow = delta + (<usize>(i * n) << alignof<float>());
    for (let j = 0; j < n; j++) {
      const d = load<float>(deltaRow + (<usize>j << alignof<float>()));
      const wRow = w + <usize>j * rowBytes;
      for (let p = 0; p < k; p++) {
        const g = dxRow + (<usize>p << alignof<float>());
        store<float>(g, load<float>(g) + d * load<float>(wRow + (<usize>p << alignof<float>())));
      }
    }
  }
}
