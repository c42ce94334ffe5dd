import type { FloatArray } from './options.js';
import { ValueError, describe } from './errors.js';
import { checkBoolean, checkChoice, checkKeys, checkNumber, checkOptions } from './validate.js';

/** The optimizers, by their torch.optim names. */
export type OptimizerType = 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad';

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

/** Names of the state vectors optimizers keep, each as long as θ (torch's state keys, camel-cased). */
export type StateName = 'momentumBuffer' | 'm' | 'v' | 'vMax' | 'squareAverage' | 'gradAverage' | 'sum';

/** Default learning rate of plain SGD (torch requires one; this is the common choice). */
const DEFAULT_LEARNING_RATE = 0.01;

/**
 * Everything that defines an optimizer, once: its options with PyTorch's defaults (in the order
 * a resolved configuration lists them) and the state vectors it keeps. The engines derive from
 * it the state they allocate and how they describe it to their kernel; adding an optimizer means
 * one entry here, one kernel (assembly/optimizers/) and one reference function (src/js/optimizers.ts).
 */
interface OptimizerSpec {
  readonly defaults: Readonly<Record<string, number | boolean>>;
  /** Options that must lie in [0, 1) rather than be ≥ 0. */
  readonly unitInterval?: readonly string[];
  /** The state vectors a configuration keeps, in the order checkpoints list them. */
  state(config: Record<string, unknown>): StateName[];
  /** The value state vectors start from (default 0). */
  initial?(config: Record<string, unknown>): number;
  /** Rules between options, beyond each one's range. */
  check?(fn: string, name: string, config: Record<string, unknown>): void;
}

const ADAM: OptimizerSpec = {
  defaults: { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, amsgrad: false },
  unitInterval: ['beta1', 'beta2'],
  state: (c) => (c.amsgrad ? ['m', 'v', 'vMax'] : ['m', 'v']),
};

const OPTIMIZERS: Readonly<Record<OptimizerType, OptimizerSpec>> = {
  sgd: {
    defaults: { learningRate: DEFAULT_LEARNING_RATE, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
    state: (c) => (c.momentum !== 0 ? ['momentumBuffer'] : []),
    check(fn, name, c) {
      if (c.nesterov && ((c.momentum as number) <= 0 || c.dampening !== 0)) {
        throw new ValueError(`${fn}: ${name}.nesterov needs momentum > 0 and dampening 0, got momentum ${c.momentum} and dampening ${c.dampening}`);
      }
    },
  },
  adam: ADAM,
  adamw: { ...ADAM, defaults: { ...ADAM.defaults, weightDecay: 0.01 } },
  rmsprop: {
    defaults: { learningRate: 1e-2, alpha: 0.99, epsilon: 1e-8, momentum: 0, centered: false, weightDecay: 0 },
    state: (c) => ['squareAverage', ...((c.momentum as number) > 0 ? ['momentumBuffer' as const] : []), ...(c.centered ? ['gradAverage' as const] : [])],
  },
  adagrad: {
    defaults: { learningRate: 1e-2, epsilon: 1e-10, weightDecay: 0, learningRateDecay: 0, initialAccumulatorValue: 0 },
    state: () => ['sum'],
    initial: (c) => c.initialAccumulatorValue as number,
  },
};

/** The optimizers' names, in the order of their kernel codes' table. */
const OPTIMIZER_TYPES = Object.keys(OPTIMIZERS) as readonly OptimizerType[];

/** The names of an optimizer's state vectors, in the order engines and checkpoints list them. */
export function optimizerBufferNames(config: OptimizerConfig): StateName[] {
  return OPTIMIZERS[config.type].state(config);
}

/**
 * State vectors that are sums or averages of squares (Adam's v and its running max, RMSprop's
 * square average, Adagrad's sum): never negative, and a negative one makes √v NaN at the next
 * step. A loaded state with one is damaged.
 */
const NON_NEGATIVE_STATE: readonly StateName[] = ['v', 'vMax', 'squareAverage', 'sum'];

/** Where a state vector of `name` holds a value it never can (a negative square sum): "v[3] is -0.5", or null. */
export function impossibleStateValue(name: StateName, values: ArrayLike<number>): string | null {
  if (!NON_NEGATIVE_STATE.includes(name)) return null;
  for (let j = 0; j < values.length; j++) if (values[j] < 0) return `${name}[${j}] is ${values[j]}, but it accumulates squared gradients and cannot be negative`;
  return null;
}

/** The value an optimizer's state vectors start from. */
export function initialStateValue(config: OptimizerConfig): number {
  return OPTIMIZERS[config.type].initial?.(config) ?? 0;
}

/** Every option name of every optimizer, to name a misspelt key when the type itself is missing. */
const ALL_OPTION_NAMES = [...new Set(['type', 'clipNorm', 'clipValue', ...Object.values(OPTIMIZERS).flatMap((spec) => Object.keys(spec.defaults))])];

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
  const spec = OPTIMIZERS[type];
  checkKeys(fn, name, o, ['type', 'clipNorm', 'clipValue', ...Object.keys(spec.defaults)], `'${type}'`);
  const config: Record<string, unknown> = { type };
  for (const [key, fallback] of Object.entries(spec.defaults)) {
    const v = o[key];
    if (v === undefined) config[key] = fallback;
    else if (typeof fallback === 'boolean') config[key] = checkBoolean(fn, `${name}.${key}`, v);
    else if (spec.unitInterval?.includes(key)) {
      if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ValueError(`${fn}: ${name}.${key} must be a number in [0, 1), got ${describe(v)}`);
      config[key] = v;
    } else config[key] = checkNumber(fn, `${name}.${key}`, v, { min: 0 });
  }
  const clip = (key: string) => (o[key] === undefined || o[key] === null ? null : checkNumber(fn, `${name}.${key}`, o[key], { min: 0, minExclusive: true }));
  config.clipNorm = clip('clipNorm');
  config.clipValue = clip('clipValue');
  spec.check?.(fn, name, config);
  return config as unknown as OptimizerConfig;
}

/** The plain SGD every network starts with: `step`'s default (the worked example's update). */
export const DEFAULT_OPTIMIZER: OptimizerConfig = resolveOptimizer('setOptimizer', { type: 'sgd' });

/** What fit trains with on a network that has no optimizer of its own yet (Keras's habit of Adam; η 0.01 so small data learns in a few hundred steps). */
export const FIT_DEFAULT_OPTIMIZER: OptimizerConfig = resolveOptimizer('fit', { type: 'adam', learningRate: 0.01 });

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
    const impossible = impossibleStateValue(names[i], b);
    if (impossible) throw new ValueError(`${fn}: state.buffers[${i}] (${names[i]}): ${impossible}`);
  });
  return config;
}
