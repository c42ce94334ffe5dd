// predictClasses: a classifier's outputs as classes, scikit-learn's `predict` beside its
// `predict_proba` (which is what `predict` returns here). The largest output of a softmax (or
// any multi-output) network; for one sigmoid output, class 1 when p > 0.5 (Keras's and
// scikit-learn's threshold: p = 0.5 is class 0). When the network carries class names (an
// optional `classNames` array, one name per class), the names instead of the indices.
import { ValueError } from '../core/errors.js';
import type { Architecture, FloatArray } from './options.js';

/** A class: its index, or its name when the network has class names. */
export type ClassLabel = number | string;

/** Throws unless the network is a classifier: a softmax output, or one sigmoid output. */
export function checkClassifier(fn: string, arch: Architecture): void {
  const output = arch.activations[arch.activations.length - 1];
  const outputs = arch.layers[arch.layers.length - 1]!;
  if (output === 'softmax' || (output === 'sigmoid' && outputs === 1)) return;
  throw new ValueError(`${fn}: the network is not a classifier (its output is ${outputs} × '${output}'); predictClasses needs a softmax output, or one sigmoid output. Use predict for its outputs`);
}

/** The class names a network carries (a `classNames` property, when present and non-empty), else null. */
export function classNamesOf(net: object): readonly string[] | null {
  const names = (net as { classNames?: unknown }).classNames;
  return Array.isArray(names) && names.length > 0 && names.every((n) => typeof n === 'string') ? names : null;
}

/** The class of each row of `outputs` (rows × width), as indices or, given `names`, names. */
export function classesOf(fn: string, outputs: FloatArray | readonly (readonly number[])[], width: number, names: readonly string[] | null): ClassLabel[] {
  const rows = ArrayBuffer.isView(outputs) ? (outputs as FloatArray).length / width : (outputs as readonly number[][]).length;
  const flat = ArrayBuffer.isView(outputs) ? (outputs as FloatArray) : null;
  const at = (r: number, c: number) => (flat ? flat[r * width + c]! : (outputs as readonly (readonly number[])[])[r]![c]!);
  const binary = width === 1;
  if (names && names.length !== (binary ? 2 : width)) {
    throw new ValueError(`${fn}: the network has ${names.length} class names but ${binary ? 2 : width} classes`);
  }
  const labels: ClassLabel[] = new Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    if (binary) best = at(r, 0) > 0.5 ? 1 : 0;
    else for (let c = 1; c < width; c++) if (at(r, c) > at(r, best)) best = c;
    labels[r] = names ? names[best]! : best;
  }
  return labels;
}
