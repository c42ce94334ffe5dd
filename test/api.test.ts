// The public contract: θ layout, data forms, JSON round trips, disposal.
import { describe, expect, it } from 'vitest';
import { DisposedError, FormatError, MLP, ShapeError, ValueError, WasmMlpError } from '../src/index.js';

describe('parameter layout', () => {
  it('is nn.Linear weight (outputs × inputs, row-major) then bias, layer by layer', async () => {
    const net = await MLP.create({ layers: [3, 2, 1], activations: ['linear', 'linear'], dtype: 'float64' });
    // W1 = [[1, 2, 3], [4, 5, 6]], b1 = [7, 8], W2 = [[9, 10]], b2 = [11]
    net.setParameters([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const x = [1, -1, 2];
    const h = [1 - 2 + 6 + 7, 4 - 5 + 12 + 8];
    expect(net.predict([x])).toEqual([[9 * h[0] + 10 * h[1] + 11]]);
    expect(net.layout.layers.map((l) => [l.weightOffset, l.biasOffset])).toEqual([[0, 6], [8, 10]]);
    expect(net.parameterCount).toBe(11);
  });

  it('initialises weights from the seed (He for ReLU) and biases to zero', async () => {
    const a = await MLP.create({ layers: [100, 50, 2], activations: ['relu', 'linear'], seed: 5 });
    const b = await MLP.create({ layers: [100, 50, 2], activations: ['relu', 'linear'], seed: 5, backend: 'js' });
    const c = await MLP.create({ layers: [100, 50, 2], activations: ['relu', 'linear'], seed: 6 });
    const theta = a.getParameters();
    expect(Array.from(theta)).toEqual(Array.from(b.getParameters()));
    expect(Array.from(theta)).not.toEqual(Array.from(c.getParameters()));
    const w = theta.subarray(0, 5000);
    const limit = Math.sqrt(6 / 100); // he-uniform: U(−√(6/fanIn), √(6/fanIn))
    expect(Math.max(...w)).toBeLessThanOrEqual(limit);
    expect(Math.min(...w)).toBeGreaterThanOrEqual(-limit);
    const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
    expect(variance).toBeGreaterThan(0.9 * 2 / 100);
    expect(variance).toBeLessThan(1.1 * 2 / 100);
    expect(Array.from(theta.subarray(5000, 5050))).toEqual(new Array(50).fill(0));
  });
});

describe('data forms', () => {
  it('accepts number[][] and flat typed arrays, and answers in the form given', async () => {
    const net = await MLP.create({ layers: [2, 3, 2], activations: ['tanh', 'linear'], dtype: 'float64' });
    const nested = net.predict([[1, 2], [3, 4]]) as number[][];
    const flat64 = net.predict(new Float64Array([1, 2, 3, 4]));
    const flat32 = net.predict(new Float32Array([1, 2, 3, 4]));
    expect(Array.isArray(nested)).toBe(true);
    expect(flat64).toBeInstanceOf(Float64Array);
    expect(flat32).toBeInstanceOf(Float32Array);
    expect(Array.from(flat64)).toEqual(nested.flat());
  });

  it('takes integer class labels for cross-entropy, equal to one-hot rows', async () => {
    const net = await MLP.create({ layers: [2, 3], activations: ['softmax'], loss: 'cross-entropy', dtype: 'float64' });
    const X = [[1, 2], [3, -4]];
    expect(net.loss(X, [2, 0])).toBe(net.loss(X, [[0, 0, 1], [1, 0, 0]]));
    expect(net.loss(X, new Int32Array([2, 0]))).toBe(net.loss(X, [[0, 0, 1], [1, 0, 0]]));
  });

  it('cross-entropy equals −log softmax at the label (PyTorch CrossEntropyLoss on logits)', async () => {
    const net = await MLP.create({ layers: [2, 3], activations: ['softmax'], loss: 'cross-entropy', dtype: 'float64' });
    net.setParameters([1, 0, 0, 1, 1, 1, 0, 0.5, -0.5]);
    const X = [[1, 2], [-1, 0.5]];
    const logits = X.map(([a, b]) => [a, b, a + b].map((v, j) => v + [0, 0.5, -0.5][j]));
    const nll = logits.map((z, i) => Math.log(z.reduce((s, v) => s + Math.exp(v), 0)) - z[[2, 1][i]]);
    expect(net.loss(X, [2, 1])).toBeCloseTo((nll[0] + nll[1]) / 2, 14);
  });

  it('binary cross-entropy equals BCEWithLogitsLoss, finite even for extreme logits', async () => {
    const net = await MLP.create({ layers: [1, 1], activations: ['sigmoid'], loss: 'binary-cross-entropy', dtype: 'float64' });
    net.setParameters([1, 0]);
    const z = [-800, -2, 0.5, 800];
    const y = [1, 0, 1, 0];
    const expected = z.reduce((s, v, i) => s + Math.max(v, 0) - v * y[i] + Math.log1p(Math.exp(-Math.abs(v))), 0) / 4;
    expect(net.loss(z.map((v) => [v]), y.map((v) => [v]))).toBeCloseTo(expected, 12);
    expect(Number.isFinite(net.loss([[-800]], [[1]]))).toBe(true);
  });
});

describe('JSON', () => {
  it.each(['float32', 'float64'] as const)('round-trips %s bit-exactly, through text too, and keeps training identical', async (dtype) => {
    const net = await MLP.create({ layers: [2, 5, 1], activations: ['sigmoid', 'linear'], dtype, seed: 8 });
    net.fit([[0, 1], [1, 0], [1, 1]], [[1], [1], [0]], { epochs: 3, batchSize: 2, optimizer: { type: 'sgd' } });
    const copy = await MLP.fromJSON(JSON.parse(JSON.stringify(net.toJSON())));
    const fromText = await MLP.fromJSON(JSON.stringify(net.toJSON()), { backend: 'js' });
    expect(copy.getParameters()).toEqual(net.getParameters());
    expect(fromText.getParameters()).toEqual(net.getParameters());
    expect(copy.dtype).toBe(dtype);
    const X = [[0, 1], [1, 0], [1, 1], [0, 0]];
    const Y = [[1], [1], [0], [0]];
    // Plain SGD keeps no state, so θ and the generator (in the JSON) are all training needs.
    net.fit(X, Y, { epochs: 2, batchSize: 2, optimizer: { type: 'sgd' } });
    copy.fit(X, Y, { epochs: 2, batchSize: 2, optimizer: { type: 'sgd' } }); // same generator state: same shuffles
    expect(copy.getParameters()).toEqual(net.getParameters());
  });

  it('refuses malformed models with FormatError', async () => {
    const good = (await MLP.create({ layers: [2, 1], activations: ['linear'] })).toJSON();
    await expect(MLP.fromJSON('{oops')).rejects.toThrow(FormatError);
    await expect(MLP.fromJSON({ ...good, format: 'other' } as never)).rejects.toThrow(/format must be 'wasm-mlp'/);
    // A `wasm-mlp train` model file is named, with the calls that read it.
    await expect(MLP.fromJSON({ format: 'wasm-mlp-cli-model', version: 1, checkpoint: '' } as never)).rejects.toThrow("MLP.fromJSON: this is a command-line model (`wasm-mlp train`'s model.json), which holds a checkpoint; read the file's bytes with MLP.load or Predictor.load, which take every model file the package writes");
    await expect(MLP.fromJSON({ ...good, parameters: [1, 2] })).rejects.toThrow(/parameters must be an array of 3 numbers/);
    await expect(MLP.fromJSON({ ...good, parameters: [1, null, 3] } as never)).rejects.toThrow(/parameters\[1\] must be a finite number, got null/);
    await expect(MLP.fromJSON({ ...good, layers: [2, 0] })).rejects.toThrow(FormatError);
  });
});

describe('errors', () => {
  it('name the call, the argument, what was expected and what came; the network is unchanged', async () => {
    const net = await MLP.create({ layers: [4, 3, 2], activations: ['relu', 'linear'] });
    const theta = net.getParameters();
    const X = [[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4, 5]];
    expect(() => net.predict(X)).toThrow("predict: X row 3 has 5 values, expected 4 (the network's input size)");
    expect(() => net.step([[1, 2, 3, NaN]], [[0, 0]])).toThrow('step: X row 0, column 3 must be a finite number, got NaN');
    expect(() => net.step([[1, 2, 3, 4]], [[0, 0], [1, 1]])).toThrow('step: Y has 2 rows, expected 1 (one per row of X)');
    expect(() => net.step([[1, 2, 3, 4]], [[0, 0]], { learningRate: -1 })).toThrow('step: options.learningRate must be a number ≥ 0, got -1');
    expect(() => net.fit([[1, 2, 3, 4]], [[0, 0]], { batchSize: 0 })).toThrow('fit: options.batchSize must be an integer ≥ 1, got 0');
    expect(() => net.setParameters([1, 2])).toThrow(`setParameters: theta has 2 values, expected ${net.parameterCount}`);
    expect(() => net.predict([] as number[][])).toThrow(ShapeError);
    expect(() => net.predict('abc' as never)).toThrow(ValueError);
    expect(net.getParameters()).toEqual(theta);
  });

  it('name the flat index, row and column of a typed X that step refuses, on either backend, and change nothing', async () => {
    // 2 rows are scanned in JavaScript, 40 by the engine (src/engine/staging.ts).
    for (const [backend, rows] of [['wasm', 2], ['wasm', 40], ['js', 2], ['js', 40]] as const) {
      const net = await MLP.create({ layers: [4, 3, 2], activations: ['relu', 'linear'], backend, seed: 3 });
      net.setOptimizer({ type: 'adam', learningRate: 0.01 });
      const Y = Array.from({ length: rows }, (_, i) => (i % 2 ? [1, 0] : [0, 1]));
      net.step(new Float32Array(4 * rows).fill(0.5), Y);
      const theta = net.getParameters();
      const state = JSON.stringify(net.toJSON({ training: true }));
      const at = 4 * rows - 2;
      const x = new Float32Array(4 * rows).fill(0.5);
      x[at] = Infinity;
      expect(() => net.step(x, Y)).toThrow(`step: X[${at}] (row ${rows - 1}, column 2) must be a finite number, got Infinity`);
      // Finite in float64, not in the float32 network.
      const wide = new Float64Array(4 * rows).fill(0.5);
      wide[5] = 1e300;
      expect(() => net.step(wide, Y)).toThrow(/^step: X\[5\] \(row 1, column 1\) .*float32.*got 1e\+300$/);
      expect(net.getParameters()).toEqual(theta);
      expect(JSON.stringify(net.toJSON({ training: true }))).toBe(state);
    }
  });

  it('check create options', async () => {
    await expect(MLP.create({ layers: [2, 1], activations: ['relu', 'linear'] })).rejects.toThrow('MLP.create: activations must be an array of 1 names (one per weight layer), got an array of length 2');
    await expect(MLP.create({ layers: [2, 1.5, 1], activations: ['relu', 'linear'] })).rejects.toThrow('MLP.create: layers[1] must be an integer in [1, 16777216], got 1.5');
    await expect(MLP.create({ layers: [2, 3, 2], activations: ['softmax', 'linear'] })).rejects.toThrow(/allowed on the output layer only/);
    await expect(MLP.create({ layers: [2, 2], activations: ['relu'], loss: 'cross-entropy' })).rejects.toThrow(/needs the output activation 'softmax'/);
    await expect(MLP.create({ layers: [2, 2], activations: ['swish' as never] })).rejects.toThrow("MLP.create: activations[0] must be one of 'linear', 'relu', 'leaky-relu', 'sigmoid', 'tanh', 'softmax', 'gelu', 'gelu-tanh', 'silu', 'elu', 'selu', 'softplus', 'mish', 'hardswish', got \"swish\"");
    await expect(MLP.create({ layers: [2, 2], activations: ['relu'], dtype: 'float16' as never })).rejects.toThrow(WasmMlpError);
  });

  it('after dispose every call throws DisposedError', async () => {
    const net = await MLP.create({ layers: [2, 1], activations: ['linear'] });
    net.dispose();
    net.dispose();
    expect(net.disposed).toBe(true);
    expect(() => net.predict([[1, 2]])).toThrow(DisposedError);
    expect(() => net.getParameters()).toThrow('getParameters: this network was disposed; create or load a new one');
  });
});
