// The check of `MLP.create`'s options (and of the architecture a file holds): every argument once,
// with messages that name it; the architecture it returns is complete (defaults filled in).
import { ValueError, ShapeError, describe } from '../core/errors.js';
import { checkChoice, checkInteger, checkNumber, checkOptions, keysOf } from '../core/validate.js';
import { isFloatArray } from '../core/typed-arrays.js';
import type { Architecture, Backend, CreateOptions, Init, Loss, LossOptions, Normalization } from './options.js';
import { ACTIVATIONS, BACKENDS, DTYPES, INITS, LOSSES, NORMALIZATIONS } from './options.js';
import { lossRecord, type LossOptionCheck, type LossOptionName } from '../registry/losses.js';
import { parameterLayout } from './layout.js';
import { checkNetworkFits } from './limits.js';
import { checkPreprocessing } from '../preprocessing/architecture.js';
import { checkMisplacedCreateOptions } from './misplaced-options.js';

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

// Every key of LossOptions, in the order messages list them; each must be a LossOptionName, so that some record can own it.
const LOSS_OPTION_KEYS = keysOf<LossOptions>({ delta: true, beta: true, classWeights: true, posWeight: true, labelSmoothing: true }) satisfies readonly LossOptionName[];
/** Which loss each loss option belongs to, and its check: its record's. */
const LOSS_OPTION_OWNER = Object.fromEntries(LOSSES.flatMap((loss) => Object.entries(lossRecord(loss).options).map(([key, check]) => [key, { loss, check }]))) as Record<keyof LossOptions, { loss: Loss; check: LossOptionCheck }>;

/** A loss's parameters, only for the loss each belongs to, each checked as its record says. */
function checkLossOptions(fn: string, value: unknown, loss: Loss, outputs: number): LossOptions | undefined {
  if (value === undefined) return undefined;
  const o = checkOptions(fn, 'lossOptions', value, false, LOSS_OPTION_KEYS);
  const checked: Record<string, unknown> = {};
  for (const key of LOSS_OPTION_KEYS) {
    if (o[key] === undefined) continue;
    const owner = LOSS_OPTION_OWNER[key];
    if (owner.loss !== loss) throw new ValueError(`${fn}: lossOptions.${key} is for loss '${owner.loss}', but the loss is '${loss}'`);
    checked[key] = checkLossOption(fn, `lossOptions.${key}`, o[key], owner.check, outputs);
  }
  return Object.keys(checked).length > 0 ? checked as LossOptions : undefined;
}

/** One loss option by its record's check: δ, β and every weight positive, one weight per class or output, ε in [0, 1). */
function checkLossOption(fn: string, name: string, v: unknown, check: LossOptionCheck, outputs: number): number | number[] {
  switch (check) {
    case 'positive': return checkNumber(fn, name, v, { min: 0, minExclusive: true });
    case 'per-class': return checkWeightList(fn, name, v, outputs, 'class');
    case 'per-output': return checkWeightList(fn, name, v, outputs, 'output');
    case 'unit-interval':
      if (typeof v !== 'number' || !(v >= 0 && v < 1)) throw new ValueError(`${fn}: ${name} must be a number in [0, 1), got ${describe(v)}`);
      return v;
  }
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
    throw new ValueError(`${fn}: normalization must be an array of ${hidden} entries (${NORMALIZATIONS.map((n) => `'${n}'`).join(', ')} or null, one per hidden layer), got ${describe(value)}`);
  }
  if (hidden === 0 && value.length > 0) {
    throw new ValueError(`${fn}: normalization needs hidden layers (it goes between a hidden layer's Linear and its activation), and a network of 2 layer sizes has none; got ${describe(value)}`);
  }
  if (value.length !== hidden) {
    throw new ValueError(`${fn}: normalization must have ${hidden} entries (one per hidden layer, null for none), got ${describe(value)}`);
  }
  return value.map((v, i) => (v === null ? null : checkChoice(fn, `normalization[${i}]`, v, NORMALIZATIONS)));
}
