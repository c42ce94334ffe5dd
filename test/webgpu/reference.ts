// Sequential float32 references for the WebGPU kernels: every operation rounded with
// Math.fround, sums in ascending index order from 0, as each kernel is specified to compute them.

const f = Math.fround;

/** C[m×n] = op(A)·op(B): A is [m×k] (or [k×m] transposed), B [k×n] (or [n×k] transposed). */
export function gemmReference(a: Float32Array, b: Float32Array, m: number, n: number, k: number, transposeA: boolean, transposeB: boolean): Float32Array {
  const c = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) {
        const x = transposeA ? a[p * m + i] : a[i * k + p];
        const y = transposeB ? b[j * k + p] : b[p * n + j];
        sum = f(sum + f(x * y));
      }
      c[i * n + j] = sum;
    }
  }
  return c;
}

/** The activations' value and slope-from-output in float32, as src/webgpu/activations.ts writes them. */
export const ACTIVATION_REFERENCE = {
  linear: { value: (z: number) => z, slope: () => 1 },
  relu: { value: (z: number) => (z > 0 ? z : 0), slope: (a: number) => (a > 0 ? 1 : 0) },
  sigmoid: {
    value: (z: number) => (z >= 0 ? f(1 / f(1 + f(Math.exp(-z)))) : f(f(Math.exp(z)) / f(1 + f(Math.exp(z))))),
    slope: (a: number) => f(a * f(1 - a)),
  },
  tanh: { value: (z: number) => f(Math.tanh(z)), slope: (a: number) => f(1 - f(a * a)) },
  'leaky-relu': { value: (z: number) => (z > 0 ? z : f(0.01 * z)), slope: (a: number) => (a > 0 ? 1 : f(0.01)) },
} as const;

/** out[col] = Σ_row x[row·cols + col], ascending rows. */
export function columnSumReference(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(cols);
  for (let j = 0; j < cols; j++) {
    let sum = 0;
    for (let i = 0; i < rows; i++) sum = f(sum + x[i * cols + j]);
    out[j] = sum;
  }
  return out;
}
