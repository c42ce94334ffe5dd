// The `wasm-mlp` binary's file and number handling: output paths are checked before any work,
// hand-edited model files name themselves, and numbers are read in decimal only. Runs the
// compiled bin (dist/, built by `npm test`'s pretest) as a child process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './support/cli.js';

const bin = new URL('../dist/cli/main.js', import.meta.url).pathname;
let dir = '';

/** `wasm-mlp …args` in the test's folder. */
const run = (...args: string[]) => runCli(dir, ...args);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wasm-mlp-cli-files-'));
  mkdirSync(join(dir, 'folder'));
  const rows = Array.from({ length: 40 }, (_, i) => `${i % 7},${(i * 3) % 5},${i % 2 ? 'yes' : 'no'}`);
  writeFileSync(join(dir, 'data.csv'), 'a,b,label\n' + rows.join('\n') + '\n');
  const trained = await run('train', 'data.csv', '--target', 'label', '--epochs', '1', '--out', 'model.wmlp');
  expect(trained.code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('output paths are checked before any work', () => {
  const cases = [
    ['train to a missing directory', ['train', 'data.csv', '--target', 'label', '--out', '/nonexistent/x.wmlp'], 'wasm-mlp: --out /nonexistent/x.wmlp: the directory /nonexistent does not exist (see wasm-mlp train --help)'],
    ['train to a directory', ['train', 'data.csv', '--target', 'label', '--out', 'folder'], 'wasm-mlp: --out folder is a directory; give a file name (see wasm-mlp train --help)'],
    ['predict to a missing directory', ['predict', 'model.wmlp', 'data.csv', '--out', '/nonexistent/p.csv'], 'wasm-mlp: --out /nonexistent/p.csv: the directory /nonexistent does not exist (see wasm-mlp predict --help)'],
    ['export to a directory', ['export', 'model.wmlp', '--out', 'folder'], 'wasm-mlp: --out folder is a directory; give a file name (see wasm-mlp export --help)'],
    ['train below a file', ['train', 'data.csv', '--target', 'label', '--out', 'data.csv/x.wmlp'], 'wasm-mlp: --out data.csv/x.wmlp: data.csv is not a directory (see wasm-mlp train --help)'],
  ] as const;
  it.each(cases)('%s: one line, exit 2, nothing trained or written', async (_, args, message) => {
    const result = await run(...args);
    expect([result.code, result.stderr, result.stdout]).toEqual([2, message + '\n', '']);
  });
});

it('a .wmlp with a feature of std 0 names the file and the feature', async () => {
  const model = JSON.parse(readFileSync(join(dir, 'model.wmlp'), 'utf8'));
  model.featureScaling.std[1] = 0;
  writeFileSync(join(dir, 'flat.wmlp'), JSON.stringify(model));
  for (const args of [['predict', 'flat.wmlp', 'data.csv'], ['evaluate', 'flat.wmlp', 'data.csv'], ['export', 'flat.wmlp', '--out', 'flat.mjs']]) {
    const result = await run(...args);
    expect([result.code, result.stderr]).toEqual([1, 'wasm-mlp: flat.wmlp: the model file is damaged (featureScaling: feature "b" has std 0; a std must be > 0)\n']);
  }
  expect(existsSync(join(dir, 'flat.mjs'))).toBe(false);
});

describe('numbers are decimal, whole and unpadded', () => {
  const cases = [
    ['--epochs', '0x10', 'an integer ≥ 1'],
    ['--epochs', ' 1 ', 'an integer ≥ 1'],
    ['--epochs', '1e3', 'an integer ≥ 1'],
    ['--epochs', '', 'an integer ≥ 1'],
    ['--seed', '1.0', 'an integer ≥ 0'],
    ['--learning-rate', ' 0.1', 'a number > 0'],
    ['--learning-rate', '0x1', 'a number > 0'],
    ['--learning-rate', 'Infinity', 'a number > 0'],
    ['--validation-split', '.5 ', 'a number in [0, 1)'],
  ] as const;
  it.each(cases)('%s "%s" is refused', async (option, value, expected) => {
    const result = await run('train', 'data.csv', '--target', 'label', `${option}=${value}`, '--out', 'never.wmlp');
    expect([result.code, result.stderr]).toEqual([2, `wasm-mlp: ${option} must be ${expected}, got "${value}" (see wasm-mlp train --help)\n`]);
  });

  it('--layers takes decimal sizes only, and --features refuses a repeated column', async () => {
    const layers = await run('train', 'data.csv', '--target', 'label', '--layers', '0x10,8');
    expect([layers.code, layers.stderr]).toEqual([2, 'wasm-mlp: --layers must be hidden layer sizes separated by commas, e.g. 64,32, got "0x10,8" (see wasm-mlp train --help)\n']);
    const features = await run('train', 'data.csv', '--target', 'label', '--features', 'a,b,a');
    expect([features.code, features.stderr]).toEqual([2, 'wasm-mlp: --features names "a" twice (see wasm-mlp train --help)\n']);
    expect(existsSync(join(dir, 'never.wmlp'))).toBe(false);
  });

  it('decimal forms that are numbers still work', async () => {
    const result = await run('train', 'data.csv', '--target', 'label', '--epochs', '+2', '--learning-rate', '1e-2', '--validation-split', '.25', '--layers', '8', '--out', 'ok.wmlp');
    expect([result.code, result.stderr]).toEqual([0, '']);
    expect(result.stdout).toContain('saved the model to ok.wmlp');
  });
});
