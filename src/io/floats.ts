// Little-endian float arrays in byte buffers, whatever the host's byte order: both file
// formats (checkpoint, safetensors) store little-endian data.
import type { DType, FloatArray } from '../model/options.js';

/** Bytes per element of a dtype. */
export function dtypeBytes(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Writes `values` as little-endian `dtype` at byte `offset` of `into`. */
export function writeFloats(into: Uint8Array, offset: number, values: ArrayLike<number>, dtype: DType): void {
  const Float = dtype === 'float64' ? Float64Array : Float32Array;
  if (littleEndianHost) {
    const copy = Float.from(values);
    into.set(new Uint8Array(copy.buffer), offset);
    return;
  }
  const view = new DataView(into.buffer, into.byteOffset + offset);
  for (let i = 0; i < values.length; i++) {
    if (dtype === 'float64') view.setFloat64(i * 8, values[i], true);
    else view.setFloat32(i * 4, values[i], true);
  }
}

/** Reads `length` little-endian `dtype` values at byte `offset` of `from` into a new array of that dtype. */
export function readFloats(from: Uint8Array, offset: number, length: number, dtype: DType): FloatArray {
  const bytes = dtypeBytes(dtype);
  // A copy with its own aligned buffer (Node's Buffer.slice would return a view into a shared pool).
  const copy = new Uint8Array(from.subarray(offset, offset + length * bytes));
  if (littleEndianHost) return dtype === 'float64' ? new Float64Array(copy.buffer) : new Float32Array(copy.buffer);
  const view = new DataView(copy.buffer);
  const out = dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = dtype === 'float64' ? view.getFloat64(i * 8, true) : view.getFloat32(i * 4, true);
  return out;
}
