// Checks of the MLP class's array arguments that are not rows: what counts as one sample, as a
// list of numbers, and θ as `setParameters` takes it.
import type { DType } from '../model/options.js';
import { ShapeError, ValueError, describe, detachedError, isDetached } from '../core/errors.js';
import { badValue, isAllowed, plural } from '../model/data.js';

/** One sample given as a plain array of numbers (not rows): what `predict([x1, x2])` receives. */
export function isSample(value: unknown): value is readonly number[] {
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'number');
}

/** An array or typed array (not a DataView): what may hold numbers. */
export function isNumberArray(value: unknown): value is ArrayLike<number> {
  return Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));
}

/** θ for `setParameters`: `count` finite numbers (within float32 for a float32 network), in an array or live typed array. */
export function checkParameters(fn: string, theta: unknown, count: number, dtype: DType): ArrayLike<number> {
  if (!isNumberArray(theta)) throw new ValueError(`${fn}: theta must be an array or typed array of ${count} numbers, got ${describe(theta)}`);
  if (ArrayBuffer.isView(theta) && isDetached(theta)) throw detachedError(fn, 'theta', theta);
  if (theta.length !== count) throw new ShapeError(`${fn}: theta has ${plural(theta.length, 'value')}, expected ${count} (the network's parameter count)`);
  const float32 = dtype === 'float32';
  for (let i = 0; i < count; i++) {
    const v = theta[i];
    if (typeof v !== 'number' || !isAllowed(v, undefined, float32)) throw badValue(fn, `theta[${i}]`, v, undefined, float32);
  }
  return theta;
}
