// Inputs recognised by what they are, not by `instanceof` or their `constructor`: typed arrays
// from another realm (node:vm here; an iframe or jsdom under Jest alike) are accepted wherever
// inputs are checked, and an X whose `constructor` property is shadowed still predicts. Also
// misspelt option keys of toOnnx and Predictor.load, and a damaged safetensors metadata key.
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { FormatError, MLP, ValueError } from '../src/index.js';
import { Predictor } from '../src/inference/index.js';

const realm = vm.createContext({});
/** A typed array made in the other realm, holding `values`. */
function foreign<T>(type: 'Float32Array' | 'Float64Array' | 'Int32Array' | 'Uint8Array', values: ArrayLike<number>): T {
  const array = vm.runInContext(`new ${type}(${values.length})`, realm) as { set(v: ArrayLike<number>): void };
  array.set(values);
  expect(array instanceof Float32Array || array instanceof Float64Array || array instanceof Int32Array || array instanceof Uint8Array).toBe(false);
  return array as T;
}

const spec = { layers: [2, 3, 2], activations: ['tanh', 'softmax'], loss: 'cross-entropy', seed: 4 } as const;
const X = [0.5, -1, 2, 0.25, -0.75, 1.5];
const rows = [[0.5, -1], [2, 0.25], [-0.75, 1.5]];

describe('typed arrays from another realm', () => {
  it('predict, predictInto, loss, gradient, step and fit (with sample weights and Int32Array labels) take them as this realm\'s', async () => {
    const [a, b] = [await MLP.create(spec), await MLP.create(spec)];
    expect(Array.from(a.predict(foreign<Float32Array>('Float32Array', X)) as Float32Array)).toEqual(Array.from(b.predict(Float32Array.from(X)) as Float32Array));
    const out = foreign<Float64Array>('Float64Array', new Array(6).fill(0));
    a.predictInto(foreign<Float64Array>('Float64Array', X), out);
    expect(Array.from(out)).toEqual(Array.from(b.predict(Float64Array.from(X)) as Float64Array));
    const labels = [0, 1, 1];
    const weights = [1, 2, 0.5];
    expect(a.loss(foreign('Float64Array', X), foreign('Int32Array', labels), { sampleWeight: foreign('Float64Array', weights) })).toBe(b.loss(rows, Int32Array.from(labels), { sampleWeight: weights }));
    expect(Array.from(a.gradient(foreign('Float32Array', X), foreign('Int32Array', labels)))).toEqual(Array.from(b.gradient(Float32Array.from(X), Int32Array.from(labels))));
    expect(a.step(foreign('Float32Array', X), foreign('Int32Array', labels))).toBe(b.step(Float32Array.from(X), Int32Array.from(labels)));
    a.fit(foreign('Float32Array', X), foreign('Int32Array', labels), { epochs: 2, batchSize: 2, sampleWeight: foreign('Float32Array', weights) });
    b.fit(Float32Array.from(X), Int32Array.from(labels), { epochs: 2, batchSize: 2, sampleWeight: Float32Array.from(weights) });
    expect(Array.from(a.getParameters())).toEqual(Array.from(b.getParameters()));
  });

  it('MLP.load, MLP.fromSafetensors and Predictor.load take another realm\'s Uint8Array', async () => {
    const net = await MLP.create(spec);
    const want = Array.from(net.predict(Float32Array.from(X)) as Float32Array);
    const loaded = await MLP.load(foreign<Uint8Array>('Uint8Array', net.save()));
    expect(Array.from(loaded.predict(Float32Array.from(X)) as Float32Array)).toEqual(want);
    const fromSafetensors = await MLP.fromSafetensors(foreign<Uint8Array>('Uint8Array', net.toSafetensors()));
    expect(Array.from(fromSafetensors.predict(Float32Array.from(X)) as Float32Array)).toEqual(want);
    const predictor = await Predictor.load(foreign<Uint8Array>('Uint8Array', net.save()));
    expect(Array.from(predictor.predict(foreign<Float32Array>('Float32Array', X)) as Float32Array)).toEqual(want);
  });

  it("toFunction's module takes them, and answers in its own realm's type", async () => {
    const net = await MLP.create({ ...spec, dtype: 'float64' });
    const module = await import(`data:text/javascript,${encodeURIComponent(net.toFunction())}`) as { predict(X: unknown): Float64Array };
    const got = module.predict(foreign('Float64Array', X));
    expect(got).toBeInstanceOf(Float64Array);
    expect(Array.from(got)).toEqual(Array.from(net.predict(Float64Array.from(X)) as Float64Array));
  });

  it('a refusal names the type by its tag, not a constructor that may not be this realm\'s', async () => {
    const net = await MLP.create(spec);
    expect(() => net.predict(foreign('Int32Array', [1, 2]) as never)).toThrow(/got a Int32Array of length 2/);
  });
});

describe('an X whose constructor property is shadowed', () => {
  it('predicts a Float32Array of the outputs', async () => {
    const net = await MLP.create(spec);
    const x = Float32Array.from(X);
    Object.defineProperty(x, 'constructor', { value: Array });
    const got = net.predict(x);
    expect(got).toBeInstanceOf(Float32Array);
    expect(Array.from(got as Float32Array)).toEqual(Array.from(net.predict(Float32Array.from(X)) as Float32Array));
  });
});

describe('an X whose constructor property is shadowed, in training', () => {
  it('fit (validationShuffle), evaluate and loss give the results of a plain X', async () => {
    const [a, b] = [await MLP.create(spec), await MLP.create(spec)];
    const x = Float32Array.from(X);
    Object.defineProperty(x, 'constructor', { value: Array });
    const options = { epochs: 2, batchSize: 2, validationSplit: 0.34, validationShuffle: true };
    const [got, want] = [a.fit(x, [0, 1, 1], options), b.fit(Float32Array.from(X), [0, 1, 1], options)];
    expect([got.loss, got.valLoss]).toEqual([want.loss, want.valLoss]);
    expect(Array.from(a.getParameters())).toEqual(Array.from(b.getParameters()));
    expect(a.evaluate(x, [0, 1, 1], { metrics: ['accuracy'] })).toEqual(b.evaluate(Float32Array.from(X), [0, 1, 1], { metrics: ['accuracy'] }));
    expect(a.loss(x, [0, 1, 1])).toBe(b.loss(Float32Array.from(X), [0, 1, 1]));
  });
});

describe('misspelt option keys', () => {
  it("toOnnx({ dtyp }) is refused, suggesting 'dtype'", async () => {
    const net = await MLP.create(spec);
    expect(() => net.toOnnx({ dtyp: 'float32' } as never)).toThrow(ValueError);
    expect(() => net.toOnnx({ dtyp: 'float32' } as never)).toThrow("toOnnx: options.dtyp is not an option; did you mean 'dtype'?");
  });

  it("Predictor.load(bytes, { activation }) is refused, suggesting 'activations'", async () => {
    const net = await MLP.create(spec);
    await expect(Predictor.load(net.toSafetensors(), { activation: ['tanh', 'softmax'] } as never)).rejects.toThrow("Predictor.load: options.activation is not an option; did you mean 'activations'?");
  });
});

describe('a damaged key in a wasm-mlp safetensors __metadata__', () => {
  it.each([['activations', 'activatimns'], ['layers', 'lazers'], ['format', 'formaT']])('"%s" → "%s": a FormatError, not a request for options.activations', async (key, damaged) => {
    const net = await MLP.create(spec);
    const bytes = net.toSafetensors();
    const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + length));
    const at = header.indexOf(`"${key}"`);
    expect(at).toBeGreaterThan(0);
    bytes.set(new TextEncoder().encode(`"${damaged}"`), 8 + at);
    for (const load of [() => MLP.fromSafetensors(bytes), () => Predictor.load(bytes)]) {
      const failure = load();
      await expect(failure).rejects.toBeInstanceOf(FormatError);
      await expect(failure).rejects.toThrow(`its __metadata__ has a key "${damaged}", one character from wasm-mlp's '${key}' (a damaged file?)`);
    }
  });
});
