// A network's input stage and class names in every format: JSON, checkpoint, safetensors
// metadata, the inference entry's Predictor, toFunction's module and ONNX (run by
// onnxruntime-web), each predicting from raw rows what `predict` does.
import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-web';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FormatError, MLP, adaptInput, adaptLabels, type DType, type InputSpec } from '../src/index.js';
import { Predictor } from '../src/inference/index.js';

beforeAll(() => {
  ort.env.wasm.numThreads = 1;
});

const CITIES = ['Springfield', 'Shelbyville', 'Ogdenville', 'North Haverbrook'];
const ROWS = Array.from({ length: 30 }, (_, i) => [4 + ((i * 7) % 13) / 4, CITIES[i % 4], (i * 3) % 10, ['S', 'M', 'L'][i % 3]] as [number, string, number, string]);
const LABELS = ROWS.map(([x, city, z]) => (x + z / 3 > 6 ? 'high' : city === 'Ogdenville' ? 'odd' : 'low'));
const SPEC: InputSpec = {
  columns: [
    { name: 'length', type: 'standardize' },
    { name: 'city', type: 'one-hot', handleUnknown: 'ignore' },
    { name: 'rooms', type: 'min-max' },
    { name: 'size', type: 'ordinal', categories: ['S', 'M', 'L'] },
  ],
};
/** Rows the stage never saw (a new city, values outside the fitted range). */
const NEW_ROWS = [[5.5, 'Capital City', 12, 'M'], [3, 'Shelbyville', 0, 'L']];

async function trained(dtype: DType): Promise<MLP> {
  const input = adaptInput(ROWS, SPEC);
  const net = await MLP.create({ layers: [input.width, 8, 3], activations: ['tanh', 'softmax'], loss: 'cross-entropy', input, classNames: adaptLabels(LABELS), dtype, seed: 9 });
  net.fit(ROWS, LABELS, { epochs: 20, batchSize: 8 });
  return net;
}

async function importSource(source: string): Promise<Record<string, unknown> & { predict: (X: unknown) => number[][] | Float32Array | Float64Array }> {
  const file = join(mkdtempSync(join(tmpdir(), 'wasm-mlp-stage-')), 'model.mjs');
  writeFileSync(file, source);
  return import(pathToFileURL(file).href);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe.each(['float32', 'float64'] as DType[])('a %s network with an input stage and class names', (dtype) => {
  it('keeps both through JSON, checkpoint and safetensors, and predicts identically on raw rows', async () => {
    const net = await trained(dtype);
    const expected = net.predict([...ROWS, ...NEW_ROWS]);
    const copies = [
      await MLP.fromJSON(JSON.stringify(net)),
      await MLP.load(net.save()),
      await MLP.fromSafetensors(net.toSafetensors()),
    ];
    for (const copy of copies) {
      expect(copy.input).toEqual(net.input);
      expect(copy.classNames).toEqual(['high', 'low', 'odd']);
      expect(copy.predict([...ROWS, ...NEW_ROWS])).toEqual(expected);
    }
  });

  it('is applied by the inference entry\'s Predictor, from a checkpoint or safetensors', async () => {
    const net = await trained(dtype);
    for (const bytes of [net.save(), net.toSafetensors()]) {
      const predictor = await Predictor.load(bytes);
      expect(predictor.classNames).toEqual(net.classNames);
      expect(predictor.predict([...ROWS, ...NEW_ROWS] as never)).toEqual(net.predict([...ROWS, ...NEW_ROWS]));
      expect(() => predictor.predict([[1, 'Springfield', 1, 'XL']] as never)).toThrow(/^predict: X row 0, column "size" is "XL", a category the input stage was not fitted on/);
      predictor.dispose();
    }
  });

  it('is written into toFunction\'s module, which predicts raw rows (arrays or objects) as predict does', async () => {
    const net = await trained(dtype);
    const mod = await importSource(net.toFunction());
    expect(mod.classNames).toEqual(['high', 'low', 'odd']);
    expect(mod.input).toEqual(net.input);
    const expected = (net.predict([...ROWS, ...NEW_ROWS]) as number[][]).flat();
    const tolerance = dtype === 'float64' ? 1e-12 : 1e-6;
    expect(maxAbsDiff((mod.predict([...ROWS, ...NEW_ROWS]) as number[][]).flat(), expected)).toBeLessThan(tolerance);
    const objects = ROWS.map(([length, city, rooms, size]) => ({ size, rooms, city, length }));
    expect(mod.predict(objects)).toEqual(mod.predict(ROWS));
    expect(() => mod.predict([[1, 'Springfield', 1, 'XL']])).toThrow(/X row 0, column "size" is "XL", a category the input stage was not fitted on/);
    expect(() => mod.predict([['x', 'Springfield', 1, 'S']])).toThrow(/X row 0, column "length" must be a finite number, got "x"/);
  });

  it('is part of the ONNX graph, whose text input onnxruntime-web predicts as predict does', async () => {
    const net = await trained(dtype);
    const session = await ort.InferenceSession.create(net.toOnnx(), { executionProviders: ['wasm'] });
    const rows = [...ROWS, ...NEW_ROWS];
    const cells = rows.flat().map(String);
    const result = await session.run({ input: new ort.Tensor('string', cells, [rows.length, 4]) });
    const expected = (net.predict(rows) as number[][]).flat();
    expect(maxAbsDiff(result.output.data as Float32Array, expected)).toBeLessThan(dtype === 'float64' ? 1e-12 : 1e-6);
    await session.release();
  });
});

describe('the input stage in ONNX', () => {
  it('keeps a numeric stage\'s input as numbers: Sub and Div before the first Gemm', async () => {
    const rows = [[1, 10], [2, 30], [6, 20]];
    const input = adaptInput(rows, { columns: [{ name: 'a', type: 'standardize' }, { name: 'b', type: 'min-max' }] });
    const net = await MLP.create({ layers: [2, 3, 1], activations: ['relu', 'linear'], input, dtype: 'float64', seed: 1 });
    net.fit(rows, [[1], [2], [3]], { epochs: 5 });
    const session = await ort.InferenceSession.create(net.toOnnx(), { executionProviders: ['wasm'] });
    const X = Float64Array.of(1, 10, 2, 30, 6, 20, 9, 0);
    const result = await session.run({ input: new ort.Tensor('float64', X, [4, 2]) });
    expect(maxAbsDiff(result.output.data as Float64Array, net.predict(X) as Float64Array)).toBeLessThan(1e-12);
    await session.release();
  });

  it('refuses an unknown category of a one-hot column without handleUnknown: \'ignore\', as predict does', async () => {
    const input = adaptInput([['a'], ['b']], { columns: [{ name: 'k', type: 'one-hot' }] });
    const net = await MLP.create({ layers: [2, 1], activations: ['sigmoid'], loss: 'binary-cross-entropy', input, classNames: ['no', 'yes'] });
    const session = await ort.InferenceSession.create(net.toOnnx(), { executionProviders: ['wasm'] });
    const known = await session.run({ input: new ort.Tensor('string', ['b', 'a'], [2, 1]) });
    expect(maxAbsDiff(known.output.data as Float32Array, (net.predict([['b'], ['a']]) as number[][]).flat())).toBeLessThan(1e-6);
    await expect(session.run({ input: new ort.Tensor('string', ['c'], [1, 1]) })).rejects.toThrow(/Unknown Category/);
    await session.release();
  });
});

describe('files with an input stage', () => {
  it('are checkpoint version 3 (older readers refuse them rather than ignore the stage); a network without one stays version 1', async () => {
    const net = await trained('float32');
    expect(new DataView(net.save().buffer).getUint32(8, true)).toBe(3);
    const plain = await MLP.create({ layers: [2, 1], activations: ['linear'] });
    expect(new DataView(plain.save().buffer).getUint32(8, true)).toBe(1);
  });

  it('with a damaged stage are FormatErrors naming what is wrong', async () => {
    const json = (await trained('float32')).toJSON();
    const damaged = { ...json, input: { ...json.input!, columns: json.input!.columns.slice(1) } };
    await expect(MLP.fromJSON(damaged)).rejects.toThrow(FormatError);
    await expect(MLP.fromJSON(damaged)).rejects.toThrow(/^MLP.fromJSON: input.width is 7, but its columns encode 6 values$/);
    const { width: _, ...noWidth } = damaged.input;
    await expect(MLP.fromJSON({ ...damaged, input: noWidth as never })).rejects.toThrow(/^MLP.fromJSON: input encodes each row as 6 values \(city 4, rooms 1, size 1\), but layers\[0\] is 7/);
    const names = { ...json, classNames: ['high', 'low'] };
    await expect(MLP.fromJSON(names)).rejects.toThrow(/classNames must be an array of 3 class names/);
  });
});
