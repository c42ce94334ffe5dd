// The main job's parts: the MNIST split, the confusion matrix, the progress bar, and a short real run.
import { describe, expect, it } from 'vitest';
import { PIXELS, loadMnist } from '../src/cli/mnist.js';
import { argmaxRows, confusionMatrix, formatConfusion } from '../src/cli/train-loop.js';
import { ProgressBar } from '../src/cli/progress.js';
import { runDigitsJob } from '../src/cli/digits-job.js';

describe('MNIST data', () => {
  const { train, test } = loadMnist(0.2, 0);

  it('splits the 10,000 real digits 8,000 / 2,000, every class on both sides', () => {
    expect(train.rows).toBe(8000);
    expect(test.rows).toBe(2000);
    expect(train.X.length).toBe(8000 * PIXELS);
    for (const set of [train, test]) {
      const counts = new Array(10).fill(0);
      set.Y.forEach((l) => counts[l]++);
      // Each digit is about a tenth of the set (the package has 863 to 1,127 of each).
      for (const c of counts) expect(c / set.rows).toBeGreaterThan(0.07);
      const pixels = set.X.reduce((r, v) => [Math.min(r[0], v), Math.max(r[1], v)], [Infinity, -Infinity]);
      expect(pixels).toEqual([0, 1]);
    }
  });

  it('is the same split every time', () => {
    const again = loadMnist(0.2, 0);
    expect(again.test.Y).toEqual(test.Y);
    expect(again.test.X.subarray(0, 5000)).toEqual(test.X.subarray(0, 5000));
  });
});

describe('confusion matrix', () => {
  it('counts true × predicted', () => {
    const m = confusionMatrix([0, 0, 1, 2, 2, 2], argmaxRows([0.9, 0.1, 0, 0.2, 0.7, 0.1, 0, 1, 0, 0, 0, 1, 0, 0, 1, 1, 0, 0], 3), 3);
    expect(m).toEqual([[1, 1, 0], [0, 1, 0], [1, 0, 2]]);
    const text = formatConfusion(m, ['a', 'b', 'c']);
    expect(text[0]).toMatch(/^true\s+a\s+b\s+c/);
    expect(text[3]).toMatch(/^c\s+1\s+0\s+2$/);
  });
});

describe('progress bar', () => {
  const state = { done: 2000, total: 8000, loss: 0.25, accuracy: 0.9, seconds: 1 };

  it('redraws one line in place on a terminal', () => {
    const written: string[] = [];
    const bar = new ProgressBar({ write: (s) => written.push(s), isTTY: true }, 'epoch 1/3', 0);
    bar.update(state);
    bar.finish({ ...state, done: 8000, seconds: 4 });
    expect(written[0]).toMatch(/^\r.*2000\/8000\s+loss 0\.2500\s+acc 90\.0%\s+2,000 samples\/s\s+3\.0s left/);
    expect(written[1]).toMatch(/^\repoch 1\/3 █{24} 8000\/8000 .*4\.0s\x1b\[K\n$/);
  });

  it('prints plain lines, one per epoch, when not a terminal', () => {
    const written: string[] = [];
    const bar = new ProgressBar({ write: (s) => written.push(s), isTTY: false }, 'epoch 1/3', 0);
    bar.update(state);
    bar.finish({ ...state, done: 8000, seconds: 4 });
    expect(written).toHaveLength(1);
    expect(written[0]).not.toContain('\r');
    expect(written[0]).not.toContain('\x1b');
  });
});

describe('the MNIST job, shortened', () => {
  it('learns real digits in one epoch and compares the backends', async () => {
    const lines: string[] = [];
    const result = await runDigitsJob({ epochs: 1, speedSamples: 256, out: { write: (s) => lines.push(s) } });
    // One epoch of momentum SGD already classifies most held-out digits.
    expect(result.testAccuracy).toBeGreaterThan(0.88);
    expect(result.confusion.flat().reduce((a, b) => a + b)).toBe(2000);
    expect(result.speed!.wasm).toBeGreaterThan(0);
    expect(result.speed!.js).toBeGreaterThan(0);
    const text = lines.join('');
    expect(text).toMatch(/Test accuracy: \d+\.\d\d% \(\d+ of 2000\) after 1 epochs/);
    expect(text).toMatch(/wasm [\d,]+ samples\/s, js [\d,]+ samples\/s/);
  });
});
