// Class names: the label encoder of a classification network (scikit-learn's LabelEncoder).
// Output unit k is class `classNames[k]` (a softmax output), or, for one sigmoid output,
// classNames[0] below 0.5 and classNames[1] from 0.5.
import { ShapeError, ValueError, describe } from '../core/errors.js';
import type { Loss } from '../model/options.js';
import type { Targets } from '../model/data.js';

/**
 * The class names of labels, sorted and distinct, as LabelEncoder's `classes_`: pass them to
 * `MLP.create({ classNames })`, and `fit` then takes the labels themselves.
 * @example
 * adaptLabels(['virginica', 'setosa', 'virginica']); // ['setosa', 'virginica']
 * @throws {ValueError} when y is not a non-empty array of strings.
 */
export function adaptLabels(y: readonly string[]): string[] {
  if (!Array.isArray(y) || y.length === 0) throw new ValueError(`adaptLabels: y must be a non-empty array of class names (strings), got ${describe(y)}`);
  y.forEach((v, i) => {
    if (typeof v !== 'string' || v === '') throw new ValueError(`adaptLabels: y[${i}] must be a class name (a non-empty string), got ${describe(v)}`);
  });
  return [...new Set(y)].sort();
}

/** `classNames` of `MLP.create`: distinct non-empty strings, one per softmax output, or two for one sigmoid output. */
export function checkClassNames(fn: string, value: unknown, loss: Loss, outputs: number): string[] {
  const expected = loss === 'cross-entropy' ? outputs : loss === 'binary-cross-entropy' && outputs === 1 ? 2 : 0;
  if (expected === 0) {
    throw new ValueError(`${fn}: classNames name the classes of a classifier (softmax output with loss 'cross-entropy', or one sigmoid output with 'binary-cross-entropy'); this network has loss '${loss}' and ${outputs} outputs`);
  }
  if (!Array.isArray(value) || value.length !== expected) {
    throw new ShapeError(`${fn}: classNames must be an array of ${expected} class names (${loss === 'cross-entropy' ? 'one per output' : 'for outputs below and from 0.5'}), got ${describe(value)}`);
  }
  const seen = new Set<string>();
  value.forEach((v, i) => {
    if (typeof v !== 'string' || v === '') throw new ValueError(`${fn}: classNames[${i}] must be a non-empty string, got ${describe(v)}`);
    if (seen.has(v)) throw new ValueError(`${fn}: classNames[${i}] ${describe(v)} appears twice`);
    seen.add(v);
  });
  return [...value];
}

/** True for targets given as class names. */
export function isNamedLabels(Y: unknown): Y is readonly string[] {
  return Array.isArray(Y) && Y.length > 0 && typeof Y[0] === 'string';
}

/**
 * Targets given as class names, for a network with `classNames`, as the targets it trains on:
 * class indices for a softmax output, 0/1 for one sigmoid output. Other targets are returned as they are.
 */
export function encodeLabels(fn: string, name: string, classNames: readonly string[] | undefined, loss: Loss, Y: Targets | readonly string[]): Targets {
  // Without class names, text labels meet the usual label checks (and their message).
  if (!classNames || !isNamedLabels(Y)) return Y as Targets;
  const index = new Map(classNames.map((c, k) => [c, k]));
  const codes = loss === 'cross-entropy' ? new Int32Array(Y.length) : new Float64Array(Y.length);
  for (let i = 0; i < Y.length; i++) {
    const k = index.get(Y[i]);
    if (k === undefined) throw new ValueError(`${fn}: ${name}[${i}] is ${describe(Y[i])}, not one of the network's classNames (${classNames.join(', ')})`);
    codes[i] = k;
  }
  return codes as Targets;
}
