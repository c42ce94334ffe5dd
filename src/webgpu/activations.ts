// The activations the WebGPU kernels support, as WGSL: each has its value act(z) and its slope
// act'(z) written from the output a = act(z), as src/js/math.ts's activationBackward does, so the
// backward pass needs only the stored activations. The activation is a uniform, not a constant
// compiled in: it is chosen once per output in an epilogue, never inside a loop, and one pipeline
// per kernel instead of one per activation keeps shader compilation (slow on software adapters) low.

import { LEAKY_SLOPE } from '../registry/activations.js';
import { ELEMENT_ENTRY, ELEMENT_WORKGROUP } from './context.js';

/** The activations with a WebGPU kernel (softmax is a row-wise pass of its own: softmax.ts). */
export const GPU_ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'leaky-relu'] as const;

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
    case 4u: { return select(${LEAKY_SLOPE} * z, z, z > 0.0); }
    default: { return z; }
  }
}
fn slope(kind: u32, a: f32) -> f32 {
  switch kind {
    case 1u: { return select(0.0, 1.0, a > 0.0); }
    case 2u: { return a * (1.0 - a); }
    case 3u: { return 1.0 - a * a; }
    case 4u: { return select(${LEAKY_SLOPE}, 1.0, a > 0.0); }
    default: { return 1.0; }
  }
}
`;

/** WGSL: a[i] = act(z[i]) elementwise, for an output whose z the loss also reads (sigmoid with binary cross-entropy). */
export const ACTIVATE_WGSL = `struct Dims { len: u32, activation: u32 }
@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> z: array<f32>;
@group(0) @binding(2) var<storage, read_write> a: array<f32>;
${ACTIVATIONS_WGSL}
@compute @workgroup_size(${ELEMENT_WORKGROUP})
fn main(${ELEMENT_ENTRY.parameters}) {
  let i = ${ELEMENT_ENTRY.index};
  if (i >= dims.len) { return; }
  a[i] = activate(dims.activation, z[i]);
}
`;
