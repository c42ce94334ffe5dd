import { isArrayBuffer, typedArrayName } from './typed-arrays.js';

/**
 * Every error wasm-mlp throws on purpose is a `WasmMlpError`, so callers can tell a bad
 * argument from a bug. Messages name the call and the argument, what was expected and what
 * came, e.g. `predict: X row 3 has 5 values, expected 4 (the network's input size)`.
 */
export class WasmMlpError extends Error {
  /**
   * An error with its message; `name` is the class's own name (`ShapeError`, `ValueError`, …).
   * @param message What went wrong: the call, the argument, what was expected and what came.
   * @throws Nothing.
   */
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** An array has the wrong length, row width or row count. */
export class ShapeError extends WasmMlpError {}

/** A value has the wrong type, is not finite, or is outside its allowed range. */
export class ValueError extends WasmMlpError {}

/** Serialized model data (JSON, checkpoint, safetensors) is malformed or corrupt. */
export class FormatError extends WasmMlpError {}

/** A method was called on a network after `dispose()`. */
export class DisposedError extends WasmMlpError {}

/** Where training first met a non-finite value: the step was not applied. */
export interface Divergence {
  /** Epoch of `fit` (from 0); undefined for `step`. */
  epoch?: number;
  /** Batch within the epoch (from 0); 0 for `step`. */
  step: number;
  /** Index into `net.layout.layers` of the first layer holding a non-finite value. */
  layer: number;
  /** Where it appeared: activations in the forward pass, the loss, a layer's gradient, or the update θ − η·∇θ. */
  phase: 'forward' | 'loss' | 'backward' | 'update';
}

/**
 * Training met a non-finite loss, gradient or update. The failing step was not applied: the
 * parameters are those before it, all finite. `divergence` says where it happened.
 */
export class DivergenceError extends WasmMlpError {
  /** Where the non-finite value appeared. */
  readonly divergence: Divergence;
  /**
   * An error for a training step that was refused.
   * @param message What diverged, where, and what to try.
   * @param divergence Where the non-finite value appeared.
   * @throws Nothing.
   */
  constructor(message: string, divergence: Divergence) {
    super(message);
    this.divergence = divergence;
  }
}

/** A worker thread of a multi-threaded network failed; the call was abandoned, the network stays usable. */
export class WorkerError extends WasmMlpError {}

/**
 * A call was stopped by its `options.signal` at a point where it could not return a history
 * (`fitDataset` waiting for a batch its source has not given): the interrupted epoch was undone.
 * Its `name` is 'AbortError', as the DOM's abort errors are named.
 */
export class AbortError extends WasmMlpError {}

/**
 * Runs `body` for the public call `fn`. A refusal raised deep inside (the memory arena cannot
 * know which call asked) gets the call's name in front, as every other message has.
 */
export function inCall<T>(fn: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    throw named(fn, error);
  }
}

/** The error with the call's name in front of its message (a WasmMlpError that lacks it; anything else as it is). */
export function named(fn: string, error: unknown): unknown {
  if (error instanceof WasmMlpError && !error.message.startsWith(`${fn}: `)) error.message = `${fn}: ${error.message}`;
  return error;
}

/** True when a typed array's buffer was detached (transferred to a worker, say): its data is gone. */
export function isDetached(value: ArrayBufferView | ArrayBuffer): boolean {
  const buffer = isArrayBuffer(value) ? value : (value as ArrayBufferView).buffer;
  if (!isArrayBuffer(buffer) || buffer.byteLength !== 0) return false;
  const flag = (buffer as ArrayBuffer & { detached?: boolean }).detached;
  if (typeof flag === 'boolean') return flag;
  try {
    new Uint8Array(buffer); // throws TypeError for a detached buffer
    return false;
  } catch {
    return true;
  }
}

/** The error for a detached typed array or buffer. */
export function detachedError(fn: string, name: string, value: ArrayBufferView | ArrayBuffer): ValueError {
  return new ValueError(`${fn}: ${name} is a ${typedArrayName(value) ?? 'ArrayBuffer'} whose buffer was detached (transferred with postMessage, or to a worker), so its data is gone; pass a copy instead`);
}

/** Describes a value briefly for an error message: its type and, when short, its content. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `a ${typedArrayName(value)} of length ${(value as unknown as ArrayLike<number>).length ?? value.byteLength}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return `a symbol (${value.description ?? ''})`;
  return `an object (${Object.prototype.toString.call(value).slice(8, -1)})`;
}
