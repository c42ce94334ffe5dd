// Fashion-MNIST from the fashion-mnist package: the split the loader makes, and a short real run.
import { describe, expect, it } from 'vitest';
import { FASHION_CLASSES, loadFashionMnist } from '../examples/fashion-data.js';
import { runFashionJob } from '../examples/fashion-job.js';

describe('Fashion-MNIST', () => {
  it('splits 70,000 images into 60,000 to train and 10,000 to test, 6,000 and 1,000 per class; a short job learns them', async () => {
    const { train, test } = loadFashionMnist();
    expect([train.rows, test.rows]).toEqual([60000, 10000]);
    expect(train.X.length).toBe(60000 * 784);
    const counts = (labels: Int32Array) => Array.from(labels).reduce((c, l) => (c[l]++, c), new Array<number>(10).fill(0));
    expect(counts(train.Y)).toEqual(new Array(10).fill(6000));
    expect(counts(test.Y)).toEqual(new Array(10).fill(1000));
    let min = Infinity, max = -Infinity;
    for (let i = 0; i < test.X.length; i++) { min = Math.min(min, test.X[i]); max = Math.max(max, test.X[i]); }
    expect([min, max]).toEqual([0, 1]);
    expect(FASHION_CLASSES).toHaveLength(10);
    // Interleaved by class: every leading slice is balanced (the job's trainRows takes one).
    expect(Array.from(train.Y.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);

    // The job, shortened: one epoch on 10,000 images (the JSON files stay cached in this process).
    const lines: string[] = [];
    const result = await runFashionJob({ epochs: 1, trainRows: 10000, speedSamples: 0, out: { write: (s) => lines.push(s) } });
    expect(result.testAccuracy).toBeGreaterThan(0.75);
    expect(result.testAccuracy).toBeLessThan(0.88);
    expect(result.confusion.map((row) => row.reduce((a, b) => a + b))).toEqual(new Array(10).fill(1000));
    const text = lines.join('');
    expect(text).toMatch(/Test accuracy: \d+\.\d\d% \(\d+ of 10000\)/);
    expect(text).toMatch(/^\s+Ankle boot\s+\d+/m);
    expect(result.speed).toBeNull();
  }, 180_000);
});
