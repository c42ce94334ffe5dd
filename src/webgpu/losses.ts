/// <reference types="@webgpu/types" />
// The output layer's δ = ∂L/∂z and each batch's mean loss, for every loss of the registry
// (src/losses.ts), in the operation order of src/js/math.ts's outputDelta and lossValue: the
// elementwise losses through the output activation's slope, softmax + cross-entropy and
// sigmoid + binary cross-entropy fused to (p − y) / n.

import { ACTIVATIONS_WGSL, activationId, type GpuActivation } from './activations.js';
import { ELEMENT_ENTRY, ELEMENT_WORKGROUP as WORKGROUP, elementWorkgroups, uniformWords, type GpuContext } from './context.js';

/** The losses with a WebGPU kernel (every loss of the registry; loss options are refused elsewhere). */
export const GPU_LOSSES = ['mse', 'cross-entropy', 'binary-cross-entropy', 'l1', 'huber', 'smooth-l1'] as const;

/** One of `GPU_LOSSES`: 'cross-entropy' expects softmax outputs, 'binary-cross-entropy' sigmoid ones, the others any GpuActivation. */
export type GpuLoss = (typeof GPU_LOSSES)[number];

/** Whether the loss is fused with its output activation (its δ skips that activation's slope). */
export function fusedLoss(loss: GpuLoss): boolean {
  return loss === 'cross-entropy' || loss === 'binary-cross-entropy';
}

/** WGSL ∂L/∂a of the elementwise losses, PyTorch's backward rules (d = a − y, p the loss's parameter). */
const GRADIENT: Record<GpuLoss, string> = {
  mse: 'params.scale * d',
  l1: 'select(select(0.0, -params.scale, d < 0.0), params.scale, d > 0.0)',
  huber: 'params.scale * clamp(d, -params.p, params.p)',
  'smooth-l1': 'select(select((params.scale * d) / params.p, -params.scale, d <= -params.p), params.scale, d >= params.p)',
  'cross-entropy': 'params.scale * d',
  'binary-cross-entropy': 'params.scale * d',
};

/** WGSL: delta[i] = ∂L/∂z[i] from the outputs a and targets y (the activation id and the loss's parameter are uniforms). */
export function outputDeltaWgsl(loss: GpuLoss): string {
  const gradient = fusedLoss(loss) ? GRADIENT[loss] : `${GRADIENT[loss]} * slope(params.activation, a[i])`;
  return `struct Params { len: u32, activation: u32, scale: f32, p: f32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> delta: array<f32>;
${ACTIVATIONS_WGSL}
@compute @workgroup_size(${WORKGROUP})
fn main(${ELEMENT_ENTRY.parameters}) {
  let i = ${ELEMENT_ENTRY.index};
  if (i >= params.len) { return; }
  let d = a[i] - y[i];
  delta[i] = ${gradient};
}
`;
}

/** The scale of δ: 2/n for MSE's mean over every element, 1/rows for cross-entropy's mean over samples, else 1/n. */
export function outputDeltaScale(loss: GpuLoss, rows: number, cols: number): number {
  if (loss === 'cross-entropy') return 1 / rows;
  return (loss === 'mse' ? 2 : 1) / (rows * cols);
}

/** Records delta[rows×cols] = ∂L/∂z from the outputs a and targets y (`activation` is the output activation; the fused losses ignore it). */
export function encodeOutputDelta(context: GpuContext, encoder: GPUCommandEncoder, loss: GpuLoss, activation: GpuActivation, buffers: { a: GPUBuffer; y: GPUBuffer; delta: GPUBuffer }, rows: number, cols: number, parameter = 0): void {
  const len = rows * cols;
  const params = context.uniform(uniformWords([{ u32: len }, { u32: activationId(activation) }, { f32: outputDeltaScale(loss, rows, cols) }, { f32: parameter }]));
  context.dispatch(encoder, outputDeltaWgsl(loss), [params, buffers.a, buffers.y, buffers.delta], elementWorkgroups(len));
}

/** WGSL of each loss's per-element (or, for cross-entropy, per-row) sum, as lossValue writes it. */
const LOSS_SUM: Record<GpuLoss, string> = {
  mse: 'for (var i = 0u; i < len; i++) { let d = a[i] - y[i]; sum = sum + d * d; }\n  sum = sum / f32(len);',
  l1: 'for (var i = 0u; i < len; i++) { sum = sum + abs(a[i] - y[i]); }\n  sum = sum / f32(len);',
  huber: `for (var i = 0u; i < len; i++) {
    let d = abs(a[i] - y[i]);
    sum = sum + select(p.p * (d - 0.5 * p.p), (0.5 * d) * d, d < p.p);
  }
  sum = sum / f32(len);`,
  'smooth-l1': `for (var i = 0u; i < len; i++) {
    let d = abs(a[i] - y[i]);
    sum = sum + select(d - 0.5 * p.p, ((0.5 * d) * d) / p.p, d < p.p);
  }
  sum = sum / f32(len);`,
  'binary-cross-entropy': 'for (var i = 0u; i < len; i++) { let v = z[i]; sum = sum + (max(v, 0.0) - v * y[i] + log(1.0 + exp(-abs(v)))); }\n  sum = sum / f32(len);',
  'cross-entropy': `for (var r = 0u; r < p.rows; r++) {
    let o = r * p.cols;
    var top = z[o];
    for (var j = 1u; j < p.cols; j++) { top = max(top, z[o + j]); }
    var total = 0.0;
    for (var j = 0u; j < p.cols; j++) { total = total + exp(z[o + j] - top); }
    let logSumExp = top + log(total);
    for (var j = 0u; j < p.cols; j++) { if (y[o + j] != 0.0) { sum = sum + y[o + j] * (logSumExp - z[o + j]); } }
  }
  sum = sum / f32(p.rows);`,
};

/**
 * WGSL: losses[index] = the batch's mean loss, summed by one thread in ascending order (a fixed
 * order, so it is the same every run; a batch's outputs are small beside its GEMMs). z is the
 * output layer's pre-activation (the fused losses read it), a its output.
 */
export function batchLossWgsl(loss: GpuLoss): string {
  return `struct Params { rows: u32, cols: u32, index: u32, p: f32 }
@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> z: array<f32>;
@group(0) @binding(2) var<storage, read> a: array<f32>;
@group(0) @binding(3) var<storage, read> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> losses: array<f32>;

@compute @workgroup_size(1)
fn main() {
  // Every binding used, so the pipeline's layout has them all whichever loss this is.
  _ = z[0];
  _ = a[0];
  let len = p.rows * p.cols;
  var sum = 0.0;
  ${LOSS_SUM[loss]}
  losses[p.index] = sum;
}
`;
}

/** Records losses[index] = the mean loss of the batch (z and a the output layer's, rows×cols). */
export function encodeBatchLoss(context: GpuContext, encoder: GPUCommandEncoder, loss: GpuLoss, buffers: { z: GPUBuffer; a: GPUBuffer; y: GPUBuffer; losses: GPUBuffer }, rows: number, cols: number, index: number, parameter = 0): void {
  const params = context.uniform(uniformWords([{ u32: rows }, { u32: cols }, { u32: index }, { f32: parameter }]));
  context.dispatch(encoder, batchLossWgsl(loss), [params, buffers.z, buffers.a, buffers.y, buffers.losses], [1]);
}
