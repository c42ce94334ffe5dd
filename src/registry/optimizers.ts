import type { FloatArray } from '../core/typed-arrays.js';
import { ValueError, describe } from '../core/errors.js';
import { checkBoolean, checkChoice, checkKeys, checkNumber, checkOptions } from '../core/validate.js';
import type { CODES } from '../kernels/kernel-interface.js';

/** The optimizers, by their torch.optim names. */
export type OptimizerType = OptimizerOptions['type'];

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

/** torch.optim.NAdam: Adam with Nesterov momentum, whose momentum coefficient μ_t grows towards β₁ as torch schedules it. */
export interface NadamOptions extends ClipOptions {
  type: 'nadam';
  /** Default 2e-3. */
  learningRate?: number;
  /** Default 0.9. */
  beta1?: number;
  /** Default 0.999. */
  beta2?: number;
  /** Default 1e-8. */
  epsilon?: number;
  /** L2 penalty added to the gradient, or with `decoupledWeightDecay` a decay of θ by η·weightDecay (as AdamW). Default 0. */
  weightDecay?: number;
  /** ψ of the momentum schedule μ_t = β₁·(1 − ½·0.96^(t·ψ)). Default 4e-3. */
  momentumDecay?: number;
  /** Decay θ itself instead of adding to the gradient (torch's decoupled_weight_decay, "NAdamW"). Default false. */
  decoupledWeightDecay?: boolean;
}

/** What `setOptimizer` takes: a type and any options; the rest take PyTorch's defaults. */
export type OptimizerOptions = SgdOptions | AdamOptions | RmspropOptions | AdagradOptions | NadamOptions;

type Resolved<T> = { readonly [K in keyof T]-?: Exclude<T[K], undefined> };
/** An optimizer with every option filled in, as `net.optimizer` reports it. Clipping that is off is null. */
export type OptimizerConfig = Resolved<SgdOptions> | Resolved<AdamOptions> | Resolved<RmspropOptions> | Resolved<AdagradOptions> | Resolved<NadamOptions>;

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
 * An update of θ at step t (already advanced) from ∇θ, with the state vectors by name: the
 * readable float64 specification the kernel must match.
 */
export type ReferenceUpdate = (config: OptimizerConfig, step: number, state: Record<StateName, FloatArray>, params: FloatArray, grads: FloatArray, learningRate: number) => void;

/**
 * Everything that defines an optimizer, once: its names, its options with PyTorch's defaults (in
 * the order a resolved configuration lists them) and checks, and the state vectors it keeps.
 * Validation, the engines (the state they allocate and how they describe it to their kernel),
 * the CLI and the playground derive from it. Adding an optimizer is one record here, one kernel
 * (assembly/optimizers/, its code in assembly/optimizers.ts, any new option a field of the
 * Optimizer block in assembly/blocks.ts); see docs/internals/extending.md.
 */
interface OptimizerSpec {
  /** torch.optim's class. */
  readonly torch: string;
  /** The name people write in text: reports, menus. */
  readonly label: string;
  readonly defaults: Readonly<Record<string, number | boolean>>;
  /** Options that must lie in [0, 1) rather than be ≥ 0. */
  readonly unitInterval?: readonly string[];
  /** Options the host consumes itself (the kernels never read them, so the Optimizer block has no field for them). */
  readonly hostOptions?: readonly string[];
  /** The state vectors a configuration keeps, in the order checkpoints list them. */
  state(config: Record<string, unknown>): StateName[];
  /** The value state vectors start from (default 0). */
  initial?(config: Record<string, unknown>): number;
  /** Rules between options, beyond each one's range. */
  check?(fn: string, name: string, config: Record<string, unknown>): void;
  /** The js backend's update, where the record carries it (the first five optimizers' are in src/js/optimizers.ts). */
  readonly reference?: ReferenceUpdate;
}

const ADAM: OptimizerSpec = {
  torch: 'torch.optim.Adam',
  label: 'Adam',
  defaults: { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, amsgrad: false },
  unitInterval: ['beta1', 'beta2'],
  state: (c) => (c.amsgrad ? ['m', 'v', 'vMax'] : ['m', 'v']),
};

const OPTIMIZERS: Readonly<Record<OptimizerType, OptimizerSpec>> = {
  sgd: {
    torch: 'torch.optim.SGD',
    label: 'SGD',
    defaults: { learningRate: DEFAULT_LEARNING_RATE, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
    state: (c) => (c.momentum !== 0 ? ['momentumBuffer'] : []),
    check(fn, name, c) {
      if (c.nesterov && ((c.momentum as number) <= 0 || c.dampening !== 0)) {
        throw new ValueError(`${fn}: ${name}.nesterov needs momentum > 0 and dampening 0, got momentum ${c.momentum} and dampening ${c.dampening}`);
      }
    },
  },
  adam: ADAM,
  adamw: { ...ADAM, torch: 'torch.optim.AdamW', label: 'AdamW', defaults: { ...ADAM.defaults, weightDecay: 0.01 } },
  rmsprop: {
    torch: 'torch.optim.RMSprop',
    label: 'RMSprop',
    defaults: { learningRate: 1e-2, alpha: 0.99, epsilon: 1e-8, momentum: 0, centered: false, weightDecay: 0 },
    state: (c) => ['squareAverage', ...((c.momentum as number) > 0 ? ['momentumBuffer' as const] : []), ...(c.centered ? ['gradAverage' as const] : [])],
  },
  adagrad: {
    torch: 'torch.optim.Adagrad',
    label: 'Adagrad',
    defaults: { learningRate: 1e-2, epsilon: 1e-10, weightDecay: 0, learningRateDecay: 0, initialAccumulatorValue: 0 },
    hostOptions: ['initialAccumulatorValue'],
    state: () => ['sum'],
    initial: (c) => c.initialAccumulatorValue as number,
  },
  nadam: {
    torch: 'torch.optim.NAdam',
    label: 'NAdam',
    defaults: { learningRate: 2e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, momentumDecay: 4e-3, decoupledWeightDecay: false },
    unitInterval: ['beta1', 'beta2'],
    state: () => ['m', 'v'],
    reference: (c, step, s, params, grads, lr) => nadamReference(c as Resolved<NadamOptions>, step, s.m, s.v, params, grads, lr),
  },
};

/** μ_t of NAdam's momentum schedule, as torch writes it. */
function nadamMomentum(c: Resolved<NadamOptions>, t: number): number {
  return c.beta1 * (1 - 0.5 * Math.pow(0.96, t * c.momentumDecay));
}

/** Π μ_1…μ_t of the last update of each state and the schedule it was taken with, so that a step multiplies once (a restored state takes it again from 1). */
const nadamProducts = new WeakMap<FloatArray, { step: number; product: number; beta1: number; momentumDecay: number }>();

/**
 * torch.optim.NAdam's update, line by line as torch/optim/nadam.py's _single_tensor_nadam writes
 * it: weight decay (L2 or decoupled), μ_t and μ_t+1, the running product of the μ, the moments,
 * the denominator √(v / (1 − β₂ᵗ)) + ε, and two addcdiv updates of θ (the gradient's and the
 * momentum's share).
 */
function nadamReference(c: Resolved<NadamOptions>, step: number, m: FloatArray, v: FloatArray, params: FloatArray, grads: FloatArray, lr: number): void {
  const kept = nadamProducts.get(m);
  let before = 1;
  if (kept?.step === step - 1 && kept.beta1 === c.beta1 && kept.momentumDecay === c.momentumDecay) before = kept.product;
  else for (let t = 1; t < step; t++) before *= nadamMomentum(c, t);
  const mu = nadamMomentum(c, step);
  const muNext = nadamMomentum(c, step + 1);
  const product = before * mu;
  const productNext = product * muNext;
  nadamProducts.set(m, { step, product, beta1: c.beta1, momentumDecay: c.momentumDecay });
  const correction2 = 1 - Math.pow(c.beta2, step);
  const gradStep = (-lr * (1 - mu)) / (1 - product);
  const momentumStep = (-lr * muNext) / (1 - productNext);
  const shrink = 1 - lr * c.weightDecay;
  const w1 = 1 - c.beta1;
  const w2 = 1 - c.beta2;
  for (let i = 0; i < params.length; i++) {
    let p = params[i];
    let g = grads[i];
    if (c.weightDecay !== 0) {
      if (c.decoupledWeightDecay) p = p * shrink;
      else g = g + c.weightDecay * p;
    }
    m[i] = m[i] * c.beta1 + w1 * g;
    v[i] = v[i] * c.beta2 + w2 * g * g;
    const denom = Math.sqrt(v[i] / correction2) + c.epsilon;
    p = p + gradStep * g / denom;
    params[i] = p + momentumStep * m[i] / denom;
  }
}

/** The optimizers' names, in the order of their records. */
export const OPTIMIZER_TYPES = Object.keys(OPTIMIZERS) as readonly OptimizerType[];

// Every optimizer type has a kernel code (assembly/optimizers.ts) and every code a type: otherwise this does not compile.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
true satisfies Same<OptimizerType, keyof typeof CODES.optimizer>;

/** An optimizer's names and defaults, as tools and menus list them. */
export interface OptimizerInfo {
  readonly type: OptimizerType;
  /** The name people write in text ("RMSprop"). */
  readonly label: string;
  /** PyTorch's class ("torch.optim.RMSprop"). */
  readonly torch: string;
  /** Each option's default (clipping, off by default, is common to all). */
  readonly defaults: Readonly<Record<string, number | boolean>>;
}

/**
 * Every optimizer `setOptimizer` accepts, with its names and defaults, in the registry's order.
 *
 * @throws Nothing: the list is fixed when the package loads.
 */
export function listOptimizers(): readonly OptimizerInfo[] {
  return OPTIMIZER_TYPES.map((type) => ({ type, label: OPTIMIZERS[type].label, torch: OPTIMIZERS[type].torch, defaults: { ...OPTIMIZERS[type].defaults } }));
}

/** The name people write for an optimizer type ("RMSprop"). */
export function optimizerLabel(type: OptimizerType): string {
  return OPTIMIZERS[type].label;
}

/** The option names of an optimizer type (besides type and clipping). */
export function optimizerOptionNames(type: OptimizerType): readonly string[] {
  return Object.keys(OPTIMIZERS[type].defaults);
}

/** Options of `config` the kernels never read: the host consumes them (e.g. the state's starting value). */
export function optimizerHostOptions(config: OptimizerConfig): readonly string[] {
  return OPTIMIZERS[config.type].hostOptions ?? [];
}

/** The js backend's update of a type, where its record carries it. */
export function optimizerReference(type: OptimizerType): ReferenceUpdate | undefined {
  return OPTIMIZERS[type].reference;
}


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
 * silently replaced by a default. A name alone ('adam', as Keras's `optimizer='adam'`) is that
 * optimizer with its defaults.
 */
export function resolveOptimizer(fn: string, value: unknown, name = 'optimizer'): OptimizerConfig {
  const o = checkOptions(fn, name, typeof value === 'string' ? { type: value } : value, false);
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

/** Same optimizer configuration: then its state carries on. */
export function sameConfig(a: OptimizerConfig, b: OptimizerConfig): boolean {
  const keys = Object.keys(a) as (keyof OptimizerConfig)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
