import { ValueError, describe, detachedError, isDetached } from '../core/errors.js';
import { isArrayBuffer, isUint8Array } from '../core/typed-arrays.js';

/** Bytes as files arrive: a Uint8Array (Node's Buffer is one) or the ArrayBuffer of `fetch().arrayBuffer()`. */
export type Bytes = Uint8Array | ArrayBuffer;

/** A view of the bytes, without copying; `source` says what they should be, for the error. */
export function toBytes(fn: string, input: unknown, source: string): Uint8Array {
  if ((isUint8Array(input) || isArrayBuffer(input)) && isDetached(input)) throw detachedError(fn, 'bytes', input);
  if (isUint8Array(input)) return input;
  if (isArrayBuffer(input)) return new Uint8Array(input);
  throw new ValueError(`${fn}: bytes must be a Uint8Array or ArrayBuffer of ${source}, got ${describe(input)}`);
}
