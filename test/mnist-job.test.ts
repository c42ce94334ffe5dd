// The main job's parts: the confusion matrix, the progress bar, and a short real run on MNIST
// (the IDX reader and the data themselves: test/idx.test.ts).
import { describe, expect, it } from 'vitest';
import { argmaxRows, confusionMatrix, formatConfusion } from '../src/cli/train-loop.js';
import { ProgressBar } from '../src/cli/progress.js';
import { runDigitsJob } from '../examples/digits-job.js';

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
  it('learns real digits in one epoch on a sixth of the training set, tests on all 10,000, and compares the backends', async () => {
    const lines: string[] = [];
    const result = await runDigitsJob({ epochs: 1, trainRows: 10000, speedSamples: 256, out: { write: (s) => lines.push(s) } });
    // One epoch of momentum SGD on 10,000 digits already classifies most of the official test set.
    expect(result.testAccuracy).toBeGreaterThan(0.9);
    expect(result.testAccuracy).toBeLessThan(0.98);
    // Rows are the true classes: their sums are the test set's per-class counts.
    expect(result.confusion.map((row) => row.reduce((a, b) => a + b))).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(result.samplesPerSecond).toBeCloseTo(10000 / result.trainSeconds, 6);
    expect(result.speed!.wasm).toBeGreaterThan(0);
    expect(result.speed!.js).toBeGreaterThan(0);
    expect(result.speed!.wasmThreads).toBe(result.threads);
    const text = lines.join('');
    expect(text).toContain('10,000 images to train on, 10,000 to test.');
    expect(text).toMatch(/seed 1\./);
    expect(text).toMatch(/Test accuracy: \d+\.\d\d% \(\d+ of 10000\) after 1 epochs in [\d.]+ s of training \([\d,]+ samples\/s\)/);
    expect(text).toMatch(/wasm on \d threads? [\d,]+ samples\/s, wasm on 1 thread [\d,]+, js [\d,]+: wasm is [\d.]+× the pure-TypeScript backend/);
  });
});
