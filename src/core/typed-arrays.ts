// Typed arrays recognised by their internal type, not by `instanceof`: an array made in another
// realm (node:vm, an iframe, jsdom under Jest) has another realm's Float32Array constructor, so
// `instanceof Float32Array` is false for it; and a `constructor` property may be shadowed. The
// tag Object.prototype.toString reads (%TypedArray%.prototype[Symbol.toStringTag]) is the array's own.

/** A flat array of the network's dtype. */
export type FloatArray = Float32Array | Float64Array;

/** The typed array's type name ('Float32Array'…), or null for anything else. */
export function typedArrayName(value: unknown): string | null {
  if (!ArrayBuffer.isView(value)) return null;
  return Object.prototype.toString.call(value).slice(8, -1);
}

/** %TypedArray%, the constructor every typed array class of this realm extends. */
const TypedArray = Object.getPrototypeOf(Uint8Array) as abstract new () => ArrayBufferView;

/** The type name of a typed array from another realm; null for this realm's (`instanceof` knows those) and for non-arrays. */
function foreignName(value: unknown): string | null {
  return value instanceof TypedArray ? null : typedArrayName(value);
}

// Each check tries `instanceof` first and reads the tag only for another realm's array: this
// realm's arrays (nearly every call, some per step) need no string built.

export function isFloat32Array(value: unknown): value is Float32Array {
  return value instanceof Float32Array || foreignName(value) === 'Float32Array';
}

export function isFloat64Array(value: unknown): value is Float64Array {
  return value instanceof Float64Array || foreignName(value) === 'Float64Array';
}

/** A Float32Array or Float64Array, from any realm. */
export function isFloatArray(value: unknown): value is Float32Array | Float64Array {
  return isFloat32Array(value) || isFloat64Array(value);
}

export function isInt32Array(value: unknown): value is Int32Array {
  return value instanceof Int32Array || foreignName(value) === 'Int32Array';
}

export function isUint8Array(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array || foreignName(value) === 'Uint8Array';
}

/** An ArrayBuffer (not a SharedArrayBuffer), from any realm. */
export function isArrayBuffer(value: unknown): value is ArrayBuffer {
  if (value instanceof ArrayBuffer) return true;
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || Array.isArray(value)) return false;
  return Object.prototype.toString.call(value) === '[object ArrayBuffer]';
}
