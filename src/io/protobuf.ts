// Protocol-buffer encoding of plain objects, driven by a protobufjs-style JSON descriptor (the
// one in ./onnx-schema.ts). Hand-written and ES-module only, so that nothing CommonJS reaches
// the library's import graph (a bundler's dev server serves the training worker unbundled, and
// raw CommonJS there fails to load). It writes what protobufjs writes for the same object, with
// proto3's rules (onnx.proto3): fields in order of field number; a scalar or enum field only when
// it is not its default (0, '', empty bytes, false) unless it belongs to a oneof; a message field
// when present; repeated scalars packed unless the descriptor says `packed: false`.
// test/onnx-protobuf.test.ts checks the bytes are protobufjs's.

/** One field of a message descriptor. */
interface FieldSpec { type: string; id: number; rule?: string; options?: { packed?: boolean } }
/** A message descriptor (`fields`) or an enum descriptor (`values`), with nested types. */
interface TypeSpec { fields?: Record<string, FieldSpec>; values?: Record<string, number>; nested?: Record<string, TypeSpec>; oneofs?: Record<string, { oneof: string[] }> }
/** A descriptor root: `{ nested: { package: { nested: { Message: … } } } }`. */
export interface Descriptor { nested?: Record<string, TypeSpec> }

const VARINT = 0;
const FIXED64 = 1;
const DELIMITED = 2;
const FIXED32 = 5;
const SCALAR_WIRE: Record<string, number> = {
  int32: VARINT, int64: VARINT, uint32: VARINT, uint64: VARINT, bool: VARINT,
  double: FIXED64, float: FIXED32, string: DELIMITED, bytes: DELIMITED,
};
const utf8 = new TextEncoder();

/** A growing byte buffer. */
class Sink {
  private buffer = new Uint8Array(1024);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + n));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }

  bytes(data: Uint8Array): void {
    this.reserve(data.length);
    this.buffer.set(data, this.length);
    this.length += data.length;
  }

  /** A varint; negative integers as their 64-bit two's complement (ten bytes), as int32 and int64 are. */
  varint(value: number): void {
    this.reserve(10);
    if (value < 0) {
      let v = BigInt.asUintN(64, BigInt(value));
      while (v > 0x7fn) { this.buffer[this.length++] = Number(v & 0x7fn) | 0x80; v >>= 7n; }
      this.buffer[this.length++] = Number(v);
      return;
    }
    let v = value;
    while (v > 0x7f) { this.buffer[this.length++] = (v % 0x80) | 0x80; v = Math.floor(v / 0x80); }
    this.buffer[this.length++] = v;
  }

  fixed(value: number, size: 4 | 8): void {
    this.reserve(size);
    const view = new DataView(this.buffer.buffer, this.buffer.byteOffset + this.length, size);
    if (size === 4) view.setFloat32(0, value, true);
    else view.setFloat64(0, value, true);
    this.length += size;
  }

  finish(): Uint8Array { return this.buffer.slice(0, this.length); }
}

/** The descriptor of `name` as seen from `scope` (the chain of enclosing types, innermost last), as protobuf resolves names. */
function resolve(scope: TypeSpec[], name: string): { spec: TypeSpec; scope: TypeSpec[] } {
  for (let depth = scope.length; depth > 0; depth--) {
    let found: TypeSpec | undefined = scope[depth - 1];
    const chain = scope.slice(0, depth);
    for (const part of name.split('.')) {
      found = found?.nested?.[part];
      if (found) chain.push(found);
    }
    if (found) return { spec: found, scope: chain };
  }
  throw new Error(`internal: the protobuf descriptor has no type '${name}'`);
}

/** The protobuf bytes of `message` as the type `typeName` (e.g. 'onnx.ModelProto') of `descriptor`. */
export function encodeMessage(descriptor: Descriptor, typeName: string, message: object): Uint8Array {
  const { spec, scope } = resolve([descriptor], typeName);
  const sink = new Sink();
  writeMessage(sink, spec, scope, message as Record<string, unknown>);
  return sink.finish();
}

function writeMessage(sink: Sink, spec: TypeSpec, scope: TypeSpec[], message: Record<string, unknown>): void {
  const fields = spec.fields ?? {};
  // A key the descriptor lacks would be dropped from the file without a word: say so instead.
  for (const key of Object.keys(message)) if (!(key in fields)) throw new Error(`internal: the protobuf descriptor has no field '${key}'`);
  const inOneof = new Set(Object.values(spec.oneofs ?? {}).flatMap((group) => group.oneof));
  const ordered = Object.entries(fields).sort(([, a], [, b]) => a.id - b.id);
  for (const [name, field] of ordered) {
    const value = message[name];
    if (value === undefined || value === null) continue;
    if (field.rule === 'repeated') writeRepeated(sink, field, scope, value as unknown[]);
    else if (inOneof.has(name) || !isDefault(field, scope, value)) writeField(sink, field, scope, value);
  }
}

/** Whether a scalar or enum holds its proto3 default, which proto3 leaves out of the bytes (a message field never does). */
function isDefault(field: FieldSpec, scope: TypeSpec[], value: unknown): boolean {
  if (field.type === 'string') return value === '';
  if (field.type === 'bytes') return (value as Uint8Array).length === 0;
  if (field.type === 'bool') return value === false;
  if (field.type === 'double' || field.type === 'float') return Object.is(value, 0);
  if (SCALAR_WIRE[field.type] !== undefined) return value === 0;
  const type = resolve(scope, field.type).spec;
  return type.values !== undefined && (value === 0 || type.values[value as string] === 0);
}

function writeRepeated(sink: Sink, field: FieldSpec, scope: TypeSpec[], values: unknown[]): void {
  if (values.length === 0) return;
  const wire = SCALAR_WIRE[field.type] ?? (resolve(scope, field.type).spec.values ? VARINT : DELIMITED);
  if (field.options?.packed !== false && wire !== DELIMITED) {
    const packed = new Sink();
    for (const value of values) writeValue(packed, field, scope, value);
    sink.varint((field.id << 3) | DELIMITED);
    sink.varint(packed.length);
    sink.bytes(packed.finish());
    return;
  }
  for (const value of values) writeField(sink, field, scope, value);
}

function writeField(sink: Sink, field: FieldSpec, scope: TypeSpec[], value: unknown): void {
  const wire = SCALAR_WIRE[field.type] ?? (resolve(scope, field.type).spec.values ? VARINT : DELIMITED);
  sink.varint((field.id << 3) | wire);
  writeValue(sink, field, scope, value);
}

/** The value alone (no tag): length-prefixed for strings, bytes and messages. */
function writeValue(sink: Sink, field: FieldSpec, scope: TypeSpec[], value: unknown): void {
  switch (field.type) {
    case 'string': return writeDelimited(sink, utf8.encode(value as string));
    case 'bytes': return writeDelimited(sink, value as Uint8Array);
    case 'double': return sink.fixed(value as number, 8);
    case 'float': return sink.fixed(value as number, 4);
    case 'bool': return sink.varint(value ? 1 : 0);
    case 'int32': case 'int64': case 'uint32': case 'uint64': return sink.varint(value as number);
  }
  const type = resolve(scope, field.type);
  if (type.spec.values) {
    const code = typeof value === 'string' ? type.spec.values[value] : value as number;
    if (code === undefined) throw new Error(`internal: the enum '${field.type}' has no value '${String(value)}'`);
    return sink.varint(code);
  }
  const inner = new Sink();
  writeMessage(inner, type.spec, type.scope, value as Record<string, unknown>);
  writeDelimited(sink, inner.finish());
}

function writeDelimited(sink: Sink, data: Uint8Array): void {
  sink.varint(data.length);
  sink.bytes(data);
}
