/// <reference types="@webgpu/types" />
// Row-wise softmax, a = exp(z − max) / Σ exp(z − max), in src/js/math.ts's order: one thread per
// row, the max, the sum in ascending column order, then one reciprocal multiplied in.

import { uniformWords, type GpuContext } from './context.js';

const WORKGROUP = 64;

/** WGSL: a[row, ·] = softmax(z[row, ·]). */
export const SOFTMAX_WGSL = `struct Dims { rows: u32, cols: u32 }
@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> z: array<f32>;
@group(0) @binding(2) var<storage, read_write> a: array<f32>;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row = gid.x;
  if (row >= dims.rows) { return; }
  let o = row * dims.cols;
  var top = z[o];
  for (var j = 1u; j < dims.cols; j++) { top = max(top, z[o + j]); }
  var sum = 0.0;
  for (var j = 0u; j < dims.cols; j++) {
    let e = exp(z[o + j] - top);
    a[o + j] = e;
    sum = sum + e;
  }
  let inv = 1.0 / sum;
  for (var j = 0u; j < dims.cols; j++) { a[o + j] = a[o + j] * inv; }
}
`;

/** Records a[rows×cols] = softmax of each row of z (a may not be z). */
export function encodeSoftmax(context: GpuContext, encoder: GPUCommandEncoder, z: GPUBuffer, a: GPUBuffer, rows: number, cols: number): void {
  const dims = context.uniform(uniformWords([{ u32: rows }, { u32: cols }]));
  context.dispatch(encoder, SOFTMAX_WGSL, [dims, z, a], [Math.ceil(rows / WORKGROUP)]);
}
