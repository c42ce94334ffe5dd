// The input stage and class names: fitted values against hand computations of scikit-learn's
// documented formulas (StandardScaler: (x − mean) / std with the population std, ddof = 0, and
// scale 1 for a constant column; MinMaxScaler: (x − min) / (max − min); OneHotEncoder and
// OrdinalEncoder with sorted categories; LabelEncoder's sorted classes), the encoding a network
// applies to raw rows, and the errors for bad specs and rows, which leave a network unchanged.
import { describe, expect, it } from 'vitest';
import { MLP, ShapeError, WasmMlpError, adaptInput, adaptLabels, type InputSpec, type InputStage } from '../src/index.js';
// The worker loads the built package: fitAsync({ worker: true }) is tested on it.
import { MLP as BuiltMLP, adaptInput as builtAdaptInput } from '../dist/index.js';

/** A float64 network whose one linear layer is the identity: predict returns the stage's encoding itself. */
async function identity(input: InputStage): Promise<MLP> {
  const net = await MLP.create({ layers: [input.width, input.width], activations: ['linear'], dtype: 'float64', input });
  const w = input.width;
  net.setParameters(Array.from({ length: w * w + w }, (_, k) => (k < w * w && k % (w + 1) === 0 ? 1 : 0)));
  return net;
}

const ROWS = [
  [1, 10, 7, 'b', 'lo'],
  [2, 20, 7, 'a', 'hi'],
  [4, 15, 7, 'c', 'mid'],
  [9, 30, 7, 'a', 'hi'],
];
const SPEC: InputSpec = {
  columns: [
    { name: 'x', type: 'standardize' },
    { name: 'z', type: 'min-max' },
    { name: 'c', type: 'standardize' },
    { name: 'city', type: 'one-hot' },
    { name: 'size', type: 'ordinal' },
  ],
};

describe('adaptInput', () => {
  it('fits StandardScaler, MinMaxScaler and the encoders as scikit-learn documents them', () => {
    const input = adaptInput(ROWS, SPEC);
    // x: mean (1 + 2 + 4 + 9) / 4 = 4; squared deviations 9, 4, 0, 25: population variance 38 / 4.
    expect(input.columns[0]).toEqual({ name: 'x', type: 'standardize', mean: 4, std: Math.sqrt(9.5) });
    expect(input.columns[1]).toEqual({ name: 'z', type: 'min-max', min: 10, max: 30 });
    expect(input.columns[2]).toEqual({ name: 'c', type: 'standardize', mean: 7, std: 0 });
    expect(input.columns[3]).toEqual({ name: 'city', type: 'one-hot', categories: ['a', 'b', 'c'], handleUnknown: 'error' });
    expect(input.columns[4]).toEqual({ name: 'size', type: 'ordinal', categories: ['hi', 'lo', 'mid'] });
    expect(input.width).toBe(1 + 1 + 1 + 3 + 1);
  });

  it('agrees with numpy\'s mean and std(ddof=0), min and max, and the encodings built on them', async () => {
    // Reference: numpy 2.4.6, x.mean(), x.std(ddof=0), (x − mean) / std, (x − min) / (max − min).
    const x = [3.7, -1.25, 8.0, 0.5, 2.2, 2.2, -4.1, 10.75, 6.3, 1.1];
    const input = adaptInput(x.map((v) => [v, v]), { columns: [{ name: 's', type: 'standardize' }, { name: 'm', type: 'min-max' }] });
    const [s, m] = input.columns as [{ mean: number; std: number }, { min: number; max: number }];
    expect(s.mean).toBeCloseTo(2.9400000000000004, 14);
    expect(s.std).toBeCloseTo(4.1954618339343765, 14);
    expect([m.min, m.max]).toEqual([-4.1, 10.75]);
    const encoded = (await identity(input)).predict(x.slice(0, 3).map((v) => [v, v])) as number[][];
    [[0.1811481143393682, 0.5252525252525253], [-0.9986981566867802, 0.1919191919191919], [1.2060650770489516, 0.8148148148148148]]
      .forEach((row, i) => row.forEach((v, j) => expect(encoded[i][j]).toBeCloseTo(v, 14)));
  });

  it('sorts numeric categories as numbers, keeps given categories and statistics, and reads numbers as text in a categorical column', () => {
    const input = adaptInput([[3, 1], [10, 2], [2, 3]], { columns: [{ name: 'code', type: 'one-hot' }, { name: 'x', type: 'standardize', mean: 0, std: 2 }] });
    expect(input.columns[0]).toMatchObject({ categories: ['2', '3', '10'] });
    expect(input.columns[1]).toEqual({ name: 'x', type: 'standardize', mean: 0, std: 2 });
    const given = adaptInput([['b']], { columns: [{ name: 'k', type: 'ordinal', categories: ['z', 'b', 7] }] });
    expect(given.columns[0]).toEqual({ name: 'k', type: 'ordinal', categories: ['z', 'b', '7'] });
  });

  it('gives a constant column std 0 exactly, though a sum of its values rounds (0.1 × 3 / 3 ≠ 0.1)', () => {
    const input = adaptInput([[0.1], [0.1], [0.1]], { columns: [{ name: 'c', type: 'standardize' }] });
    expect(input.columns[0]).toEqual({ name: 'c', type: 'standardize', mean: 0.1, std: 0 });
  });

  it('takes rows as arrays, as objects keyed by column name, or as a flat typed array', () => {
    const spec: InputSpec = { columns: [{ name: 'a', type: 'standardize' }, { name: 'b', type: 'min-max' }] };
    const fromArrays = adaptInput([[1, 5], [3, 9]], spec);
    expect(adaptInput([{ a: 1, b: 5 }, { b: 9, a: 3, extra: 'ignored' }], spec)).toEqual(fromArrays);
    expect(adaptInput(Float64Array.of(1, 5, 3, 9), spec)).toEqual(fromArrays);
  });
});

describe('a network with an input stage', () => {
  it('encodes raw rows before its first layer: (x − mean) / std, (x − min) / (max − min), one-hot blocks, ordinal indices', async () => {
    const input = adaptInput(ROWS, SPEC);
    const net = await identity(input);
    const s = Math.sqrt(9.5);
    expect(net.predict([[9, 15, 8, 'b', 'mid'], [4, 40, 7, 'a', 'hi']])).toEqual([
      [5 / s, 0.25, 1, 0, 1, 0, 2], // the constant column is divided by 1: 8 − 7
      [0, 1.5, 0, 1, 0, 0, 0], // min-max does not clip (feature_range (0, 1), clip=False)
    ]);
    // One sample, an object row, and predictInto give the same encoding.
    expect(net.predict([9, 15, 8, 'b', 'mid'])).toEqual([5 / s, 0.25, 1, 0, 1, 0, 2]);
    expect(net.predict([{ size: 'mid', city: 'b', c: 8, z: 15, x: 9 }])).toEqual([[5 / s, 0.25, 1, 0, 1, 0, 2]]);
    expect(Array.from(net.predictInto([[9, 15, 8, 'b', 'mid']], new Float64Array(7)))).toEqual([5 / s, 0.25, 1, 0, 1, 0, 2]);
  });

  it('returns a flat typed array for one (of numeric columns only), in its type', async () => {
    const input = adaptInput(Float64Array.of(1, 2, 3, 6), { columns: [{ name: 'a', type: 'standardize' }, { name: 'b', type: 'passthrough' }] });
    const net = await identity(input);
    const out = net.predict(Float32Array.of(3, 6));
    expect(out).toBeInstanceOf(Float32Array);
    expect(Array.from(out as Float32Array)).toEqual([1, 6]);
  });

  it("encodes an unknown category as all zeros with handleUnknown: 'ignore', and refuses it otherwise, naming row, column and the known categories", async () => {
    const spec: InputSpec = { columns: [{ name: 'city', type: 'one-hot', handleUnknown: 'ignore' }, { name: 'size', type: 'ordinal' }] };
    const net = await identity(adaptInput([['a', 'lo'], ['b', 'hi']], spec));
    expect(net.predict([['Capital City', 'hi']])).toEqual([[0, 0, 0]]);
    expect(() => net.predict([['a', 'hi'], ['b', 'huge']])).toThrow(/^predict: X row 1, column "size" is "huge", a category the input stage was not fitted on \(it knows "hi", "lo"\)$/);
    const strict = await identity(adaptInput([['a']], { columns: [{ name: 'city', type: 'one-hot' }] }));
    expect(() => strict.predict([['z']])).toThrow(/X row 0, column "city" is "z", .*; give the column handleUnknown: 'ignore' to encode unknown categories as all zeros/);
  });

  it('exposes its stage and class names as copies, and its summary lists them', async () => {
    const input = adaptInput([[1, 'a'], [2, 'b']], { columns: [{ name: 'x', type: 'standardize' }, { name: 'k', type: 'one-hot' }] });
    const net = await MLP.create({ layers: [3, 2], activations: ['softmax'], loss: 'cross-entropy', input, classNames: ['no', 'yes'] });
    expect(net.input).toEqual(input);
    expect(net.input).not.toBe(net.input);
    expect(net.classNames).toEqual(['no', 'yes']);
    expect(net.summary().split('\n').slice(0, 3)).toEqual(['MLP 3-2', 'Input: x standardize, k one-hot (2 categories) → 3 values', 'Classes: no, yes']);
    const plain = await MLP.create({ layers: [2, 1], activations: ['linear'] });
    expect(plain.summary().split('\n')[1]).toMatch(/^─+$/);
    expect(plain.input).toBeNull();
    expect(plain.classNames).toBeNull();
  });

  it('trains on raw rows exactly as a network without a stage trains on the encoded rows', async () => {
    const rows = Array.from({ length: 24 }, (_, i) => [i % 7, ['r', 'g', 'b'][i % 3], (i * 5) % 11]);
    const labels = rows.map((r) => ((r[0] as number) + (r[2] as number) > 8 ? 1 : 0));
    const input = adaptInput(rows, { columns: [{ name: 'n', type: 'standardize' }, { name: 'colour', type: 'one-hot' }, { name: 'm', type: 'min-max' }] });
    const options = { layers: [input.width, 6, 2], activations: ['tanh', 'softmax'], loss: 'cross-entropy', seed: 3, dtype: 'float64' } as const;
    const staged = await MLP.create({ ...options, input });
    const encoded = (await identity(input)).predict(rows) as number[][];
    const bare = await MLP.create(options);
    staged.fit(rows, labels, { epochs: 5, batchSize: 8 });
    bare.fit(encoded, labels, { epochs: 5, batchSize: 8 });
    expect(staged.getParameters()).toEqual(bare.getParameters());
    expect(staged.evaluate(rows, labels)).toEqual(bare.evaluate(encoded, labels));
    expect(staged.loss(rows, labels)).toBe(bare.loss(encoded, labels));
    expect(staged.gradient(rows, labels)).toEqual(bare.gradient(encoded, labels));
    expect(staged.step(rows, labels)).toBe(bare.step(encoded, labels));
    expect(staged.trace(rows.slice(0, 2), labels.slice(0, 2)).loss).toBe(bare.trace(encoded.slice(0, 2), labels.slice(0, 2)).loss);
    // Validation data goes through the stage too.
    const a = staged.fit(rows, labels, { epochs: 1, validationData: { X: rows, Y: labels } });
    const b = bare.fit(encoded, labels, { epochs: 1, validationData: { X: encoded, Y: labels } });
    expect(a.valLoss).toEqual(b.valLoss);
    // fitDataset's batches, and fitAsync on this thread and in a worker.
    await staged.fitDataset(() => [{ x: rows, y: labels }], { epochs: 1 });
    await bare.fitDataset(() => [{ x: encoded, y: labels }], { epochs: 1 });
    await staged.fitAsync(rows, labels, { epochs: 1 });
    await bare.fitAsync(encoded, labels, { epochs: 1 });
    expect(staged.getParameters()).toEqual(bare.getParameters());
  });

  it('trains in a worker (fitAsync with worker: true) as fit trains', async () => {
    const rows = Array.from({ length: 16 }, (_, i) => [i % 5, ['r', 'g'][i % 2]]);
    const labels = rows.map((r) => ((r[0] as number) > 2 ? 1 : 0));
    const input = builtAdaptInput(rows, { columns: [{ name: 'n', type: 'standardize' }, { name: 'colour', type: 'one-hot' }] });
    const options = { layers: [input.width, 4, 2], activations: ['tanh', 'softmax'], loss: 'cross-entropy', seed: 3, input, classNames: ['lo', 'hi'] } as const;
    const named = labels.map((l) => options.classNames[l]);
    const inWorker = await BuiltMLP.create(options);
    const here = await BuiltMLP.create(options);
    await inWorker.fitAsync(rows, named, { epochs: 3, batchSize: 4, worker: true, validationData: { X: rows, Y: named } });
    here.fit(rows, named, { epochs: 3, batchSize: 4, validationData: { X: rows, Y: named } });
    expect(inWorker.getParameters()).toEqual(here.getParameters());
  });
});

describe('class names', () => {
  it('adaptLabels lists the sorted distinct names, as LabelEncoder.classes_', () => {
    expect(adaptLabels(['virginica', 'setosa', 'virginica', 'versicolor'])).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(() => adaptLabels(['a', 3 as never])).toThrow(/^adaptLabels: y\[1\] must be a class name \(a non-empty string\), got 3$/);
  });

  it('fit, loss and evaluate take the names as labels: the same numbers as their indices (softmax) or 0/1 (one sigmoid output)', async () => {
    const X = [[0, 1], [1, 0], [1, 1], [0, 0], [2, 1], [1, 2]];
    const names = ['cat', 'dog', 'cat', 'emu', 'dog', 'emu'];
    const classNames = adaptLabels(names);
    const indices = names.map((n) => classNames.indexOf(n));
    const softmax = { layers: [2, 4, 3], activations: ['relu', 'softmax'], loss: 'cross-entropy', seed: 2 } as const;
    const named = await MLP.create({ ...softmax, classNames });
    const numbered = await MLP.create(softmax);
    named.fit(X, names, { epochs: 4, batchSize: 2 });
    numbered.fit(X, indices, { epochs: 4, batchSize: 2 });
    expect(named.getParameters()).toEqual(numbered.getParameters());
    expect(named.evaluate(X, names, { metrics: ['accuracy'] })).toEqual(numbered.evaluate(X, indices, { metrics: ['accuracy'] }));

    const sigmoid = { layers: [2, 1], activations: ['sigmoid'], loss: 'binary-cross-entropy', seed: 2 } as const;
    const yes = names.map((n) => (n === 'dog' ? 'yes' : 'no'));
    const binary = await MLP.create({ ...sigmoid, classNames: ['no', 'yes'] });
    expect(binary.loss(X, yes)).toBe((await MLP.create(sigmoid)).loss(X, yes.map((n) => (n === 'yes' ? 1 : 0))));
  });

  it('refuses a name the network does not know, names for a network without classNames, and classNames that do not fit the network', async () => {
    const net = await MLP.create({ layers: [2, 2], activations: ['softmax'], loss: 'cross-entropy', classNames: ['a', 'b'] });
    expect(() => net.loss([[0, 0], [1, 1]], ['a', 'c'])).toThrow(/^loss: Y\[1\] is "c", not one of the network's classNames \(a, b\)$/);
    const plain = await MLP.create({ layers: [2, 2], activations: ['softmax'], loss: 'cross-entropy' });
    expect(() => plain.fit([[0, 0]], ['a'])).toThrow(/^fit: Y\[0\] must be a class label, an integer in \[0, 1\], got "a"$/);
    await expect(MLP.create({ layers: [2, 3], activations: ['softmax'], loss: 'cross-entropy', classNames: ['a', 'b'] })).rejects.toThrow(ShapeError);
    await expect(MLP.create({ layers: [2, 3], activations: ['softmax'], loss: 'cross-entropy', classNames: ['a', 'b', 'a'] })).rejects.toThrow(/classNames\[2\] "a" appears twice/);
    await expect(MLP.create({ layers: [2, 1], activations: ['linear'], classNames: ['a', 'b'] })).rejects.toThrow(/classNames name the classes of a classifier .* this network has loss 'mse' and 1 outputs/);
  });
});

describe('bad specs and rows', () => {
  const rows = [[1, 'a'], [2, 'b']];
  const spec: InputSpec = { columns: [{ name: 'x', type: 'standardize' }, { name: 'k', type: 'one-hot' }] };

  it.each([
    [{ columns: [{ name: 'x', type: 'standardise' }] }, /^adaptInput: spec.columns\[0\].type \(column "x"\) must be one of 'standardize', 'min-max', 'passthrough', 'one-hot', 'ordinal', got "standardise"; did you mean 'standardize'\?/],
    [{ columns: [] }, /spec.columns must be a non-empty array/],
    [{ columns: [{ name: 'x', type: 'one-hot', handle_unknown: 'ignore' }] }, /spec.columns\[0\] \(column "x", one-hot\).handle_unknown is not a field here; did you mean 'handleUnknown'\?/],
    [{ columns: [{ name: 'x', type: 'ordinal', handleUnknown: 'ignore' }] }, /\.handleUnknown is not a field here/],
    [{ columns: [{ name: 'x', type: 'standardize', mean: 1 }] }, /column "x", standardize\) needs both mean and std or neither/],
    [{ columns: [{ name: 'x', type: 'min-max', min: 2, max: 1 }] }, /\.max \(1\) must be ≥ its min \(2\)/],
    [{ columns: [{ name: 'x', type: 'standardize' }, { name: 'x', type: 'one-hot' }] }, /spec.columns\[1\].name "x" names a column that an earlier entry names too/],
    [{ columns: [{ name: 'x', type: 'one-hot', categories: ['a', 'a'] }] }, /categories\[1\] "a" appears twice/],
    [{ columns: [{ name: 'x', type: 'one-hot', handleUnknown: 'skip' }] }, /handleUnknown must be 'error' or 'ignore', got "skip"/],
  ])('adaptInput refuses spec %#', (bad, message) => {
    expect(() => adaptInput([[1]], bad as never)).toThrow(WasmMlpError);
    expect(() => adaptInput([[1]], bad as never)).toThrow(message);
  });

  it('adaptInput refuses rows that do not fit the spec, naming row and column', () => {
    expect(() => adaptInput([[1, 'a'], [2]], spec)).toThrow(/^adaptInput: rows row 1 has 1 cell, expected 2 \(the raw columns x, k\)$/);
    expect(() => adaptInput([{ x: 1 }], spec)).toThrow(/rows row 0 has no key "k"/);
    expect(() => adaptInput([['Shelbyville', 'a']], spec)).toThrow(/^adaptInput: rows row 0, column "x" must be a finite number, got "Shelbyville"; a text column needs type 'one-hot' or 'ordinal' in the input stage$/);
    expect(() => adaptInput([[NaN, 'a']], spec)).toThrow(/column "x" must be a finite number, got NaN$/);
    expect(() => adaptInput([['5.1', 'a']], spec)).toThrow(/column "x" must be a finite number, got "5.1" \(text: pass numbers as numbers\)$/);
    expect(() => adaptInput([[1, null]], spec)).toThrow(/column "k" must be a category \(a string, or a finite number\), got null/);
    expect(() => adaptInput('rows' as never, spec)).toThrow(/rows must be a non-empty array of rows/);
  });

  it('MLP.create refuses a stage without statistics, or one whose width is not layers[0]', async () => {
    await expect(MLP.create({ layers: [3, 1], activations: ['linear'], input: spec })).rejects.toThrow(/^MLP.create: input.columns\[0\] \(column "x", standardize\) needs both mean and std; fit them from data with adaptInput\(rows, spec\)$/);
    const input = adaptInput(rows, spec);
    await expect(MLP.create({ layers: [2, 1], activations: ['linear'], input })).rejects.toThrow(/^MLP.create: input encodes each row as 3 values \(x 1, k 2\), but layers\[0\] is 2; use layers \[3, …\] \(input.width\)$/);
    await expect(MLP.create({ layers: [3, 1], activations: ['linear'], input: { ...input, width: 4 } })).rejects.toThrow(/input.width is 4, but its columns encode 3 values/);
  });

  it('leaves the network exactly as it was after a bad row in fit, step or fitAsync', async () => {
    const input = adaptInput(rows, spec);
    const net = await MLP.create({ layers: [3, 2], activations: ['softmax'], loss: 'cross-entropy', input, classNames: ['no', 'yes'], seed: 4 });
    const before = net.getParameters();
    const bad = [[1, 'a'], [2, 'z']];
    expect(() => net.fit(bad, ['no', 'yes'], { epochs: 2 })).toThrow(/fit: X row 1, column "k" is "z"/);
    expect(() => net.step(rows, ['no', 'maybe'])).toThrow(/step: Y\[1\] is "maybe"/);
    expect(() => net.fit(rows, ['no', 'yes'], { validationData: { X: bad, Y: ['no', 'yes'] } })).toThrow(/fit: options.validationData.X row 1, column "k" is "z"/);
    await expect(net.fitAsync(bad, ['no', 'yes'])).rejects.toThrow(/fitAsync: X row 1/);
    expect(net.getParameters()).toEqual(before);
    expect(net.epoch).toBe(0);
  });
});
