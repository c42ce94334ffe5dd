import type { FloatArray } from './options.js';
import { ValueError, describe } from './errors.js';
import { DEFAULT_LEARNING_RATE } from './fit.js';
import { checkBoolean, checkChoice, checkKeys, checkNumber, checkOptions } from './validate.js';

/** The optimizers, by their torch.optim names. */
export type OptimizerType = 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad';
/** Codes shared with the AssemblyScript kernels (assembly/optimizers.ts). */
export const OPTIMIZER_TYPES: readonly OptimizerType[] = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'];

/** Gradient clipping, applied to ∇θ before the optimizer sees it; either or both. */
export interface ClipOptions {
  /** Scale ∇θ so its global L2 norm is at most this (torch.nn.utils.clip_grad_norm_). Default: off. */
  clipNorm?: number | null;
  /** Clamp every gradient component to [−clipValue, clipValue] (clip_grad_value_). Default: off. */
  clipValue?: number | null;
}

/** torch.optim.SGD. */
export interface SgdOptions extends ClipOptions {
  type: 'sgd';
  /** Default 0.01 (torch requires one). */
  learningRate?: number;
  /** Default 0. */
  momentum?: number;
  /** Default 0. */
  dampening?: number;
  /** Nesterov momentum; needs momentum > 0 and dampening 0. Default false. */
  nesterov?: boolean;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay?: number;
}

/** torch.optim.Adam, or AdamW (decoupled weight decay). */
export interface AdamOptions extends ClipOptions {
  type: 'adam' | 'adamw';
  /** Default 1e-3. */
  learningRate?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  epsilon?: number;
  /** Adam: L2 penalty added to the gradient, default 0. AdamW: decoupled decay, default 0.01. */
  weightDecay?: number;
  /** Use the running maximum of v (Reddi et al.). Default false. */
  amsgrad?: boolean;
}

/** torch.optim.RMSprop. */
export interface RmspropOptions extends ClipOptions {
  type: 'rmsprop';
  /** Default 1e-2. */
  learningRate?: number;
  /** Smoothing constant of the squared-gradient average. Default 0.99. */
  alpha?: number;
  /** Default 1e-8. */
  epsilon?: number;
  /** Default 0. */
  momentum?: number;
  /** Normalise by the estimated variance instead of the raw second moment. Default false. */
  centered?: boolean;
  /** Default 0. */
  weightDecay?: number;
}

/** torch.optim.Adagrad. */
export interface AdagradOptions extends ClipOptions {
  type: 'adagrad';
  /** Default 1e-2. */
  learningRate?: number;
  /** Default 1e-10. */
  epsilon?: number;
  /** Default 0. */
  weightDecay?: number;
  /** η_t = η / (1 + (t − 1)·learningRateDecay). Default 0. */
  learningRateDecay?: number;
  /** Starting value of the sum of squared gradients. Default 0. */
  initialAccumulatorValue?: number;
}

/** What `setOptimizer` takes: a type and any options; the rest take PyTorch's defaults. */
export type OptimizerOptions = SgdOptions | AdamOptions | RmspropOptions | AdagradOptions;

type Resolved<T> = { readonly [K in keyof T]-?: Exclude<T[K], undefined> };
/** An optimizer with every option filled in, as `net.optimizer` reports it. Clipping that is off is null. */
export type OptimizerConfig = Resolved<SgdOptions> | Resolved<AdamOptions> | Resolved<RmspropOptions> | Resolved<AdagradOptions>;

/** Optimizer state, enough to continue training bit-identically. */
export interface OptimizerState {
  /** The resolved configuration. */
  config: OptimizerConfig;
  /** Updates taken since the optimizer was set or reset (torch's state['step']). */
  step: number;
  /** Copies of the state vectors, each parameterCount long, in `optimizerBufferNames(config)` order. */
  buffers: FloatArray[];
}

/** The names of an optimizer's state vectors, in the order engines store them. */
export function optimizerBufferNames(config: OptimizerConfig): string[] {
  switch (config.type) {
    case 'sgd': return config.momentum !== 0 ? ['momentumBuffer'] : [];
    case 'adam':
    case 'adamw': return config.amsgrad ? ['m', 'v', 'vMax'] : ['m', 'v'];
    case 'rmsprop': return ['squareAverage', ...(config.momentum > 0 ? ['momentumBuffer'] : []), ...(config.centered ? ['gradAverage'] : [])];
    case 'adagrad': return ['sum'];
  }
}

const OPTION_NAMES: Record<OptimizerType, readonly string[]> = {
  sgd: ['learningRate', 'momentum', 'dampening', 'nesterov', 'weightDecay'],
  adam: ['learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay', 'amsgrad'],
  adamw: ['learningRate', 'beta1', 'beta2', 'epsilon', 'weightDecay', 'amsgrad'],
  rmsprop: ['learningRate', 'alpha', 'epsilon', 'momentum', 'centered', 'weightDecay'],
  adagrad: ['learningRate', 'epsilon', 'weightDecay', 'learningRateDecay', 'initialAccumulatorValue'],
};

const ALL_OPTION_NAMES = [...new Set(['type', 'clipNorm', 'clipValue', ...Object.values(OPTION_NAMES).flat()])];

/**
 * Checks optimizer options as torch.optim does (same ranges, same Nesterov rule) and fills
 * in PyTorch's defaults. Unknown option names are errors: a misspelt `beta_1` must not be
 * silently replaced by a default.
 */
export function resolveOptimizer(fn: string, value: unknown, name = 'optimizer'): OptimizerConfig {
  const o = checkOptions(fn, name, value, false);
  // Without a valid type, a misspelt `type` key is the likelier mistake: name it.
  if (!OPTIMIZER_TYPES.includes(o.type as OptimizerType)) checkKeys(fn, name, o, ALL_OPTION_NAMES);
  const type = checkChoice(fn, `${name}.type`, o.type, OPTIMIZER_TYPES);
  checkKeys(fn, name, o, ['type', 'clipNorm', 'clipValue', ...OPTION_NAMES[type]], `'${type}'`);
  const num = (key: string, fallback: number, bounds: { min?: number; max?: number; minExclusive?: boolean } = { min: 0 }) =>
    o[key] === undefined ? fallback : checkNumber(fn, `${name}.${key}`, o[key], bounds);
  const bool = (key: string) => (o[key] === undefined ? false : checkBoolean(fn, `${name}.${key}`, o[key]));
  const beta = (key: string, fallback: number) => {
    const v = o[key] === undefined ? fallback : o[key];
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ValueError(`${fn}: ${name}.${key} must be a number in [0, 1), got ${describe(v)}`);
    return v;
  };
  const clip = (key: string) => (o[key] === undefined || o[key] === null ? null : checkNumber(fn, `${name}.${key}`, o[key], { min: 0, minExclusive: true }));
  const clipping = { clipNorm: clip('clipNorm'), clipValue: clip('clipValue') };
  switch (type) {
    case 'sgd': {
      const config = {
        type, learningRate: num('learningRate', DEFAULT_LEARNING_RATE), momentum: num('momentum', 0), dampening: num('dampening', 0),
        nesterov: bool('nesterov'), weightDecay: num('weightDecay', 0), ...clipping,
      };
      if (config.nesterov && (config.momentum <= 0 || config.dampening !== 0)) {
        throw new ValueError(`${fn}: ${name}.nesterov needs momentum > 0 and dampening 0, got momentum ${config.momentum} and dampening ${config.dampening}`);
      }
      return config;
    }
    case 'adam':
    case 'adamw':
      return {
        type, learningRate: num('learningRate', 1e-3), beta1: beta('beta1', 0.9), beta2: beta('beta2', 0.999),
        epsilon: num('epsilon', 1e-8), weightDecay: num('weightDecay', type === 'adamw' ? 0.01 : 0), amsgrad: bool('amsgrad'), ...clipping,
      };
    case 'rmsprop':
      return {
        type, learningRate: num('learningRate', 1e-2), alpha: num('alpha', 0.99), epsilon: num('epsilon', 1e-8),
        momentum: num('momentum', 0), centered: bool('centered'), weightDecay: num('weightDecay', 0), ...clipping,
      };
    case 'adagrad':
      return {
        type, learningRate: num('learningRate', 1e-2), epsilon: num('epsilon', 1e-10), weightDecay: num('weightDecay', 0),
        learningRateDecay: num('learningRateDecay', 0), initialAccumulatorValue: num('initialAccumulatorValue', 0), ...clipping,
      };
  }
}

/** The plain SGD every network starts with. */
export const DEFAULT_OPTIMIZER: OptimizerConfig = resolveOptimizer('setOptimizer', { type: 'sgd' });

const SLOTS: Record<string, Record<string, number>> = {
  sgd: { momentumBuffer: 0 },
  adam: { m: 0, v: 1, vMax: 2 },
  adamw: { m: 0, v: 1, vMax: 2 },
  rmsprop: { squareAverage: 0, momentumBuffer: 1, gradAverage: 2 },
  adagrad: { sum: 0 },
};

/** Each state vector's name and the slot (0–2) the kernels address it by; slots a config does not use stay empty. */
export function optimizerBuffers(config: OptimizerConfig): { name: string; slot: number; initial: number }[] {
  return optimizerBufferNames(config).map((name) => ({
    name,
    slot: SLOTS[config.type][name],
    initial: config.type === 'adagrad' ? config.initialAccumulatorValue : 0,
  }));
}

/** Checks that a state fits a network of `parameterCount` parameters before anything is overwritten. */
export function checkOptimizerState(fn: string, state: OptimizerState, parameterCount: number): OptimizerConfig {
  const o = checkOptions(fn, 'state', state, false) as Partial<OptimizerState>;
  const config = resolveOptimizer(fn, o.config, 'state.config');
  if (typeof o.step !== 'number' || !Number.isInteger(o.step) || o.step < 0) throw new ValueError(`${fn}: state.step must be an integer ≥ 0, got ${describe(o.step)}`);
  const names = optimizerBufferNames(config);
  if (!Array.isArray(o.buffers) || o.buffers.length !== names.length) {
    throw new ValueError(`${fn}: state.buffers must be ${names.length} arrays (${names.join(', ') || 'none'} for this '${config.type}'), got ${describe(o.buffers)}`);
  }
  o.buffers.forEach((b: ArrayLike<number>, i: number) => {
    if (!ArrayBuffer.isView(b) && !Array.isArray(b)) throw new ValueError(`${fn}: state.buffers[${i}] (${names[i]}) must be an array of numbers, got ${describe(b)}`);
    if (b.length !== parameterCount) throw new ValueError(`${fn}: state.buffers[${i}] (${names[i]}) has ${b.length} values, expected ${parameterCount} (the network's parameter count)`);
  });
  return config;
}
