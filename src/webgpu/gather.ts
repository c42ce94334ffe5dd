/// <reference types="@webgpu/types" />
// A batch's rows gathered from the data set on the GPU by the epoch's sample order, so the data
// set is uploaded once per fit and only the order (one u32 per row) crosses per epoch.

import { ELEMENT_ENTRY, ELEMENT_WORKGROUP as WORKGROUP, elementWorkgroups, uniformWords, type GpuContext } from './context.js';

/** WGSL: out[i, c] = data[order[first + i], c] for i < rows, c < cols. */
export const GATHER_WGSL = `struct Dims { rows: u32, cols: u32, first: u32 }
@group(0) @binding(0) var<uniform> dims: Dims;
@group(0) @binding(1) var<storage, read> data: array<f32>;
@group(0) @binding(2) var<storage, read> order: array<u32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(${WORKGROUP})
fn main(${ELEMENT_ENTRY.parameters}) {
  let i = ${ELEMENT_ENTRY.index};
  if (i >= dims.rows * dims.cols) { return; }
  let row = i / dims.cols;
  out[i] = data[order[dims.first + row] * dims.cols + i % dims.cols];
}
`;

/** Records out[rows×cols] = the rows order[first…first+rows−1] of data. */
export function encodeGather(context: GpuContext, encoder: GPUCommandEncoder, data: GPUBuffer, order: GPUBuffer, out: GPUBuffer, first: number, rows: number, cols: number): void {
  const dims = context.uniform(uniformWords([{ u32: rows }, { u32: cols }, { u32: first }]));
  context.dispatch(encoder, GATHER_WGSL, [dims, data, order, out], elementWorkgroups(rows * cols));
}
