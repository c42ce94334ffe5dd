import { ValueError, describe, detachedError, isDetached } from '../errors.js';

/** Bytes as files arrive: a Uint8Array (Node's Buffer is one) or the ArrayBuffer of `fetch().arrayBuffer()`. */
export type Bytes = Uint8Array | ArrayBuffer;

/** A view of the bytes, without copying; `source` says what they should be, for the error. */
export function toBytes(fn: string, input: unknown, source: string): Uint8Array {
  if ((input instanceof Uint8Array || input instanceof ArrayBuffer) && isDetached(input)) throw detachedError(fn, 'bytes', input);
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  throw new ValueError(`${fn}: bytes must be a Uint8Array or ArrayBuffer of ${source}, got ${describe(input)}`);
}
