/// <reference types="@webgpu/types" />
// The output layer's δ = ∂L/∂z for the losses with a WebGPU kernel, as src/js/math.ts's
// outputDelta: MSE (PyTorch's 'mean' over every element) through the output activation's slope,
// and softmax + cross-entropy fused to (p − y) / rows.

import { ACTIVATIONS_WGSL, activationId, type GpuActivation } from './activations.js';
import { uniformWords, type GpuContext } from './context.js';

/** The losses with a WebGPU kernel. */
export const GPU_LOSSES = ['mse', 'cross-entropy'] as const;

/** One of `GPU_LOSSES`: 'cross-entropy' expects softmax outputs, 'mse' any GpuActivation. */
export type GpuLoss = (typeof GPU_LOSSES)[number];

const WORKGROUP = 64;

/** WGSL: delta[i] = scale·(a[i] − y[i]), times act'(a[i]) for MSE (the activation id is a uniform). */
export function outputDeltaWgsl(loss: GpuLoss): string {
  const gradient = loss === 'mse' ? 'params.scale * (a[i] - y[i]) * slope(params.activation, a[i])' : 'params.scale * (a[i] - y[i])';
  return `struct Params { len: u32, activation: u32, scale: f32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> delta: array<f32>;
${loss === 'mse' ? ACTIVATIONS_WGSL : ''}
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= params.len) { return; }
  delta[i] = ${gradient};
}
`;
}

/** The scale of δ: 2/(rows·cols) for MSE's mean over every element, 1/rows for cross-entropy's mean over samples. */
export function outputDeltaScale(loss: GpuLoss, rows: number, cols: number): number {
  return loss === 'mse' ? 2 / (rows * cols) : 1 / rows;
}

/** Records delta[rows×cols] = ∂L/∂z from the outputs a and targets y (`activation` is MSE's output activation; cross-entropy ignores it). */
export function encodeOutputDelta(context: GpuContext, encoder: GPUCommandEncoder, loss: GpuLoss, activation: GpuActivation, buffers: { a: GPUBuffer; y: GPUBuffer; delta: GPUBuffer }, rows: number, cols: number): void {
  const len = rows * cols;
  const params = context.uniform(uniformWords([{ u32: len }, { u32: activationId(activation) }, { f32: outputDeltaScale(loss, rows, cols) }]));
  context.dispatch(encoder, outputDeltaWgsl(loss), [params, buffers.a, buffers.y, buffers.delta], [Math.ceil(len / WORKGROUP)]);
}
