/// <reference types="@webgpu/types" />
// ∇b = Σ_rows δ: one thread per column adds its rows in ascending order, so the reduction order
// is fixed (no atomics, no tree whose shape depends on the workgroup size) and every run gives
// the same bits.

import { uniformWords, type GpuContext } from './context.js';

const WORKGROUP = 64;

/** WGSL: out[col] = Σ_{row = 0…rows−1} x[row·cols + col], summed from row 0 up. */
export const COLUMN_SUM_WGSL = `struct Dims { rows: u32, cols: u32 }
@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let col = gid.x;
  if (col >= dims.cols) { return; }
  var sum = 0.0;
  for (var row = 0u; row < dims.rows; row++) { sum = sum + x[row * dims.cols + col]; }
  out[col] = sum;
}
`;

/** Records out[cols] = the column sums of x[rows×cols]. */
export function encodeColumnSum(context: GpuContext, encoder: GPUCommandEncoder, x: GPUBuffer, out: GPUBuffer, rows: number, cols: number): void {
  const dims = context.uniform(uniformWords([{ u32: rows }, { u32: cols }]));
  context.dispatch(encoder, COLUMN_SUM_WGSL, [dims, x, out], [Math.ceil(cols / WORKGROUP)]);
}
