// The activations the WebGPU kernels support, as WGSL: each has its value act(z) and its slope
// act'(z) written from the output a = act(z), as src/js/math.ts's activationBackward does, so the
// backward pass needs only the stored activations. The activation is a uniform, not a constant
// compiled in: it is chosen once per output in an epilogue, never inside a loop, and one pipeline
// per kernel instead of one per activation keeps shader compilation (slow on software adapters) low.

/** The activations with a WebGPU kernel (softmax is a row-wise pass of its own: softmax.ts). */
export const GPU_ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh'] as const;

/** One of `GPU_ACTIVATIONS`. */
export type GpuActivation = (typeof GPU_ACTIVATIONS)[number];

/** The u32 that selects `kind` in the WGSL below. */
export function activationId(kind: GpuActivation): number {
  return GPU_ACTIVATIONS.indexOf(kind);
}

/**
 * WGSL `fn activate(kind: u32, z: f32) -> f32` and `fn slope(kind: u32, a: f32) -> f32`, in the
 * operation order of src/js/math.ts; sigmoid's two branches keep exp's argument ≤ 0.
 */
export const ACTIVATIONS_WGSL = `fn activate(kind: u32, z: f32) -> f32 {
  switch kind {
    case 1u: { return select(0.0, z, z > 0.0); }
    case 2u: {
      if (z >= 0.0) { return 1.0 / (1.0 + exp(-z)); }
      let e = exp(z);
      return e / (1.0 + e);
    }
    case 3u: { return tanh(z); }
    default: { return z; }
  }
}
fn slope(kind: u32, a: f32) -> f32 {
  switch kind {
    case 1u: { return select(0.0, 1.0, a > 0.0); }
    case 2u: { return a * (1.0 - a); }
    case 3u: { return 1.0 - a * a; }
    default: { return 1.0; }
  }
}
`;
