// The IDX format of the MNIST files (yann.lecun.com/exdb/mnist): a 4-byte magic number — two
// zero bytes, a type code, the number of dimensions — then each dimension as a big-endian
// uint32, then the values in row-major order, big-endian.
import { FormatError } from '../core/errors.js';
import { isUint8Array } from '../core/typed-arrays.js';

/** Values of an IDX file, typed by the file's type code. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** A parsed IDX file: its dimensions (e.g. [60000, 28, 28]) and its values, flat and row-major. */
export interface IdxTensor {
  dims: number[];
  data: IdxData;
}

type Reader = (view: DataView, offset: number) => number;

/** Type codes of the format: bytes per value, the array to hold them, how to read one big-endian. */
const TYPES: Record<number, { name: string; size: number; Array: new (n: number) => IdxData; read: Reader }> = {
  0x08: { name: 'uint8', size: 1, Array: Uint8Array, read: (v, o) => v.getUint8(o) },
  0x09: { name: 'int8', size: 1, Array: Int8Array, read: (v, o) => v.getInt8(o) },
  0x0b: { name: 'int16', size: 2, Array: Int16Array, read: (v, o) => v.getInt16(o) },
  0x0c: { name: 'int32', size: 4, Array: Int32Array, read: (v, o) => v.getInt32(o) },
  0x0d: { name: 'float32', size: 4, Array: Float32Array, read: (v, o) => v.getFloat32(o) },
  0x0e: { name: 'float64', size: 8, Array: Float64Array, read: (v, o) => v.getFloat64(o) },
};

/**
 * Parses the bytes of an IDX file (uncompressed; gunzip `.gz` files first). `name` is used in
 * error messages. Throws a FormatError naming the file when the header or the length is wrong.
 * @throws FormatError naming the file when the bytes are not an IDX file (gzip-compressed, truncated, an unknown type code).
 */
export function parseIdx(bytes: Uint8Array, name = 'IDX data'): IdxTensor {
  const fail = (what: string) => new FormatError(`parseIdx: ${name} is not an IDX file: ${what}`);
  if (!(isUint8Array(bytes))) throw new FormatError(`parseIdx: expected the file's bytes as a Uint8Array, got ${typeof bytes}`);
  if (bytes.length < 4) throw fail(`${bytes.length} bytes, shorter than the 4-byte magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[0] !== 0 || bytes[1] !== 0) throw fail(`the magic number starts ${bytes[0]}, ${bytes[1]} instead of 0, 0 (gzip-compressed? gunzip it first)`);
  const type = TYPES[bytes[2]];
  if (!type) throw fail(`unknown type code 0x${bytes[2].toString(16).padStart(2, '0')} (expected 0x08, 0x09, 0x0b, 0x0c, 0x0d or 0x0e)`);
  const rank = bytes[3];
  const headerBytes = 4 + 4 * rank;
  if (rank === 0) throw fail('0 dimensions');
  if (bytes.length < headerBytes) throw fail(`${bytes.length} bytes, shorter than the header of ${rank} dimensions (${headerBytes} bytes)`);
  const dims = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i));
  const count = dims.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type.size;
  if (bytes.length !== expected) {
    throw fail(`${bytes.length} bytes, but dimensions ${dims.join(' × ')} of ${type.name} need ${expected} (${headerBytes} of header)`);
  }
  if (type.size === 1) {
    // One-byte values need no byte swapping: a view would do, but a copy lets the caller drop the file's buffer.
    const data = new type.Array(count);
    data.set(type.Array === Uint8Array ? bytes.subarray(headerBytes) : new Int8Array(bytes.buffer, bytes.byteOffset + headerBytes, count));
    return { dims, data };
  }
  const data = new type.Array(count);
  for (let i = 0; i < count; i++) data[i] = type.read(view, headerBytes + i * type.size);
  return { dims, data };
}
