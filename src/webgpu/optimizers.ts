/// <reference types="@webgpu/types" />
// torch.optim.SGD and Adam/AdamW as WebGPU kernels, one thread per parameter, in the per-element
// operation order of src/js/optimizers.ts (the reference the wasm kernels also follow). The
// step-dependent constants are computed here in float64 once per step and passed rounded to f32.

import type { OptimizerConfig } from '../registry/optimizers.js';
import { uniformWords, type GpuContext } from './context.js';

const WORKGROUP = 64;

type Config<T> = Extract<OptimizerConfig, { type: T }>;

/** What of `config` has no WebGPU kernel yet (e.g. "optimizer 'rmsprop'"), or null when all of it has. */
export function unsupportedOnGpu(config: OptimizerConfig): string | null {
  if (config.type !== 'sgd' && config.type !== 'adam' && config.type !== 'adamw') return `optimizer '${config.type}'`;
  if (config.clipValue !== null) return 'optimizer.clipValue';
  if (config.clipNorm !== null) return 'optimizer.clipNorm';
  if (config.type !== 'sgd' && config.amsgrad) return 'optimizer.amsgrad';
  return null;
}

/** WGSL of torch.optim.SGD; on the first step the momentum buffer starts as the gradient itself. */
export const SGD_WGSL = `struct Params { len: u32, first: u32, nesterov: u32, unused: u32, lr: f32, momentum: f32, keep: f32, weightDecay: f32 }
@group(0) @binding(0) var<uniform> c: Params;
@group(0) @binding(1) var<storage, read_write> params: array<f32>;
@group(0) @binding(2) var<storage, read> grads: array<f32>;
@group(0) @binding(3) var<storage, read_write> buf: array<f32>;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= c.len) { return; }
  let p = params[i];
  var g = grads[i];
  if (c.weightDecay != 0.0) { g = g + c.weightDecay * p; }
  if (c.momentum != 0.0) {
    if (c.first == 1u) { buf[i] = g; } else { buf[i] = buf[i] * c.momentum + c.keep * g; }
    if (c.nesterov == 1u) { g = g + c.momentum * buf[i]; } else { g = buf[i]; }
  }
  params[i] = p + c.lr * g;
}
`;

/** WGSL of torch.optim.Adam, and AdamW's decoupled decay (θ shrinks before the update). */
export const ADAM_WGSL = `struct Params { len: u32, decoupled: u32, unused0: u32, unused1: u32,
  stepSize: f32, correction2: f32, shrink: f32, weightDecay: f32, beta1: f32, beta2: f32, w1: f32, w2: f32, epsilon: f32 }
@group(0) @binding(0) var<uniform> c: Params;
@group(0) @binding(1) var<storage, read_write> params: array<f32>;
@group(0) @binding(2) var<storage, read> grads: array<f32>;
@group(0) @binding(3) var<storage, read_write> m: array<f32>;
@group(0) @binding(4) var<storage, read_write> v: array<f32>;

@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= c.len) { return; }
  var p = params[i];
  var g = grads[i];
  if (c.decoupled == 1u) { p = p * c.shrink; } else if (c.weightDecay != 0.0) { g = g + c.weightDecay * p; }
  m[i] = m[i] * c.beta1 + c.w1 * g;
  v[i] = v[i] * c.beta2 + c.w2 * g * g;
  let denom = sqrt(v[i]) / c.correction2 + c.epsilon;
  params[i] = p + c.stepSize * m[i] / denom;
}
`;

/** The optimizer's state buffers on the GPU: SGD's momentum buffer, or Adam's m and v. */
export interface GpuOptimizerState {
  /** Updates taken so far (torch's state['step']). */
  step: number;
  buffers: GPUBuffer[];
}

/** Zeroed state for `config` over `length` parameters. */
export function createGpuOptimizerState(context: GpuContext, config: OptimizerConfig, length: number): GpuOptimizerState {
  const count = config.type === 'sgd' ? 1 : 2;
  return { step: 0, buffers: Array.from({ length: count }, () => context.storage(length)) };
}

/** Advances the step count and records θ ← update(θ, ∇θ) at rate η. */
export function encodeOptimizerStep(context: GpuContext, encoder: GPUCommandEncoder, config: Config<'sgd' | 'adam' | 'adamw'>, state: GpuOptimizerState, params: GPUBuffer, grads: GPUBuffer, length: number, learningRate: number): void {
  state.step++;
  const groups: [number] = [Math.ceil(length / WORKGROUP)];
  if (config.type === 'sgd') {
    const words = uniformWords([
      { u32: length }, { u32: state.step === 1 ? 1 : 0 }, { u32: config.nesterov ? 1 : 0 }, { u32: 0 },
      { f32: -learningRate }, { f32: config.momentum }, { f32: 1 - config.dampening }, { f32: config.weightDecay },
    ]);
    context.dispatch(encoder, SGD_WGSL, [context.uniform(words), params, grads, state.buffers[0]], groups);
    return;
  }
  const words = uniformWords([
    { u32: length }, { u32: config.type === 'adamw' ? 1 : 0 }, { u32: 0 }, { u32: 0 },
    { f32: -(learningRate / (1 - Math.pow(config.beta1, state.step))) },
    { f32: Math.sqrt(1 - Math.pow(config.beta2, state.step)) },
    { f32: 1 - learningRate * config.weightDecay },
    { f32: config.weightDecay }, { f32: config.beta1 }, { f32: config.beta2 },
    { f32: 1 - config.beta1 }, { f32: 1 - config.beta2 }, { f32: config.epsilon },
  ]);
  context.dispatch(encoder, ADAM_WGSL, [context.uniform(words), params, grads, state.buffers[0], state.buffers[1]], groups);
}
