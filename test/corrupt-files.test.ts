// Corrupt and hostile model files (JSON, checkpoints, safetensors): every mutation of a valid file either loads as a sound
// network or is refused with FormatError — never another error, a hang, or a huge allocation.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FormatError, MLP, ValueError, type ModelJSON } from '../src/index.js';
import { crc32 } from '../src/io/crc32.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 5000);

async function validModels(): Promise<ModelJSON[]> {
  const specs = [
    { layers: [3, 4, 2], activations: ['tanh', 'linear'], dtype: 'float32' },
    { layers: [2, 5, 3], activations: ['relu', 'softmax'], loss: 'cross-entropy', dtype: 'float64', dropout: 0.2 },
    { layers: [4, 1], activations: ['sigmoid'], loss: 'binary-cross-entropy', dtype: 'float32' },
  ] as const;
  return Promise.all(specs.map(async (spec) => (await MLP.create({ ...spec, activations: [...spec.activations], backend: 'js', seed: 3 })).toJSON()));
}

/** Loads `input` and says how it ended; anything but a sound network or a FormatError fails the property. */
async function load(input: unknown, backend: 'wasm' | 'js'): Promise<'loaded' | 'refused'> {
  const started = performance.now();
  try {
    const net = await MLP.fromJSON(input as ModelJSON, { backend });
    expect(Array.from(net.getParameters()).every(Number.isFinite)).toBe(true);
    expect(net.parameterCount).toBeLessThan(1e6);
    net.dispose();
    return 'loaded';
  } catch (error) {
    if (!(error instanceof FormatError)) throw new Error(`expected FormatError, got ${String(error)}`);
    expect(error.message.startsWith('MLP.fromJSON: ')).toBe(true);
    return 'refused';
  } finally {
    expect(performance.now() - started).toBeLessThan(2000);
  }
}

/** Structural mutations of the parsed object: the hostile values a crafted file could hold. */
const hostileValue = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, 1e39, -1e300, 2 ** 24 + 1, 2 ** 31, 2 ** 32, 1e9, -1, 0, 0.5, null, undefined, '', '3', true, [], {}),
  fc.integer({ min: -10, max: 2 ** 32 }),
  fc.double(),
  fc.string({ maxLength: 8 }),
  fc.array(fc.integer({ min: -2, max: 2 ** 26 }), { maxLength: 5 }),
  fc.anything({ maxDepth: 2 }),
);
const KEYS = ['format', 'version', 'layers', 'activations', 'loss', 'dtype', 'dropout', 'parameters', 'random', 'dropoutRandom'];

function mutateObject(model: ModelJSON, key: string, index: number, value: unknown, whole: boolean): unknown {
  const copy = structuredClone(model) as unknown as Record<string, unknown>;
  const target = copy[key];
  if (!whole && Array.isArray(target) && target.length > 0) target[index % target.length] = value;
  else if (value === undefined) delete copy[key];
  else copy[key] = value;
  return copy;
}

describe.each(['js', 'wasm'] as const)('MLP.fromJSON on %s refuses corrupt input with FormatError', (backend) => {
  it(`truncated, bit-flipped and spliced JSON text (${RUNS} inputs)`, async () => {
    const texts = (await validModels()).map((m) => JSON.stringify(m));
    const textMutation = fc.oneof(
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 6 }) }),
      fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), text: fc.string({ maxLength: 12 }) }),
    );
    const outcomes = { loaded: 0, refused: 0 };
    await fc.assert(fc.asyncProperty(fc.nat({ max: texts.length - 1 }), fc.array(textMutation, { minLength: 1, maxLength: 3 }), async (which, mutations) => {
      let text = texts[which];
      for (const m of mutations) {
        const at = m.at % text.length;
        if (m.kind === 'truncate') text = text.slice(0, at);
        else if (m.kind === 'flip') text = text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ (1 << m.bit)) + text.slice(at + 1);
        else text = text.slice(0, at) + m.text + text.slice(at);
        if (text.length === 0) text = ' ';
      }
      outcomes[await load(text, backend)]++;
    }), { numRuns: RUNS, seed: 20261128 });
    // A fuzzer that never gets past the parser tests nothing: most flips land in numbers and load.
    expect(outcomes.refused).toBeGreaterThan(RUNS / 10);
    expect(outcomes.loaded).toBeGreaterThan(RUNS / 20);
  }, 120_000);

  it(`hostile values in every field: NaN, absurd dimensions, wrong dtype or shape (${RUNS} inputs)`, async () => {
    const models = await validModels();
    let refused = 0;
    await fc.assert(fc.asyncProperty(fc.nat({ max: models.length - 1 }), fc.constantFrom(...KEYS), fc.nat(), hostileValue, fc.boolean(), async (which, key, index, value, whole) => {
      if ((await load(mutateObject(models[which], key, index, value, whole), backend)) === 'refused') refused++;
    }), { numRuns: RUNS, seed: 28112026 });
    expect(refused).toBeGreaterThan(RUNS / 2);
  }, 120_000);

  it.each([
    ['absurd dimensions', { layers: [16_777_216, 16_777_216, 2] }, /MLP\.fromJSON: layers \[16777216, 16777216, 2\] have \d+ parameters, .*more than the 4 GiB/],
    ['a width beyond the limit', { layers: [3, 2 ** 30] }, /layers\[1\] must be an integer in \[1, 16777216\], got 1073741824/],
    ['a wrong dtype', { dtype: 'float16' }, /dtype must be one of 'float32', 'float64', got "float16"/],
    ['parameters of the wrong length', { parameters: [1, 2, 3] }, /parameters must be an array of 26 numbers for layers \[3, 4, 2\], got an array of length 3/],
    ['a NaN parameter', { parameters: Array.from({ length: 26 }, (_, i) => (i === 7 ? NaN : 0)) }, /parameters\[7\] must be a finite number, got NaN/],
    ['a parameter beyond float32', { parameters: Array.from({ length: 26 }, (_, i) => (i === 3 ? 1e39 : 0)) }, /parameters\[3\] must be a finite float32 number/],
    ['an all-zero generator', { random: [0, 0, 0, 0] }, /random must be 4 unsigned 32-bit integers, not all zero/],
    ['a non-object', 42, /expected a model object or its JSON text, got 42/],
  ] as const)('names the field for %s', async (_, change, message) => {
    const [model] = await validModels();
    const input = typeof change === 'object' ? { ...model, ...change } : change;
    await expect(MLP.fromJSON(input as ModelJSON, { backend })).rejects.toThrow(FormatError);
    await expect(MLP.fromJSON(input as ModelJSON, { backend })).rejects.toThrow(message);
  });

  it('refuses deeply nested and very long text without a crash', async () => {
    await expect(MLP.fromJSON('['.repeat(200_000) + ']'.repeat(200_000), { backend })).rejects.toThrow(FormatError);
    await expect(MLP.fromJSON('{"format":"wasm-mlp","version":1,"layers":[' + '1,'.repeat(100_000) + '1]}', { backend })).rejects.toThrow(FormatError);
  });
});

// Binary formats: checkpoints (MLP.load) and safetensors (MLP.fromSafetensors).
const byteMutation = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('splice' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
  // Length fields and counts: the first 24 bytes of either format hold them.
  fc.record({ kind: fc.constant('field' as const), at: fc.integer({ min: 0, max: 23 }), value: fc.constantFrom(0, 1, 0x7f, 0xff) }),
);
type ByteMutation = typeof byteMutation extends fc.Arbitrary<infer T> ? T : never;

function mutateBytes(bytes: Uint8Array, mutations: ByteMutation[]): Uint8Array {
  let out = bytes.slice();
  for (const m of mutations) {
    const at = m.at % Math.max(1, out.length);
    if (m.kind === 'truncate') out = out.slice(0, at);
    else if (m.kind === 'flip') out[at] ^= 1 << m.bit;
    else if (m.kind === 'field') out[at] = m.value;
    else out = Uint8Array.from([...out.subarray(0, at), ...m.bytes, ...out.subarray(at)]);
  }
  return out;
}

/** Recomputes a checkpoint's trailing CRC-32, so mutations reach the parser behind the checksum. */
function reseal(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 4) return bytes;
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out, 0, out.length - 4), true);
  return out;
}

async function loadBinary(kind: 'checkpoint' | 'safetensors', bytes: Uint8Array, backend: 'wasm' | 'js'): Promise<'loaded' | 'refused'> {
  const started = performance.now();
  const fn = kind === 'checkpoint' ? 'MLP.load' : 'MLP.fromSafetensors';
  try {
    const net = kind === 'checkpoint' ? await MLP.load(bytes, { backend }) : await MLP.fromSafetensors(bytes, { backend });
    expect(Array.from(net.getParameters()).every(Number.isFinite)).toBe(true);
    net.dispose();
    return 'loaded';
  } catch (error) {
    // A safetensors file whose metadata lost its activations is a valid foreign file: the caller
    // must name them, and is told so (a ValueError about the missing option, as for a PyTorch file).
    const missingOption = kind === 'safetensors' && error instanceof ValueError && /pass options\.activations/.test(error.message);
    if (!(error instanceof FormatError) && !missingOption) throw new Error(`expected FormatError, got ${String(error)}`);
    expect((error as Error).message.startsWith(`${fn}: `)).toBe(true);
    return 'refused';
  } finally {
    expect(performance.now() - started).toBeLessThan(2000);
  }
}

describe.each(['js', 'wasm'] as const)('binary files on %s', (backend) => {
  it.each(['checkpoint', 'safetensors'] as const)(`%s: truncated, bit-flipped, spliced, with hostile length fields (${RUNS} inputs, half resealed)`, async (kind) => {
    const nets = await Promise.all([
      MLP.create({ layers: [3, 4, 2], activations: ['tanh', 'linear'], dtype: 'float32', backend: 'js', seed: 1 }),
      MLP.create({ layers: [2, 5, 3], activations: ['relu', 'softmax'], loss: 'cross-entropy', dtype: 'float64', dropout: 0.2, backend: 'js', seed: 2 }),
    ]);
    nets[1].setOptimizer({ type: 'adam' });
    nets[1].fit([[0, 1], [1, 0]], [0, 2], { epochs: 2 });
    const files = nets.map((net) => (kind === 'checkpoint' ? net.save() : net.toSafetensors()));
    const outcomes = { loaded: 0, refused: 0 };
    await fc.assert(fc.asyncProperty(fc.nat({ max: files.length - 1 }), fc.array(byteMutation, { minLength: 1, maxLength: 3 }), fc.boolean(), async (which, mutations, resealed) => {
      let bytes = mutateBytes(files[which], mutations);
      if (kind === 'checkpoint' && resealed) bytes = reseal(bytes);
      outcomes[await loadBinary(kind, bytes, backend)]++;
    }), { numRuns: RUNS, seed: 1128 });
    expect(outcomes.refused).toBeGreaterThan(RUNS / 4);
  }, 120_000);

  it('safetensors with hostile header values: shapes, dtypes, offsets, huge dimensions', async () => {
    const net = await MLP.create({ layers: [3, 2], activations: ['linear'], dtype: 'float32', backend: 'js', seed: 1 });
    const file = net.toSafetensors();
    const length = Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + length)));
    const data = file.subarray(8 + length);
    const tensors = Object.keys(header).filter((k) => k !== '__metadata__');
    const field = fc.constantFrom('shape', 'dtype', 'data_offsets');
    await fc.assert(fc.asyncProperty(fc.constantFrom(...tensors), field, hostileValue, async (tensor, key, value) => {
      const edited = structuredClone(header);
      edited[tensor][key] = value;
      const json = new TextEncoder().encode(JSON.stringify(edited) ?? '');
      const bytes = new Uint8Array(8 + json.length + data.length);
      new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
      bytes.set(json, 8);
      bytes.set(data, 8 + json.length);
      await loadBinary('safetensors', bytes, backend);
    }), { numRuns: Math.min(RUNS, 2000), seed: 2811 });
  }, 120_000);
});
