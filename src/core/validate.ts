// Argument checks shared by every public function: each throws an error that names the function,
// the argument and what it got.
import { ValueError, describe } from './errors.js';
import { didYouMean } from './suggest.js';

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
