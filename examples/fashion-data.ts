import { createRequire } from 'node:module';
import { FormatError } from '../dist/index.js';
import { PIXELS, type DigitSet } from './mnist-data.js';

/** Fashion-MNIST's ten classes, in label order. */
export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

/** Test images per class: Fashion-MNIST's official test set has 1,000 of each. */
const TEST_PER_CLASS = 1000;

/**
 * Fashion-MNIST from the `fashion-mnist` package (a devDependency): one JSON file per class of
 * 7,000 images as 784 pixel values in 0–255. The package gives no split; the first 1,000
 * images of each class are taken as the test set (10,000, the size of the official one) and
 * the other 6,000 for training (60,000). Its class-0 file holds two empty rows, after the
 * 1,000th and the 7,000th image, which are skipped.
 */
export function loadFashionMnist(): { train: DigitSet; test: DigitSet } {
  const require = createRequire(import.meta.url);
  const classes = FASHION_CLASSES.map((_, label) => {
    const file = `fashion-mnist/src/clothes/${label}.json`;
    const images = (require(file) as { data: number[][] }).data.filter((row) => row.length > 0);
    const bad = images.findIndex((row) => row.length !== PIXELS);
    if (bad >= 0) throw new FormatError(`${file}: image ${bad} has ${images[bad].length} pixels, expected ${PIXELS}`);
    return images;
  });
  return {
    train: toSet(classes.map((images) => images.slice(TEST_PER_CLASS))),
    test: toSet(classes.map((images) => images.slice(0, TEST_PER_CLASS))),
  };
}

/**
 * The classes' images as one set, interleaved (one image of each class in turn) so that any
 * leading slice has every class in proportion.
 */
function toSet(byClass: number[][][]): DigitSet {
  const perClass = byClass[0].length;
  if (byClass.some((images) => images.length !== perClass)) throw new FormatError(`fashion-mnist: expected as many images in every class, got ${byClass.map((c) => c.length).join(', ')}`);
  const rows = perClass * byClass.length;
  const X = new Float32Array(rows * PIXELS);
  const Y = new Int32Array(rows);
  for (let i = 0, row = 0; i < perClass; i++) {
    byClass.forEach((images, label) => {
      const image = images[i];
      for (let p = 0; p < PIXELS; p++) X[row * PIXELS + p] = image[p] / 255;
      Y[row++] = label;
    });
  }
  return { X, Y, rows };
}
