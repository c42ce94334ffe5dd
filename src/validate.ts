import { ValueError, ShapeError, describe } from './errors.js';
import type { Architecture, Backend, CreateOptions, Init, Loss, LossOptions, Normalization } from './options.js';
import { ACTIVATIONS, BACKENDS, DTYPES, INITS, LOSSES, NORMALIZATIONS } from './options.js';
import { lossRecord } from './losses.js';
import { parameterLayout } from './layout.js';
import { checkNetworkFits } from './limits.js';
import { didYouMean } from './suggest.js';
import { checkPreprocessing } from './preprocessing/architecture.js';
import { checkMisplacedCreateOptions } from './misplaced-options.js';
import { isFloatArray } from './typed-arrays.js';

/** Throws unless value is one of the choices. */
export function checkChoice<T extends string>(fn: string, name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !choices.includes(value as T)) {
    const hint = typeof value === 'string' ? didYouMean(value, choices, true) : '';
    throw new ValueError(`${fn}: ${name} must be one of ${choices.map((c) => `'${c}'`).join(', ')}, got ${describe(value)}${hint ? `; ${hint}` : ''}`);
  }
  return value as T;
}

/** Throws unless value is a finite number within the bounds (min inclusive unless minExclusive). */
export function checkNumber(fn: string, name: string, value: unknown, bounds: { min?: number; max?: number; minExclusive?: boolean } = {}): number {
  const { min, max, minExclusive } = bounds;
  const range = min === undefined ? (max === undefined ? 'a finite number' : `a number ≤ ${max}`)
    : max === undefined ? `a number ${minExclusive ? '>' : '≥'} ${min}` : `a number in ${minExclusive ? '(' : '['}${min}, ${max}]`;
  if (typeof value !== 'number' || !Number.isFinite(value) ||
      (min !== undefined && (minExclusive ? value <= min : value < min)) || (max !== undefined && value > max)) {
    throw new ValueError(`${fn}: ${name} must be ${range}, got ${describe(value)}`);
  }
  return value;
}

/** Throws unless value is an integer in [min, max]. */
export function checkInteger(fn: string, name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw new ValueError(`${fn}: ${name} must be ${range}, got ${describe(value)}`);
  }
  return value;
}

/** Throws unless value is a boolean. */
export function checkBoolean(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ValueError(`${fn}: ${name} must be true or false, got ${describe(value)}`);
  return value;
}

/** What an omitted options object reads as; shared and frozen so a call without options allocates nothing. */
const NO_OPTIONS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * Throws unless value is a plain object (or undefined when optional) whose every key is one of
 * `keys` (when given): a misspelt option must fail, not be silently replaced by its default.
 * `owner` names whose options they are in the message (e.g. "'adam'").
 */
export function checkOptions(fn: string, name: string, value: unknown, optional: boolean, keys?: readonly string[], owner?: string): Record<string, unknown> {
  if (value === undefined && optional) return NO_OPTIONS as Record<string, unknown>;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValueError(`${fn}: ${name} must be an options object, got ${describe(value)}`);
  }
  if (keys) checkKeys(fn, name, value as Record<string, unknown>, keys, owner);
  return value as Record<string, unknown>;
}

/**
 * The keys of an options type, listed once for the checks at run time. The argument must name
 * every key of T and nothing else, so the compiler keeps the list and the type in step.
 */
export function keysOf<T>(keys: { readonly [K in keyof Required<T>]: true }): readonly (keyof T & string)[] {
  return Object.keys(keys) as (keyof T & string)[];
}

/** Throws a ValueError naming the first key of `options` that is not in `keys`, with the nearest valid one. */
export function checkKeys(fn: string, name: string, options: object, keys: readonly string[], owner?: string): void {
  // for…in, not Object.keys: no array per call (step and predict check their options on every call).
  for (const key in options) {
    if (keys.includes(key) || !Object.hasOwn(options, key)) continue;
    const hint = didYouMean(key, keys);
    throw new ValueError(`${fn}: ${name}.${key} is not an option${owner ? ` of ${owner}` : ''}${hint ? `; ${hint}` : ''} (its options: ${keys.join(', ')})`);
  }
}

/** A validated `MLP.create` request. */
export interface CheckedCreate {
  architecture: Architecture;
  backend: Backend | 'auto';
  /** Undefined when none was given: MLP.create draws one. */
  seed: number | undefined;
  init: Init | undefined;
}

const CREATE_KEYS = keysOf<CreateOptions>({ layers: true, activations: true, loss: true, lossOptions: true, dtype: true, backend: true, gpu: true, seed: true, init: true, threads: true, dropout: true, normalization: true, input: true, classNames: true });

/** Largest layer width accepted; far beyond what fits in memory, it only catches typos early. */
const MAX_WIDTH = 1 << 24;

export function checkCreateOptions(fn: string, value: unknown): CheckedCreate {
  if (typeof value === 'object' && value !== null) checkMisplacedCreateOptions(fn, value);
  const options = checkOptions(fn, 'options', value, false, CREATE_KEYS) as Partial<CreateOptions>;
  const { layers, activations } = options;
  if (!Array.isArray(layers) || layers.length < 2) {
    throw new ShapeError(`${fn}: layers must be an array of at least 2 sizes (inputs, …, outputs), got ${describe(layers)}`);
  }
  layers.forEach((size, i) => checkInteger(fn, `layers[${i}]`, size, 1, MAX_WIDTH));
  if (!Array.isArray(activations) || activations.length !== layers.length - 1) {
    throw new ShapeError(`${fn}: activations must be an array of ${layers.length - 1} names (one per weight layer), got ${describe(activations)}`);
  }
  activations.forEach((name, i) => checkChoice(fn, `activations[${i}]`, name, ACTIVATIONS));
  const softmaxAt = activations.indexOf('softmax');
  if (softmaxAt >= 0 && softmaxAt !== activations.length - 1) {
    throw new ValueError(`${fn}: activations[${softmaxAt}] is 'softmax', which is allowed on the output layer only (activations[${activations.length - 1}])`);
  }
  const loss = options.loss === undefined ? 'mse' : checkChoice(fn, 'loss', options.loss, LOSSES);
  const output = activations[activations.length - 1];
  const fusedWith = lossRecord(loss).fusedWith;
  if (fusedWith && output !== fusedWith) {
    throw new ValueError(`${fn}: loss '${loss}' needs the output activation '${fusedWith}' (it is fused with it), got '${output}'`);
  }
  if (output === 'softmax' && layers[layers.length - 1] < 2) {
    throw new ShapeError(`${fn}: a softmax output needs at least 2 outputs, got layers[${layers.length - 1}] = ${layers[layers.length - 1]}`);
  }
  const dtype = options.dtype === undefined ? 'float32' : checkChoice(fn, 'dtype', options.dtype, DTYPES);
  const backend = options.backend === undefined ? 'wasm' : checkChoice(fn, 'backend', options.backend, [...BACKENDS, 'auto'] as const);
  const seed = options.seed === undefined ? undefined : checkInteger(fn, 'seed', options.seed, 0, 0xffffffff);
  const init = options.init === undefined ? undefined : checkChoice(fn, 'init', options.init, INITS);
  const dropout = checkDropout(fn, options.dropout, layers.length - 2);
  const lossOptions = checkLossOptions(fn, options.lossOptions, loss, layers[layers.length - 1]);
  const normalization = checkNormalization(fn, options.normalization, layers.length - 2);
  const preprocessing = checkPreprocessing(fn, options.input, options.classNames, layers, loss);
  const architecture: Architecture = { layers: [...layers], activations: [...activations], loss, ...(lossOptions && { lossOptions }), dtype, dropout, normalization, ...preprocessing };
  checkNetworkFits(fn, layers, parameterLayout(architecture), dtype);
  return { architecture, backend, seed, init };
}

const LOSS_OPTION_KEYS = keysOf<LossOptions>({ delta: true, beta: true, classWeights: true, posWeight: true, labelSmoothing: true });
/** Which loss each loss option belongs to (its record lists it). */
const LOSS_OPTION_OWNER = Object.fromEntries(LOSSES.flatMap((loss) => lossRecord(loss).options.map((key) => [key, loss]))) as Record<keyof LossOptions, Loss>;

/** A loss's parameters, only for the loss each belongs to: δ, β and every weight positive, one weight per output, ε in [0, 1). */
function checkLossOptions(fn: string, value: unknown, loss: Loss, outputs: number): LossOptions | undefined {
  if (value === undefined) return undefined;
  const o = checkOptions(fn, 'lossOptions', value, false, LOSS_OPTION_KEYS);
  const checked: { -readonly [K in keyof LossOptions]: LossOptions[K] } = {};
  for (const key of LOSS_OPTION_KEYS) {
    if (o[key] === undefined) continue;
    if (LOSS_OPTION_OWNER[key] !== loss) throw new ValueError(`${fn}: lossOptions.${key} is for loss '${LOSS_OPTION_OWNER[key]}', but the loss is '${loss}'`);
    const name = `lossOptions.${key}`;
    if (key === 'classWeights' || key === 'posWeight') checked[key] = checkWeightList(fn, name, o[key], outputs, key === 'classWeights' ? 'class' : 'output');
    else if (key === 'labelSmoothing') {
      const v = o[key];
      if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ValueError(`${fn}: ${name} must be a number in [0, 1), got ${describe(v)}`);
      checked[key] = v;
    } else checked[key] = checkNumber(fn, name, o[key], { min: 0, minExclusive: true });
  }
  return Object.keys(checked).length > 0 ? checked : undefined;
}

/** One positive finite number per class or output, copied. */
function checkWeightList(fn: string, name: string, value: unknown, count: number, per: string): number[] {
  const list = Array.isArray(value) || isFloatArray(value) ? Array.from(value as ArrayLike<unknown>) : null;
  if (list === null || list.length !== count) {
    throw new ShapeError(`${fn}: ${name} must be an array of ${count} positive numbers (one per ${per}), got ${describe(value)}`);
  }
  return list.map((v, i) => checkNumber(fn, `${name}[${i}]`, v, { min: 0, minExclusive: true }));
}

/** One rate in [0, 1) per hidden layer, from a single rate or a list. */
function checkDropout(fn: string, value: unknown, hidden: number): number[] {
  if (value === undefined) return new Array<number>(hidden).fill(0);
  const rate = (name: string, v: unknown) => {
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ValueError(`${fn}: ${name} must be a dropout rate in [0, 1), got ${describe(v)}`);
    return v;
  };
  if (!Array.isArray(value)) return new Array<number>(hidden).fill(rate('dropout', value));
  if (value.length !== hidden) throw new ShapeError(`${fn}: dropout must have ${hidden} rates (one per hidden layer), got ${describe(value)}`);
  return value.map((v, i) => rate(`dropout[${i}]`, v));
}

/** One normalization name or null per hidden layer; omitted means none anywhere. */
function checkNormalization(fn: string, value: unknown, hidden: number): (Normalization | null)[] {
  if (value === undefined) return new Array<null>(hidden).fill(null);
  if (!Array.isArray(value)) {
    throw new ValueError(`${fn}: normalization must be an array of ${hidden} entries ('layer-norm', 'batch-norm' or null, one per hidden layer), got ${describe(value)}`);
  }
  if (hidden === 0 && value.length > 0) {
    throw new ValueError(`${fn}: normalization needs hidden layers (it goes between a hidden layer's Linear and its activation), and a network of 2 layer sizes has none; got ${describe(value)}`);
  }
  if (value.length !== hidden) {
    throw new ValueError(`${fn}: normalization must have ${hidden} entries (one per hidden layer, null for none), got ${describe(value)}`);
  }
  return value.map((v, i) => (v === null ? null : checkChoice(fn, `normalization[${i}]`, v, NORMALIZATIONS)));
}
