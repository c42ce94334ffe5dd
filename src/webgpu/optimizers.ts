/// <reference types="@webgpu/types" />
// torch.optim's SGD, Adam/AdamW (with AMSGrad), RMSprop and Adagrad as WebGPU kernels, one thread
// per parameter, in the per-element operation order of src/js/optimizers.ts (the reference the
// wasm kernels also follow), gradient clipping by value included. The step-dependent constants
// are computed here in float64 once per step and passed rounded to f32.

import { optimizerBufferNames, type OptimizerConfig, type StateName } from '../registry/optimizers.js';
import { ELEMENT_ENTRY, ELEMENT_WORKGROUP as WORKGROUP, elementWorkgroups, uniformWords, type GpuContext } from './context.js';

type Config<T> = Extract<OptimizerConfig, { type: T }>;

/** The optimizers with a WebGPU kernel. */
export type GpuOptimizerConfig = Config<'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad'>;

export { unsupportedOnGpu } from './contract.js';

/** The head every kernel's uniform starts with: length, whether to clip by value, and the bound. */
const HEAD = 'len: u32, clip: u32, clipValue: f32, first: u32';
/** ∇θ[i], clipped to ±clipValue as src/js/regularization.ts clipByValue does. */
const GRAD = 'var g = grads[i];\n  if (c.clip == 1u) { g = clamp(g, -c.clipValue, c.clipValue); }';

function kernel(fields: string, state: readonly string[], body: string): string {
  return `struct Params { ${HEAD}, ${fields} }
@group(0) @binding(0) var<uniform> c: Params;
@group(0) @binding(1) var<storage, read_write> params: array<f32>;
@group(0) @binding(2) var<storage, read> grads: array<f32>;
${state.map((name, k) => `@group(0) @binding(${3 + k}) var<storage, read_write> ${name}: array<f32>;`).join('\n')}

@compute @workgroup_size(${WORKGROUP})
fn main(${ELEMENT_ENTRY.parameters}) {
  let i = ${ELEMENT_ENTRY.index};
  if (i >= c.len) { return; }
  ${GRAD}
  ${body}
}
`;
}

/** torch.optim.SGD; on the first step the momentum buffer starts as the gradient itself. */
export const SGD_WGSL = kernel('nesterov: u32, lr: f32, momentum: f32, keep: f32, weightDecay: f32', ['buf'], `let p = params[i];
  if (c.weightDecay != 0.0) { g = g + c.weightDecay * p; }
  if (c.momentum != 0.0) {
    if (c.first == 1u) { buf[i] = g; } else { buf[i] = buf[i] * c.momentum + c.keep * g; }
    if (c.nesterov == 1u) { g = g + c.momentum * buf[i]; } else { g = buf[i]; }
  }
  params[i] = p + c.lr * g;`);

/** torch.optim.Adam, AdamW's decoupled decay (θ shrinks before the update), and AMSGrad's running max of v. */
export const ADAM_WGSL = kernel('decoupled: u32, amsgrad: u32, stepSize: f32, correction2: f32, shrink: f32, weightDecay: f32, beta1: f32, beta2: f32, w1: f32, w2: f32, epsilon: f32', ['m', 'v', 'vMax'], `var p = params[i];
  if (c.decoupled == 1u) { p = p * c.shrink; } else if (c.weightDecay != 0.0) { g = g + c.weightDecay * p; }
  m[i] = m[i] * c.beta1 + c.w1 * g;
  v[i] = v[i] * c.beta2 + c.w2 * g * g;
  var second = v[i];
  if (c.amsgrad == 1u) { second = max(vMax[i], v[i]); vMax[i] = second; }
  let denom = sqrt(second) / c.correction2 + c.epsilon;
  params[i] = p + c.stepSize * m[i] / denom;`);

/** torch.optim.RMSprop, plain or centered, with optional momentum. */
export const RMSPROP_WGSL = kernel('centered: u32, lr: f32, alpha: f32, w: f32, epsilon: f32, momentum: f32, weightDecay: f32', ['squares', 'velocity', 'means'], `let p = params[i];
  if (c.weightDecay != 0.0) { g = g + c.weightDecay * p; }
  squares[i] = squares[i] * c.alpha + c.w * g * g;
  var avg: f32;
  if (c.centered == 1u) {
    means[i] = means[i] * c.alpha + c.w * g;
    avg = sqrt(squares[i] + -1.0 * means[i] * means[i]);
  } else {
    avg = sqrt(squares[i]);
  }
  avg = avg + c.epsilon;
  if (c.momentum > 0.0) {
    velocity[i] = velocity[i] * c.momentum + g / avg;
    params[i] = p + c.lr * velocity[i];
  } else {
    params[i] = p + c.lr * g / avg;
  }`);

/** torch.optim.Adagrad with learning-rate decay. */
export const ADAGRAD_WGSL = kernel('clr: f32, epsilon: f32, weightDecay: f32', ['sums'], `let p = params[i];
  if (c.weightDecay != 0.0) { g = g + c.weightDecay * p; }
  sums[i] = sums[i] + g * g;
  params[i] = p + c.clr * g / (sqrt(sums[i]) + c.epsilon);`);

/** Each kernel's state bindings, by the library's state names (a missing one is bound to a 4-byte placeholder). */
const BINDINGS: Record<GpuOptimizerConfig['type'], readonly StateName[]> = {
  sgd: ['momentumBuffer'],
  adam: ['m', 'v', 'vMax'],
  adamw: ['m', 'v', 'vMax'],
  rmsprop: ['squareAverage', 'momentumBuffer', 'gradAverage'],
  adagrad: ['sum'],
};

/** The optimizer's state buffers on the GPU, one per `optimizerBufferNames(config)` entry. */
export interface GpuOptimizerState {
  /** Updates taken so far (torch's state['step']). */
  step: number;
  /** The state vectors in `optimizerBufferNames(config)` order (as checkpoints hold them). */
  buffers: GPUBuffer[];
  /** What the kernel binds where the configuration keeps no such vector: one per binding, as two writable bindings may not share a buffer. */
  placeholders: GPUBuffer[];
}

/**
 * State for `config` over `length` parameters: `initial` holds each vector's starting values
 * (in `optimizerBufferNames` order), else they start at zero.
 */
export function createGpuOptimizerState(context: GpuContext, config: OptimizerConfig, length: number, initial?: readonly Float32Array[], step = 0): GpuOptimizerState {
  const names = optimizerBufferNames(config);
  const missing = BINDINGS[config.type as GpuOptimizerConfig['type']]?.filter((name) => !names.includes(name)) ?? [];
  return { step, buffers: names.map((_, k) => context.storage(initial?.[k] ?? length)), placeholders: missing.map(() => context.storage(0)) };
}

/** The configuration's constants for step `t` at rate η, after the common head. */
function constants(config: GpuOptimizerConfig, t: number, learningRate: number): ({ u32: number } | { f32: number })[] {
  switch (config.type) {
    case 'sgd':
      return [{ u32: config.nesterov ? 1 : 0 }, { f32: -learningRate }, { f32: config.momentum }, { f32: 1 - config.dampening }, { f32: config.weightDecay }];
    case 'adam':
    case 'adamw':
      return [
        { u32: config.type === 'adamw' ? 1 : 0 }, { u32: config.amsgrad ? 1 : 0 },
        { f32: -(learningRate / (1 - Math.pow(config.beta1, t))) }, { f32: Math.sqrt(1 - Math.pow(config.beta2, t)) },
        { f32: 1 - learningRate * config.weightDecay }, { f32: config.weightDecay }, { f32: config.beta1 }, { f32: config.beta2 },
        { f32: 1 - config.beta1 }, { f32: 1 - config.beta2 }, { f32: config.epsilon },
      ];
    case 'rmsprop':
      return [{ u32: config.centered ? 1 : 0 }, { f32: -learningRate }, { f32: config.alpha }, { f32: 1 - config.alpha }, { f32: config.epsilon }, { f32: config.momentum }, { f32: config.weightDecay }];
    case 'adagrad':
      return [{ f32: -(learningRate / (1 + (t - 1) * config.learningRateDecay)) }, { f32: config.epsilon }, { f32: config.weightDecay }];
  }
}

const SOURCES: Record<GpuOptimizerConfig['type'], string> = { sgd: SGD_WGSL, adam: ADAM_WGSL, adamw: ADAM_WGSL, rmsprop: RMSPROP_WGSL, adagrad: ADAGRAD_WGSL };

/** Advances the step count and records θ ← update(θ, clip(∇θ)) at rate η. */
export function encodeOptimizerStep(context: GpuContext, encoder: GPUCommandEncoder, config: GpuOptimizerConfig, state: GpuOptimizerState, params: GPUBuffer, grads: GPUBuffer, length: number, learningRate: number): void {
  state.step++;
  const clip = config.clipValue;
  const words = uniformWords([{ u32: length }, { u32: clip === null ? 0 : 1 }, { f32: clip ?? 0 }, { u32: state.step === 1 ? 1 : 0 }, ...constants(config, state.step, learningRate)]);
  const names = optimizerBufferNames(config);
  let spare = 0;
  const bound = BINDINGS[config.type].map((name) => {
    const k = names.indexOf(name);
    return k < 0 ? state.placeholders[spare++] : state.buffers[k];
  });
  context.dispatch(encoder, SOURCES[config.type], [context.uniform(words), params, grads, ...bound], elementWorkgroups(length));
}
