// safetensors interop, both directions, against files and outputs frozen from PyTorch by
// test/fixtures/safetensors/make_fixtures.py (torch + json + struct, loading into nn.Linear).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FormatError, MLP, type Activation } from '../src/index.js';
import { maxRelativeError } from './helpers.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`./fixtures/safetensors/${name}`, import.meta.url)));
const outputs = JSON.parse(new TextDecoder().decode(fixture('outputs.json')));
// The network make-wasm-mlp-file.mjs saved.
const WASM_MLP_NET = { layers: [3, 5, 2], activations: ['tanh', 'sigmoid'] as Activation[], loss: 'binary-cross-entropy' as const, dtype: 'float64' as const, seed: 12 };

describe('wasm-mlp → PyTorch', () => {
  it('toSafetensors writes today exactly the file PyTorch loaded with load_state_dict(strict=True)', async () => {
    const net = await MLP.create(WASM_MLP_NET);
    expect(net.toSafetensors()).toEqual(fixture('wasm-mlp.safetensors'));
  });

  it('torch computed the same outputs from it as wasm-mlp (float64, 1e-12)', async () => {
    const net = await MLP.create(WASM_MLP_NET);
    const { X, outputs: expected } = outputs.fromWasmMlp;
    expect(maxRelativeError((net.predict(X) as number[][]).flat(), expected.flat())).toBeLessThan(1e-12);
  });

  it('follows the spec: u64 LE header length, space-padded JSON to 8 bytes, string-only metadata, F32/F64, data_offsets tiling the data', async () => {
    const net = await MLP.create({ layers: [2, 3, 1], activations: ['relu', 'linear'], seed: 3 });
    const bytes = net.toSafetensors();
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text).toMatch(/^\{.*\} *$/);
    const header = JSON.parse(text);
    expect(Object.values(header.__metadata__).every((v) => typeof v === 'string')).toBe(true);
    expect(header.__metadata__).toEqual({ format: 'wasm-mlp', layers: '[2,3,1]', activations: '["relu","linear"]', loss: 'mse', dtype: 'float32', dropout: '[0]' });
    expect(header['layers.0.weight']).toEqual({ dtype: 'F32', shape: [3, 2], data_offsets: [0, 24] });
    expect(header['layers.0.bias']).toEqual({ dtype: 'F32', shape: [3], data_offsets: [24, 36] });
    expect(header['layers.1.weight']).toEqual({ dtype: 'F32', shape: [1, 3], data_offsets: [36, 48] });
    expect(header['layers.1.bias']).toEqual({ dtype: 'F32', shape: [1], data_offsets: [48, 52] });
    expect(bytes.length).toBe(8 + n + 52);
    expect(Array.from(new Float32Array(bytes.slice(8 + n).buffer))).toEqual(Array.from(net.getParameters()));
  });

  it('round-trips bit-exactly through fromSafetensors, architecture included', async () => {
    const net = await MLP.create({ layers: [4, 6, 3], activations: ['leaky-relu', 'softmax'], loss: 'cross-entropy', dtype: 'float64', dropout: 0.3, seed: 9 });
    const copy = await MLP.fromSafetensors(net.toSafetensors(), { backend: 'js' });
    expect(copy.architecture).toEqual(net.architecture);
    expect(copy.backend).toBe('js');
    expect(Array.from(copy.getParameters())).toEqual(Array.from(net.getParameters()));
  });
});

describe('PyTorch → wasm-mlp', () => {
  it.each(outputs.fromTorch as { file: string; activations: Activation[]; X: number[][]; outputs: number[][] }[])('$file (state_dict, no wasm-mlp metadata) predicts as torch did', async ({ file, activations, X, outputs: expected }) => {
    const net = await MLP.fromSafetensors(fixture(file), { activations });
    const f64 = file.includes('f64');
    expect(net.dtype).toBe(f64 ? 'float64' : 'float32');
    expect(maxRelativeError((net.predict(X) as number[][]).flat(), expected.flat())).toBeLessThan(f64 ? 1e-12 : 1e-5); // float32: summation order differs (SIMD GEMM)
  });

  it('needs activations when the file does not say', async () => {
    await expect(MLP.fromSafetensors(fixture('torch-f32.safetensors'))).rejects.toThrow(/pass options\.activations \(one per layer, 2 here\)/);
    await expect(MLP.fromSafetensors(fixture('torch-f32.safetensors'), { activations: ['relu'] })).rejects.toThrow(/activations must be an array of 2 names/);
  });
});

describe('malformed safetensors are FormatErrors', () => {
  const good = async () => (await MLP.create({ layers: [2, 3, 1], activations: ['relu', 'linear'], seed: 3 })).toSafetensors();
  function rewrite(bytes: Uint8Array, edit: (h: any) => void, data?: Uint8Array) {
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    edit(header);
    const json = new TextEncoder().encode(JSON.stringify(header));
    const body = data ?? bytes.subarray(8 + n);
    const out = new Uint8Array(8 + json.length + body.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    out.set(body, 8 + json.length);
    return out;
  }
  const cases: [string, (b: Uint8Array) => Uint8Array, RegExp][] = [
    ['too short', () => new Uint8Array(3), /shorter than the 8-byte header length/],
    ['header past the end', (b) => b.slice(0, 20), /runs past the end/],
    ['huge header length', (b) => { const c = b.slice(); c[6] = 1; return c; }, /exceeds the format's limit/],
    ['not JSON', (b) => { const c = b.slice(); c[8] = 0x5b; return c; }, /not valid UTF-8 JSON/],
    ['truncated data', (b) => b.slice(0, b.length - 4), /cover 52 bytes of data but the file has 48/],
    ['overlapping offsets', (b) => rewrite(b, (h) => { h['layers.0.bias'].data_offsets = [20, 32]; }), /spans bytes 20–32|gap or overlap/],
    ['size not matching shape', (b) => rewrite(b, (h) => { h['layers.0.bias'].shape = [4]; }), /needs 16/],
    ['unsupported dtype', (b) => rewrite(b, (h) => { h['layers.0.bias'].dtype = 'BF16'; }), /dtype BF16; wasm-mlp reads F32 and F64/],
    ['missing tensor', (b) => rewrite(b, (h) => { delete h['layers.1.bias']; }, b.subarray(b.length - 52, b.length - 4)), /"layers\.1\.bias" is missing/],
    ['extra tensor', (b) => rewrite(b, (h) => { h.extra = { dtype: 'F32', shape: [1], data_offsets: [52, 56] }; }, new Uint8Array(56)), /unexpected tensors "extra"/],
    ['metadata architecture inconsistent with shapes', (b) => rewrite(b, (h) => { h.__metadata__.layers = '[2,4,1]'; }), /has shape \[3,2\], expected \[4,2\]/],
    ['absurd metadata dimensions', (b) => rewrite(b, (h) => { h.__metadata__.layers = '[16777216,16777216,1]'; }), /has shape \[3,2\], expected \[16777216,16777216\]/],
    ['NaN weight', (b) => { const c = b.slice(); c.set([0, 0, 0xc0, 0x7f], c.length - 52); return c; }, /is NaN, expected a finite number/],
  ];
  it.each(cases)('%s', async (_, damage, message) => {
    const bytes = damage(await good());
    await expect(MLP.fromSafetensors(bytes)).rejects.toThrow(FormatError);
    await expect(MLP.fromSafetensors(bytes)).rejects.toThrow(message);
  });
});

describe('byte sources', () => {
  it('reads a Node Buffer that sits at an odd offset of a shared pool (readFileSync output), for both formats', async () => {
    const net = await MLP.create({ layers: [3, 4, 2], activations: ['tanh', 'linear'], dtype: 'float64', seed: 2 });
    const inPool = (bytes: Uint8Array) => {
      const pool = Buffer.alloc(bytes.length + 13);
      pool.set(bytes, 5);
      return pool.subarray(5, 5 + bytes.length);
    };
    const fromTensors = await MLP.fromSafetensors(inPool(net.toSafetensors()));
    const fromCheckpoint = await MLP.load(inPool(net.save()));
    expect(Array.from(fromTensors.getParameters())).toEqual(Array.from(net.getParameters()));
    expect(Array.from(fromCheckpoint.getParameters())).toEqual(Array.from(net.getParameters()));
  });
});
