// One model-file story: MLP.load and Predictor.load read every file the package writes — a
// checkpoint (net.save()), a JSON model (net.toJSON()), a `wasm-mlp train` model and
// safetensors — by sniffing its first bytes (src/io/sniff.ts), and predict exactly what the
// saved network predicts; a file of another kind is an error that says what it is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MLP, FormatError } from '../src/index.js';
import { Predictor } from '../src/inference/index.js';
import { modelFile } from '../src/cli/model-file.js';

const X = [[0.5, -1, 2], [1.5, 0.25, -0.75], [-2, 1, 0]];
let net: MLP;
let files: Record<string, Uint8Array>;

beforeAll(async () => {
  net = await MLP.create({ layers: [3, 5, 3], activations: ['tanh', 'softmax'], loss: 'cross-entropy', seed: 4, normalization: ['batch-norm'] });
  net.fit(X, [[1, 0, 0], [0, 1, 0], [0, 0, 1]], { epochs: 3 });
  const cli = modelFile(net, { task: 'classification', features: ['a', 'b', 'c'], target: 'y', classes: ['x', 'y', 'z'], featureScaling: { mean: [0, 0, 0], std: [1, 1, 1] }, targetScaling: null });
  files = {
    'checkpoint (net.save())': net.save(),
    'JSON (net.toJSON())': new TextEncoder().encode(JSON.stringify(net.toJSON())),
    'JSON with a BOM and indentation': new TextEncoder().encode('\ufeff\n  ' + JSON.stringify(net.toJSON(), null, 2)),
    'command-line model (wasm-mlp train)': new TextEncoder().encode(JSON.stringify(cli) + '\n'),
    'safetensors (net.toSafetensors())': net.toSafetensors(),
  };
});
afterAll(() => net.dispose());

describe('MLP.load and Predictor.load read every file the package writes', () => {
  for (const kind of ['checkpoint (net.save())', 'JSON (net.toJSON())', 'JSON with a BOM and indentation', 'command-line model (wasm-mlp train)', 'safetensors (net.toSafetensors())']) {
    it(kind, async () => {
      const expected = net.predict(X);
      const loaded = await MLP.load(files[kind]!);
      expect(loaded.layers).toEqual([3, 5, 3]);
      expect(loaded.getParameters()).toEqual(net.getParameters());
      expect(loaded.predict(X)).toEqual(expected);
      loaded.dispose();
      const predictor = await Predictor.load(files[kind]!.slice().buffer);
      expect(predictor.predict(X)).toEqual(expected);
      predictor.dispose();
    });
  }
});

describe('a file of another kind is an error naming what it is', () => {
  const text = (s: string) => new TextEncoder().encode(s);
  const cases: [string, () => Uint8Array, RegExp][] = [
    ['ONNX (net.toOnnx())', () => net.toOnnx(), /the bytes are an ONNX model \(net\.toOnnx\(\) writes these; wasm-mlp does not read them back: run it with ONNX Runtime/],
    ['JSON of another program', () => text('{"weights": [[1, 2]]}'), /the bytes are JSON but not a wasm-mlp model \(it has no "format": "wasm-mlp" field\)/],
    ['JSON of another format', () => text('{"format": "keras"}'), /the bytes are JSON but not a wasm-mlp model \(its format is "keras"\)/],
    ['broken JSON', () => text('{"format": "wasm-mlp", '), /the bytes start as JSON but do not parse/],
    ['a CSV file', () => text('sepal_length,species\n5.1,setosa\n'), /the bytes are text that is not JSON \(CSV data is read by `wasm-mlp train` or fitDataset/],
    ['a PyTorch .pt (ZIP)', () => Uint8Array.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0, 0]), /the bytes are a ZIP archive \(PyTorch's torch\.save writes \.pt\/\.pth files as one/],
    ['a pickle', () => Uint8Array.from([0x80, 0x04, 0x95, 0, 0, 0, 0, 0, 0, 0]), /the bytes are a Python pickle/],
    ['an IDX file', () => Uint8Array.from([0, 0, 0x08, 3, 0, 0, 0, 1, 0, 0, 0, 1]), /the bytes are an IDX file \(MNIST-style data: read it with parseIdx\)/],
    ['four bytes', () => Uint8Array.from([1, 2, 3, 4]), /the bytes are only 4 bytes long, not a model file wasm-mlp reads; it reads a checkpoint \(net\.save\(\), \.wmlp\), a JSON model/],
  ];
  for (const [name, bytes, message] of cases) {
    it(name, async () => {
      await expect(MLP.load(bytes())).rejects.toThrow(FormatError);
      await expect(MLP.load(bytes())).rejects.toThrow(new RegExp(`^MLP\\.load: ${message.source}`));
      await expect(Predictor.load(bytes())).rejects.toThrow(new RegExp(`^Predictor\\.load: ${message.source}`));
    });
  }

  it('a damaged file of a readable kind gets its own reader\'s precise message', async () => {
    const bytes = net.save();
    bytes[bytes.length - 10]! ^= 4;
    await expect(MLP.load(bytes)).rejects.toThrow(/checksum mismatch/);
    const json = text(JSON.stringify({ ...net.toJSON(), layers: [3, 5] }));
    await expect(MLP.load(json)).rejects.toThrow(FormatError);
  });
});
