// Every documented section's JavaScript runs as written against the built package: the blocks of a
// section run in order as one module (later blocks use names the earlier ones define), in a
// fresh directory, and must finish without an error. A line `expression; // value` whose comment
// shows a value (a number to the digits written, a list, a string, true/false, or the error it
// throws) is checked: the expression's value is reported and compared with the comment.
// console.log lines with printed values are compared in test/readme-start.test.ts and the
// readme-*.test.ts files.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { agrees, claimLines, docBlocks, mismatch, parseClaim, runClaims } from './readme-blocks.js';

const root = fileURLToPath(new URL('..', import.meta.url));

// Section → the number of value comments it must have checked (so an edit that stops a
// comment from parsing fails here instead of silently checking less). "Multi-core training"
// uses a data set it does not define (test/readme-threads.test.ts runs it with one) and its
// Vite config; "ONNX export" runs in test/onnx.test.ts (test/docs-blocks.test.ts runs every
// block of every page as well).
const SECTIONS: [string, string, number, { cwd?: string }?][] = [
  ['README.md', 'The worked example', 6],
  ['docs/guide/worked-example.md', 'The worked example: one training step by hand', 6],
  ['docs/guide/training.md', 'Training with fit', 0],
  ['docs/guide/losses.md', 'Weighting: classes, labels and samples', 5],
  ['docs/guide/threads.md', 'Training off the main thread', 0],
  ['docs/guide/inference.md', 'Fast inference', 1],
  ['docs/guide/inference.md', 'Standalone inference: `toFunction`', 1],
  ['docs/guide/optimizers.md', 'Learning-rate schedules', 0],
  ['docs/guide/optimizers.md', 'Optimizers', 4],
  ['docs/guide/normalization.md', 'Dropout', 1],
  ['docs/guide/normalization.md', 'Normalization layers', 4],
  ['docs/guide/saving.md', 'Checkpoints', 0],
  ['docs/guide/saving.md', 'safetensors and PyTorch', 0],
  ['docs/guide/data.md', 'Reading IDX files (MNIST)', 1, { cwd: root }],
  ['docs/guide/errors-and-limits.md', 'Errors and limits', 3],
  ['docs/guide/environments.md', 'Kernel builds', 0],
];

describe.each(SECTIONS)('%s "%s"', (page, heading, claims, options) => {
  it(`runs as written, and its ${claims} value comment(s) hold`, async () => {
    const code = docBlocks(page, heading).join('\n');
    expect(code).toContain("from 'wasm-mlp'");
    expect(claimLines(code).map((c) => c.comment)).toHaveLength(claims);
    const results = await runClaims(code, options);
    expect(results.map(mismatch).filter((m) => m !== null)).toEqual([]);
  }, 180_000);
});

describe('value comments', () => {
  it('are read as the README writes them', () => {
    expect(parseClaim('3.25 (the loss before the step)')).toEqual({ kind: 'numbers', typed: null, values: ['3.25'] });
    expect(parseClaim('Float64Array [3.4, 1.7, 1.7, 5.1, -0.2]')).toEqual({ kind: 'numbers', typed: 'Float64Array', values: ['3.4', '1.7', '1.7', '5.1', '-0.2'] });
    expect(parseClaim('[[0.9904…]], as net.predict gives')).toEqual({ kind: 'numbers', typed: null, values: ['0.9904…'] });
    expect(parseClaim("'diverged'")).toEqual({ kind: 'string', value: 'diverged' });
    expect(parseClaim("'epochs' | 'callback' | 'aborted'")).toBeNull(); // a list of possibilities, not a value
    expect(parseClaim("'epochs', 'callback', …")).toBeNull();
    expect(parseClaim('true: θ as it was')).toEqual({ kind: 'boolean', value: true });
    expect(parseClaim('ValueError: predictInto: X[300] must be finite')).toEqual({ kind: 'throws', name: 'ValueError', message: 'predictInto: X[300] must be finite' });
    expect(parseClaim('per epoch, after the last step')).toBeNull();
  });

  it('agree with values to the digits written, cut off at …, e-notation within 2%', () => {
    expect(agrees(0.96600000001, '0.966')).toBe(true);
    expect(agrees(0.9666, '0.966')).toBe(false);
    expect(agrees(2.85564732441, '2.8556473244…')).toBe(true);
    expect(agrees(2.8557, '2.8556…')).toBe(false);
    expect(agrees(3.6e-9, '3.55e-9')).toBe(true);
    expect(agrees(3.7e-9, '3.55e-9')).toBe(false);
  });
});
